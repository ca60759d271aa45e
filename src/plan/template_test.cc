#include "plan/template.h"

#include <gtest/gtest.h>

#include <regex>

namespace perfgate::plan {
namespace {

// name → slot for a fixed set of names.
SlotResolver resolver(std::vector<std::string> names) {
  return [names](std::string_view name) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
}

TEST(Template, CompilesIntoLiteralAndVariableParts) {
  auto result = compile_template("/users/{{ id }}/orders?page={{page}}", resolver({"page", "id"}));
  ASSERT_TRUE(result.errors.empty());
  const Template& t = result.value;
  ASSERT_EQ(t.parts().size(), 4u);
  EXPECT_EQ(t.parts()[0].text, "/users/");
  EXPECT_EQ(t.parts()[1].slot, 1);
  EXPECT_EQ(t.parts()[3].slot, 0);
  EXPECT_FALSE(t.is_literal());
  const std::vector<std::string> vars = {"3", "alice"};
  RenderContext ctx{vars};
  EXPECT_EQ(t.render(ctx), "/users/alice/orders?page=3");
  EXPECT_EQ(t.variable_names(), (std::vector<std::string>{"id", "page"}));
}

TEST(Template, RenderAppendsIntoAReusedBuffer) {
  auto t = compile_template("a{{x}}", resolver({"x"})).value;
  const std::vector<std::string> vars = {"b"};
  std::string out = "prefix:";
  t.render(RenderContext{vars}, out);
  EXPECT_EQ(out, "prefix:ab");
  EXPECT_TRUE(compile_template("plain text", resolver({})).value.is_literal());
}

TEST(Template, Builtins) {
  auto t = compile_template("{{__VU}}-{{__ITER}}-{{now}}", resolver({})).value;
  RenderContext ctx;
  ctx.vu = 7;
  ctx.iteration = 3;
  ctx.unix_millis = 1700000000123;
  EXPECT_EQ(t.render(ctx), "7-3-1700000000123");

  std::mt19937_64 rng(42);
  ctx.rng = &rng;
  auto dice = compile_template("{{randInt 1 6}}", resolver({})).value;
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(dice.render(ctx));
  EXPECT_EQ(seen, (std::set<std::string>{"1", "2", "3", "4", "5", "6"}));
  auto negative = compile_template("{{randInt -5 -5}}", resolver({})).value;
  EXPECT_EQ(negative.render(ctx), "-5");

  auto uuid = compile_template("{{uuid}}", resolver({})).value;
  const std::string a = uuid.render(ctx), b = uuid.render(ctx);
  EXPECT_NE(a, b);
  EXPECT_TRUE(std::regex_match(
      a, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << a;
}

TEST(Template, JsonEscapingOfSubstitutedValues) {
  auto t = compile_template("{\"name\":\"{{n}}\"}", resolver({"n"}), Escape::kJson).value;
  const std::vector<std::string> vars = {"a \"quoted\"\\ name\n\x01"};
  EXPECT_EQ(t.render(RenderContext{vars}), "{\"name\":\"a \\\"quoted\\\"\\\\ name\\n\\u0001\"}");
}

TEST(Template, ErrorsCarryTheirOffset) {
  auto undefined = compile_template("/x/{{ok}}/{{nope}}", resolver({"ok"}));
  ASSERT_EQ(undefined.errors.size(), 1u);
  EXPECT_EQ(undefined.errors[0].offset, 10u);
  EXPECT_EQ(undefined.errors[0].error.message, "undefined variable \"nope\"");
  EXPECT_FALSE(undefined.errors[0].error.hint.empty());

  auto several =
      compile_template("{{a}} {{}} {{randInt 5 1}} {{randInt x}} {{9bad}} {{open", resolver({}));
  ASSERT_EQ(several.errors.size(), 6u);
  EXPECT_EQ(several.errors[1].error.message, "empty {{}} expression");
  EXPECT_EQ(several.errors[2].error.message, "malformed \"randInt 5 1\"");
  EXPECT_EQ(several.errors[4].error.message, "invalid variable name \"9bad\"");
  EXPECT_EQ(several.errors[5].error.message, "unclosed \"{{\"");
  EXPECT_EQ(several.errors[5].offset, 50u);
}

TEST(Template, FiltersApplyLeftToRight) {
  const std::vector<std::string> vars = {"a b&c=d/é", "user:pa ss", "say \"hi\"\n"};
  const auto r = resolver({"q", "creds", "text"});
  RenderContext ctx{vars};
  EXPECT_EQ(compile_template("?q={{ q | urlencode }}", r).value.render(ctx),
            "?q=a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(compile_template("{{creds|base64}}", r).value.render(ctx), "dXNlcjpwYSBzcw==");
  EXPECT_EQ(compile_template("{{q | base64url}}", r).value.render(ctx), "YSBiJmM9ZC_DqQ");
  EXPECT_EQ(compile_template("{{text | json}}", r).value.render(ctx), "\"say \\\"hi\\\"\\n\"");
  EXPECT_EQ(compile_template("{{creds | base64 | urlencode}}", r).value.render(ctx),
            "dXNlcjpwYSBzcw%3D%3D");
  EXPECT_EQ(compile_template("{{__VU | base64}}", r).value.render(RenderContext{vars, 7}), "Nw==");
}

TEST(Template, Base64PaddingForEveryLength) {
  const std::vector<std::string> vars = {""};
  const auto t = compile_template("{{v|base64}}", resolver({"v"})).value;
  const std::pair<const char*, const char*> cases[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}};
  for (const auto& [in, want] : cases) {
    const std::vector<std::string> v = {in};
    EXPECT_EQ(t.render(RenderContext{v}), want) << in;
  }
}

TEST(Template, UnknownFilterIsACompileErrorWithASuggestion) {
  auto r = compile_template("x{{ q | urlencod }}", resolver({"q"}));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].offset, 1u);
  EXPECT_NE(r.errors[0].error.message.find("urlencod"), std::string::npos);
  EXPECT_NE(r.errors[0].error.hint.find("urlencode"), std::string::npos);
  EXPECT_EQ(compile_template("{{q |}}", resolver({"q"})).errors.size(), 1u);
}

TEST(Template, UrlContextEscapesWhatIsNeverValidInAUrl) {
  // A space from a data file used to make the request line invalid; delimiters and '%' stay so
  // a variable holding a path or a pre-encoded value still works.
  const std::vector<std::string> vars = {"New York", "/items?page=2&x=%20"};
  const auto r = resolver({"city", "next"});
  RenderContext ctx{vars};
  EXPECT_EQ(compile_template("http://h/{{city}}", r, Escape::kUrl).value.render(ctx),
            "http://h/New%20York");
  EXPECT_EQ(compile_template("http://h{{next}}", r, Escape::kUrl).value.render(ctx),
            "http://h/items?page=2&x=%20");
  EXPECT_EQ(compile_template("http://h/?c={{city|urlencode}}", r, Escape::kUrl).value.render(ctx),
            "http://h/?c=New%20York");
  EXPECT_EQ(compile_template("http://h/{{city}}", r).value.render(ctx), "http://h/New York")
      << "other contexts are not URL-escaped";
}

}  // namespace
}  // namespace perfgate::plan
