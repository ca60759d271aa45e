#include "protocols/grpc/status.h"

#include <gtest/gtest.h>

#include <vector>

namespace perfgate::protocols::grpc {
namespace {

TEST(GrpcStatus, NamesAndNumbersParse) {
  EXPECT_EQ(parse_status("OK"), 0);
  EXPECT_EQ(parse_status("NOT_FOUND"), 5);
  EXPECT_EQ(parse_status("NotFound"), 5);
  EXPECT_EQ(parse_status("unauthenticated"), 16);
  EXPECT_EQ(parse_status("14"), 14);
  EXPECT_EQ(parse_status("17"), std::nullopt);
  EXPECT_EQ(parse_status("NOPE"), std::nullopt);
  EXPECT_EQ(parse_status(""), std::nullopt);
  EXPECT_EQ(status_name(4), "DEADLINE_EXCEEDED");
  EXPECT_EQ(status_name(99), "UNKNOWN");
  EXPECT_EQ(status_error_class(14), "grpc_unavailable");
  EXPECT_EQ(status_error_class(0), "");
}

TEST(GrpcStatus, TrailersWinOverHeaders) {
  std::vector<Field> headers = {{"content-type", "application/grpc"}};
  std::vector<Field> trailers = {{"grpc-status", "5"}, {"grpc-message", "no%20such%20user"}};
  const CallStatus s = read_status(headers, trailers, 200);
  EXPECT_EQ(s.code, 5);
  EXPECT_TRUE(s.explicit_status);
  EXPECT_EQ(s.message, "no such user");
}

TEST(GrpcStatus, TrailersOnlyResponseCarriesStatusInHeaders) {
  std::vector<Field> headers = {{"grpc-status", "12"}, {"grpc-message", "unimplemented"}};
  const CallStatus s = read_status(headers, {}, 200);
  EXPECT_EQ(s.code, 12);
  EXPECT_EQ(s.message, "unimplemented");
}

TEST(GrpcStatus, MissingStatusIsImpliedFromHttp) {
  EXPECT_EQ(read_status({}, {}, 200).code, kStatusInternal);
  EXPECT_FALSE(read_status({}, {}, 200).explicit_status);
  EXPECT_EQ(read_status({}, {}, 503).code, kStatusUnavailable);
  EXPECT_EQ(read_status({}, {}, 401).code, 16);
  EXPECT_EQ(read_status({}, {}, 404).code, 12);
  EXPECT_EQ(read_status({}, {}, 500).code, kStatusUnknown);
  std::vector<Field> bad = {{"grpc-status", "abc"}};
  EXPECT_EQ(read_status({}, bad, 200).code, kStatusUnknown);
}

TEST(GrpcStatus, PercentDecodingLeavesBrokenEscapes) {
  EXPECT_EQ(percent_decode("a%2Fb%zz%4"), "a/b%zz%4");
}

TEST(GrpcStatus, TimeoutUsesAtMostEightDigitsRoundedUp) {
  EXPECT_EQ(grpc_timeout(1), "1n");
  EXPECT_EQ(grpc_timeout(99'999'999), "99999999n");
  EXPECT_EQ(grpc_timeout(100'000'000), "100000u");
  EXPECT_EQ(grpc_timeout(100'000'001), "100001u");
  EXPECT_EQ(grpc_timeout(5'000'000'000), "5000000u");
  EXPECT_EQ(grpc_timeout(int64_t{5400} * 1'000'000'000), "5400000m");
  EXPECT_EQ(grpc_timeout(INT64_MAX), "2562048H");
}

}  // namespace
}  // namespace perfgate::protocols::grpc
