#include "plan/json_lookup.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace perfgate::plan {
namespace {

using nlohmann::json;

// The DOM's answer, which json_lookup must give without building the DOM.
std::optional<json> dom_lookup(const std::string& text, const std::string& pointer) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return std::nullopt;
  try {
    return doc.at(json::json_pointer(pointer));
  } catch (const json::exception&) {  // contains() and at() disagree on "/" over an array
    return std::nullopt;
  }
}

TEST(JsonLookup, AgreesWithTheDomOnEveryPointer) {
  const std::vector<std::string> docs = {
      R"({"a": {"b": [10, {"c": "x"}, [1, 2]], "d": null}, "e": true, "f": 1.5, "g": -3})",
      R"([{"id": 1}, {"id": 2, "tags": ["p", "q"]}, 18446744073709551615])",
      R"({"a/b": 1, "m~n": 2, "": 3, "0": {"1": 4}})",
      R"({"k": 1, "k": 2})",  // duplicate keys: the last wins
      R"({"a": {"b": [10, 11]}, "a": {"c": 1}, "k": {"x": 1}, "k": 3})",  // ...with all below it
      R"("just a string")",
      R"({"deep": [[[[[[[["bottom"]]]]]]]]})",
  };
  const std::vector<std::string> pointers = {
      "",           "/a",
      "/a/b",       "/a/b/0",
      "/a/b/1",     "/a/b/1/c",
      "/a/b/2/1",   "/a/b/3",
      "/a/d",       "/e",
      "/f",         "/g",
      "/0",         "/1/tags/1",
      "/2",         "/0/id",
      "/1/id",      "/a~1b",
      "/m~0n",      "/",
      "/0/1",       "/k",
      "/nope",      "/a/b/01",
      "/a/b/-1",    "/deep/0/0/0/0/0/0/0/0",
      "/a/b/1/c/x",
  };
  for (const std::string& doc : docs) {
    for (const std::string& pointer : pointers) {
      EXPECT_EQ(json_lookup(doc, pointer), dom_lookup(doc, pointer)) << doc << " at " << pointer;
    }
  }
}

TEST(JsonLookup, InvalidJsonHasNoValuesEvenBeforeTheError) {
  EXPECT_EQ(json_lookup(R"({"token": "abc", oops})", "/token"), std::nullopt);
  EXPECT_EQ(json_lookup("", ""), std::nullopt);
  EXPECT_EQ(json_lookup(R"({"n": 1e309})", "/n"), std::nullopt);  // a number no double holds
}

TEST(JsonLookup, TooDeepIsNotJson) {
  const std::string deep =
      std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  EXPECT_EQ(json_lookup(deep, ""), std::nullopt);
  const std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(json_lookup(ok, ""));
}

TEST(JsonLookup, CapturesContainersWhole) {
  auto value =
      json_lookup(R"({"user": {"name": "a", "roles": ["x", {"y": [1]}]}, "z": 0})", "/user");
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, json::parse(R"({"name": "a", "roles": ["x", {"y": [1]}]})"));
}

}  // namespace
}  // namespace perfgate::plan
