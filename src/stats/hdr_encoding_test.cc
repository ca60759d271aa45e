#include "stats/hdr_encoding.h"

#include <gtest/gtest.h>

#include <random>

namespace perfgate {
namespace {

void expect_same_counts(const HdrHistogram& a, const HdrHistogram& b) {
  ASSERT_EQ(a.counts_length(), b.counts_length());
  EXPECT_EQ(a.count(), b.count());
  for (int32_t i = 0; i < a.counts_length(); ++i) {
    ASSERT_EQ(a.count_at_index(i), b.count_at_index(i)) << "index " << i;
  }
}

TEST(HdrEncoding, RoundTripsAndStartsWithHistfaaa) {
  HdrHistogram h = HdrHistogram::for_latency_micros();
  std::mt19937_64 rng(3);
  std::exponential_distribution<double> d(1.0 / 5000);
  for (int i = 0; i < 100000; ++i) h.record(static_cast<int64_t>(d(rng)));
  h.record(3'000'000'000LL, 5);  // large values and counts > 1
  const std::string token = encode_compressed_base64(h);
  EXPECT_EQ(token.rfind("HISTFAAA", 0), 0u);
  auto decoded = decode_compressed_base64(token);
  ASSERT_TRUE(decoded) << decoded.error().describe();
  expect_same_counts(h, *decoded);
  EXPECT_EQ(decoded->value_at_percentile(99), h.value_at_percentile(99));
  EXPECT_EQ(decoded->max(), h.max());
}

TEST(HdrEncoding, EmptyHistogramRoundTrips) {
  const HdrHistogram h(1, 1000, 2);
  auto decoded = decode_compressed_base64(encode_compressed_base64(h));
  ASSERT_TRUE(decoded) << decoded.error().describe();
  EXPECT_EQ(decoded->count(), 0);
  EXPECT_EQ(decoded->significant_digits(), 2);
}

TEST(HdrEncoding, SingleZeroIsWrittenAsZeroAndRunsAsNegative) {
  HdrHistogram h(1, 1000, 2);
  h.record(0);
  h.record(2);   // index 1 stays zero: a single zero
  h.record(10);  // indices 3..9 zero: a run of 7
  const std::vector<uint8_t> raw = encode_uncompressed(h);
  const std::vector<uint8_t> payload(raw.begin() + 40, raw.end());
  // zigzag: 1 -> 2, 0 -> 0, 1 -> 2, -7 -> 13, 1 -> 2
  EXPECT_EQ(payload, (std::vector<uint8_t>{2, 0, 2, 13, 2}));
}

// A histogram logged by jHiccup 2.0.7 (HdrHistogram Java): the first interval of the
// HdrHistogram_c test log, 2 significant digits, values in ns, interval max 2.769 ms.
TEST(HdrEncoding, DecodesAJavaWrittenHistogram) {
  auto h = decode_compressed_base64(
      "HISTFAAAAEV42pNpmSzMwMCgyAABTBDKT4GBgdnNYMcCBvsPEBEJISEuATEZMQ4uASkhIR4nrxg9v2lMaxhvMekILGZ"
      "kKmcCAEf2CsI=");
  ASSERT_TRUE(h) << h.error().describe();
  EXPECT_EQ(h->significant_digits(), 2);
  EXPECT_GT(h->count(), 0);
  EXPECT_NEAR(static_cast<double>(h->max()) / 1e6, 2.769, 0.02);
  auto again = decode_compressed_base64(encode_compressed_base64(*h));
  ASSERT_TRUE(again);
  expect_same_counts(*h, *again);
}

TEST(HdrEncoding, RejectsMalformedInputWithoutCrashing) {
  for (const char* bad :
       {"", "HIST", "HISTFAAA!!!!", "AAAAAAAAAAAA", "HISTFAAAAEV42pNpmSzMwMCgyAAB"}) {
    EXPECT_FALSE(decode_compressed_base64(bad)) << bad;
  }
  // A valid token with its zlib body cut short.
  HdrHistogram h(1, 1000, 2);
  h.record(5);
  std::string token = encode_compressed_base64(h);
  auto bytes = base64_decode(token);
  ASSERT_TRUE(bytes);
  bytes->resize(bytes->size() - 3);
  EXPECT_FALSE(decode_compressed_base64(base64_encode(*bytes)));
}

TEST(HdrEncoding, Base64KnownVectors) {
  EXPECT_EQ(base64_encode({'f', 'o', 'o', 'b'}), "Zm9vYg==");
  EXPECT_EQ(base64_encode({'f', 'o', 'o', 'b', 'a'}), "Zm9vYmE=");
  auto decoded = base64_decode("Zm9vYmFy");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(std::string(decoded->begin(), decoded->end()), "foobar");
  EXPECT_FALSE(base64_decode("Zm9"));
}

}  // namespace
}  // namespace perfgate
