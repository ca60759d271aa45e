#include "core/units.h"

#include <gtest/gtest.h>

namespace perfgate {
namespace {

TEST(ParseDuration, AcceptsGoStyleCompounds) {
  EXPECT_EQ(*parse_duration("10s"), 10 * kNanosPerSecond);
  EXPECT_EQ(*parse_duration("1m30s"), 90 * kNanosPerSecond);
  EXPECT_EQ(*parse_duration("250ms"), 250 * kNanosPerMilli);
  EXPECT_EQ(*parse_duration("1.5s"), 1500 * kNanosPerMilli);
  EXPECT_EQ(*parse_duration("2h"), 7200 * kNanosPerSecond);
  EXPECT_EQ(*parse_duration("100us"), 100 * kNanosPerMicro);
  EXPECT_EQ(*parse_duration("0"), 0);
}

TEST(ParseDuration, RejectsMissingUnitsAndGarbage) {
  EXPECT_FALSE(parse_duration("10"));
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("s"));
  EXPECT_FALSE(parse_duration("10 parsecs"));
  EXPECT_FALSE(parse_duration("-5s"));
  EXPECT_NE(parse_duration("10x").error().hint.find("10s"), std::string::npos);
}

TEST(ParseRate, ConvertsToPerSecond) {
  EXPECT_DOUBLE_EQ(*parse_rate("100"), 100);
  EXPECT_DOUBLE_EQ(*parse_rate("100/s"), 100);
  EXPECT_DOUBLE_EQ(*parse_rate("6000/m"), 100);
  EXPECT_DOUBLE_EQ(*parse_rate("5/100ms"), 50);
  EXPECT_FALSE(parse_rate("fast"));
  EXPECT_FALSE(parse_rate("10/0s"));
}

TEST(ParseBytes, KnowsDecimalAndBinaryUnits) {
  EXPECT_DOUBLE_EQ(*parse_bytes("512"), 512);
  EXPECT_DOUBLE_EQ(*parse_bytes("512MB"), 512e6);
  EXPECT_DOUBLE_EQ(*parse_bytes("1KiB"), 1024);
  EXPECT_FALSE(parse_bytes("12 furlongs"));
}

TEST(Format, DurationsAndBytesReadWell) {
  EXPECT_EQ(format_duration(1500 * kNanosPerMicro), "1.5ms");
  EXPECT_EQ(format_duration(90 * kNanosPerSecond), "1m30s");
  EXPECT_EQ(format_bytes(1'234'567), "1.2 MB");
  EXPECT_EQ(format_bytes(12), "12 B");
}

}  // namespace
}  // namespace perfgate
