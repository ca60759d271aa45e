#include "protocols/field_text.h"

#include <gtest/gtest.h>

#include <string>

namespace perfgate::protocols {
namespace {

TEST(FieldText, LineBreaksAndNulAnywhereAreFound) {
  EXPECT_FALSE(has_line_break(""));
  EXPECT_FALSE(has_line_break("/search?q=a b&x=1"));
  EXPECT_TRUE(has_line_break("/a\r\nHost: evil"));
  EXPECT_TRUE(has_line_break("value\n"));
  EXPECT_TRUE(has_line_break("\rvalue"));
  EXPECT_TRUE(has_line_break(std::string("a\0b", 3)));
  EXPECT_FALSE(has_line_break("tab\tis allowed"));
}

TEST(FieldText, NamesCompareWithoutCaseAgainstALowerCaseName) {
  EXPECT_TRUE(same_name("Content-Length", "content-length"));
  EXPECT_TRUE(same_name("HOST", "host"));
  EXPECT_FALSE(same_name("Hostx", "host"));
  EXPECT_FALSE(same_name("hos", "host"));
  EXPECT_FALSE(same_name("h0st", "host"));
}

}  // namespace
}  // namespace perfgate::protocols
