#include "core/text_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace perfgate {
namespace {

TEST(TextFormat, CountsAndPercents) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(12345), "12,345");
  EXPECT_EQ(format_count(-1234567), "-1,234,567");
  EXPECT_EQ(format_percent(0.0025), "0.25%");
  EXPECT_EQ(format_percent(1), "100.00%");
}

TEST(TextFormat, LatencyFromMicroseconds) {
  EXPECT_EQ(format_latency_us(1500), "1.5ms");
  EXPECT_EQ(format_latency_us(1500.4), "1.5ms");  // rounded to the nanosecond first
}

// Observed threshold values keep 6 significant digits; table values 4, or every integer digit.
TEST(TextFormat, ObservedAndTableValuesDifferInPrecisionOnly) {
  EXPECT_EQ(format_observed(250.5123, "ms"), "250.512 ms");
  EXPECT_EQ(format_value(250.5123, "ms"), "250.5 ms");
  EXPECT_EQ(format_observed(0.0123, ""), "0.0123");
  EXPECT_EQ(format_value(0.0123, ""), "0.0123");
  EXPECT_EQ(format_value(1234567, "bytes"), "1234567 bytes");
  EXPECT_EQ(format_observed(1234567, "bytes"), "1.23457e+06 bytes");
  EXPECT_EQ(format_value(std::nan(""), "ms"), "n/a ms");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity(), ""), "-inf");
}

}  // namespace
}  // namespace perfgate
