#include "protocols/grpc/call.h"

#include <gtest/gtest.h>

#include <vector>

#include "protocols/grpc/message_codec.h"

namespace perfgate::protocols::grpc {
namespace {

Method method(std::string_view name) {
  std::vector<ProtoError> errors;
  auto set =
      ProtoSet::load({std::string(PERFGATE_SOURCE_DIR) + "/tests/grpc/echo.proto"}, {}, &errors);
  EXPECT_TRUE(set);
  auto m = find_method(*set, "perfgate.test.Echo", name);
  EXPECT_TRUE(m);
  return *m;
}

std::string reply(const Method& m, std::string_view json) {
  auto bytes = json_to_message(*m.response, json);
  EXPECT_TRUE(bytes) << bytes.error().message;
  std::string framed;
  append_frame(&framed, *bytes);
  return framed;
}

const std::vector<Field> kOk = {{"grpc-status", "0"}};

TEST(GrpcCall, EncodesTheRequestFramed) {
  std::string framed = "old";
  ASSERT_TRUE(encode_request(method("Say"), R"({"text":"hi"})", &framed));
  EXPECT_EQ(framed, std::string("\0\0\0\0\x04\x0a\x02hi", 9));
  EXPECT_FALSE(encode_request(method("Say"), R"({"nope":1})", &framed));
}

TEST(GrpcCall, UnaryResponseAsJson) {
  const Method say = method("Say");
  FrameReader reader;
  CallResult r = read_call(say, {}, kOk, 200, reply(say, R"({"text":"hi"})"), true, reader);
  EXPECT_EQ(r.status.code, 0);
  EXPECT_EQ(r.messages, 1u);
  EXPECT_EQ(r.json, R"({"text":"hi","index":0,"metadata":{}})");
  // Without JSON wanted, only counted.
  r = read_call(say, {}, kOk, 200, reply(say, R"({"text":"hi"})"), false, reader);
  EXPECT_EQ(r.messages, 1u);
  EXPECT_TRUE(r.json.empty());
}

TEST(GrpcCall, StreamingResponseIsAnArray) {
  const Method stream = method("StreamEcho");
  FrameReader reader;
  const std::string body = reply(stream, R"({"index":0})") + reply(stream, R"({"index":1})");
  CallResult r = read_call(stream, {}, kOk, 200, body, true, reader);
  EXPECT_EQ(r.messages, 2u);
  EXPECT_EQ(r.json, R"([{"text":"","index":0,"metadata":{}},{"text":"","index":1,"metadata":{}}])");
  r = read_call(stream, {}, kOk, 200, "", true, reader);
  EXPECT_EQ(r.status.code, 0);
  EXPECT_EQ(r.json, "[]");
}

TEST(GrpcCall, BadResponsesAreInternal) {
  const Method say = method("Say");
  FrameReader reader;
  std::string compressed = reply(say, "{}");
  compressed[0] = 1;
  EXPECT_EQ(read_call(say, {}, kOk, 200, compressed, false, reader).status.code, kStatusInternal);
  EXPECT_EQ(read_call(say, {}, kOk, 200, "", false, reader).status.code, kStatusInternal);
  EXPECT_EQ(
      read_call(say, {}, kOk, 200, reply(say, "{}") + reply(say, "{}"), false, reader).status.code,
      kStatusInternal);
  std::string garbage;
  append_frame(&garbage, "\xff\xff\xff");
  CallResult r = read_call(say, {}, kOk, 200, garbage, true, reader);
  EXPECT_EQ(r.status.code, kStatusInternal);
  EXPECT_TRUE(r.json.empty());
}

TEST(GrpcCall, ErrorStatusesPassThrough) {
  const Method say = method("Say");
  FrameReader reader;
  const std::vector<Field> headers = {{"grpc-status", "5"}, {"grpc-message", "gone"}};
  CallResult r = read_call(say, headers, {}, 200, "", true, reader);
  EXPECT_EQ(r.status.code, 5);
  EXPECT_EQ(r.status.message, "gone");
  EXPECT_EQ(r.messages, 0u);
}

}  // namespace
}  // namespace perfgate::protocols::grpc
