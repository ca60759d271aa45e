#include "net/address.h"

#include <gtest/gtest.h>

namespace perfgate::net {
namespace {

TEST(ParseHostPort, HandlesV4V6AndBarePort) {
  EXPECT_EQ(parse_host_port("127.0.0.1:8080")->port, 8080);
  EXPECT_EQ(parse_host_port("[::1]:9")->host, "::1");
  EXPECT_EQ(parse_host_port(":0")->host, "127.0.0.1");
  EXPECT_EQ(parse_host_port("9464")->host, "127.0.0.1");
  EXPECT_EQ(parse_host_port("9464")->port, 9464);
  EXPECT_FALSE(parse_host_port("localhost"));
  EXPECT_FALSE(parse_host_port("127.0.0.1:99999"));
  EXPECT_FALSE(parse_host_port("127.0.0.1:http"));
}

TEST(Resolve, LiteralsAndLocalhost) {
  auto a = resolve("127.0.0.1", 80);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->to_string(), "127.0.0.1:80");
  EXPECT_TRUE(resolve("localhost", 80));
  EXPECT_FALSE(resolve("no-such-host.invalid", 80));
}

}  // namespace
}  // namespace perfgate::net
