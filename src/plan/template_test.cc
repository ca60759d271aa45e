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

}  // namespace
}  // namespace perfgate::plan
