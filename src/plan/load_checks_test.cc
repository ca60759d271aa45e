// Named checks (k6's `check(res, {"status is 200": ...})`), per-step tags and request bodies
// from files, with their errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "plan/loader.h"
#include "plan/runtime.h"

namespace perfgate::plan {
namespace {

LoadResult load(const std::string& flow) {
  LoadOptions options;
  options.display_name = "c.yaml";
  return load_plan_text(
      "options: {baseUrl: http://127.0.0.1:8080, vus: 1, duration: 1s}\n"
      "flows:\n  main:\n" +
          flow,
      options);
}

std::string first_error(const LoadResult& r) {
  return r.diagnostics.sorted().empty() ? "" : r.diagnostics.sorted().front().format();
}

TEST(NamedChecks, NameAMapOfConditionsThatMustAllHold) {
  LoadResult r = load(
      "    - url: /login\n"
      "      checks:\n"
      "        status: 200\n"
      "        \"token, please: {x}\": {status: [200, 201], jsonExists: $.token}\n");
  ASSERT_TRUE(r.ok()) << first_error(r);
  const RequestStep& step = r.plan.flows[0].steps[0].request;
  ASSERT_EQ(step.checks.size(), 2u);
  EXPECT_EQ(step.checks[0].name, "status in [200]");
  const Check& named = step.checks[1];
  EXPECT_EQ(named.name, "token, please: {x}");
  EXPECT_EQ(named.kind, CheckKind::kStatusIn);
  ASSERT_EQ(named.also.size(), 1u);
  EXPECT_EQ(named.also[0].kind, CheckKind::kJsonExists);

  ResponseView ok;
  ok.status = 201;
  ok.body = R"({"token": "t"})";
  EXPECT_TRUE(ResponseInspector(ok).passes(named));
  ResponseView no_token = ok;
  no_token.body = "{}";
  EXPECT_FALSE(ResponseInspector(no_token).passes(named)) << "every condition must hold";
  ResponseView bad_status = ok;
  bad_status.status = 500;
  EXPECT_FALSE(ResponseInspector(bad_status).passes(named));
}

TEST(NamedChecks, MistakesAreReportedWithPositions) {
  EXPECT_EQ(first_error(load("    - {url: /, checks: {bodyContain: x}}\n")),
            "c.yaml:4:25: error: unknown key \"bodyContain\" in checks (hint: did you mean "
            "\"bodyContains\"?)");
  EXPECT_NE(first_error(load("    - {url: /, checks: {\"is ok\": 200}}\n"))
                .find("check \"is ok\" needs a map of conditions"),
            std::string::npos);
  EXPECT_NE(first_error(load("    - {url: /, checks: {\"is ok\": {stauts: 200}}}\n"))
                .find("did you mean \"status\"?"),
            std::string::npos);
  EXPECT_NE(first_error(load("    - {url: /, checks: {\"is ok\": {}}}\n")).find("has no condition"),
            std::string::npos);
  EXPECT_NE(first_error(
                load("    - {url: /, checks: {status: 200, \"status in [200]\": {status: 201}}}\n"))
                .find("two checks of this step are named \"status in [200]\""),
            std::string::npos);
}

TEST(NamedChecks, DiscardedBodiesRefuseANamedCheckThatReadsTheBody) {
  LoadOptions options;
  options.display_name = "d.yaml";
  LoadResult r = load_plan_text(
      "options: {baseUrl: http://127.0.0.1:8080, vus: 1, duration: 1s, "
      "discardResponseBodies: true}\n"
      "flows:\n  main:\n    - {url: /, checks: {\"ok\": {status: 200, bodyContains: x}}}\n",
      options);
  EXPECT_FALSE(r.ok());
}

TEST(StepTags, AreKeptAndSystemTagsAreRefused) {
  LoadResult r = load("    - {url: /, tags: {kind: api, \"team name\": \"a, b\"}}\n");
  ASSERT_TRUE(r.ok()) << first_error(r);
  const auto& tags = r.plan.flows[0].steps[0].request.tags;
  EXPECT_EQ(tags.at("kind"), "api");
  EXPECT_EQ(tags.at("team name"), "a, b");
  EXPECT_EQ(first_error(load("    - {url: /, tags: {name: x}}\n")),
            "c.yaml:4:23: error: tag \"name\" is set by perfgate (hint: name the request with the "
            "step's name: key)");
  EXPECT_FALSE(load("    - {url: /, tags: [a]}\n").ok());
}

class BodyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("plan_body_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "bodies");
    std::ofstream(dir_ / "bodies" / "order.json")
        << "{\"user\": \"{{user}}\",\n \"n\": {{__ITER}}}";
    std::ofstream(dir_ / "bodies" / "bad.json") << "{\n  \"a\": \"{{nobody}}\"}";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  LoadResult load_body(const std::string& body) {
    LoadOptions options;
    options.display_name = "b.yaml";
    options.base_dir = dir_.string();
    return load_plan_text(
        "vars: {user: ann}\n"
        "options: {baseUrl: http://127.0.0.1:8080, vus: 1, duration: 1s}\n"
        "flows:\n  main:\n    - {url: /, method: POST, body: " +
            body + "}\n",
        options);
  }
  std::filesystem::path dir_;
};

TEST_F(BodyFileTest, IsReadOnceAndSentAsWrittenUnlessTemplated) {
  LoadResult raw = load_body("{file: bodies/order.json}");
  ASSERT_TRUE(raw.ok()) << first_error(raw);
  const Template& literal = raw.plan.flows[0].steps[0].request.body;
  EXPECT_TRUE(literal.is_literal());
  EXPECT_EQ(literal.source(), "{\"user\": \"{{user}}\",\n \"n\": {{__ITER}}}");

  LoadResult templated = load_body("{file: bodies/order.json, template: true}");
  ASSERT_TRUE(templated.ok()) << first_error(templated);
  const Template& body = templated.plan.flows[0].steps[0].request.body;
  EXPECT_FALSE(body.is_literal());
  std::vector<std::string> vars(templated.plan.variables.size());
  vars[templated.plan.slot_of("user")] = "ann";
  RenderContext context{vars, 1, 7, 0, nullptr};
  EXPECT_EQ(body.render(context), "{\"user\": \"ann\",\n \"n\": 7}");
}

TEST_F(BodyFileTest, MistakesPointAtThePlanOrIntoTheFile) {
  EXPECT_EQ(first_error(load_body("{file: nope.json}")),
            "b.yaml:5:43: error: body file \"nope.json\" does not exist (hint: paths are relative "
            "to the plan file's directory)");
  const std::string in_file = first_error(load_body("{file: bodies/bad.json, template: true}"));
  EXPECT_NE(in_file.find("bad.json:2:9: error: undefined variable \"nobody\""), std::string::npos)
      << in_file;
  EXPECT_TRUE(load_body("{file: bodies/bad.json}").ok()) << "not a template: sent as written";
  EXPECT_NE(first_error(load_body("{template: true}")).find("needs file:"), std::string::npos);
  EXPECT_NE(first_error(load_body("{file: bodies/order.json, tempate: true}"))
                .find("did you mean \"template\""),
            std::string::npos);
}

}  // namespace
}  // namespace perfgate::plan
