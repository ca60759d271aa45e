#include "protocols/grpc/reflection.h"

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/unknown_field_set.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "protocols/grpc/framing.h"
#include "protocols/grpc/method.h"

namespace perfgate::protocols::grpc {
namespace {

namespace pb = google::protobuf;

// dep.proto: message t.M; svc.proto imports it and declares t.S/Call(M) returns (M).
std::map<std::string, std::string> files() {
  pb::FileDescriptorProto dep;
  dep.set_name("dep.proto");
  dep.set_package("t");
  dep.set_syntax("proto3");
  auto* m = dep.add_message_type();
  m->set_name("M");
  auto* f = m->add_field();
  f->set_name("text");
  f->set_number(1);
  f->set_type(pb::FieldDescriptorProto::TYPE_STRING);
  f->set_label(pb::FieldDescriptorProto::LABEL_OPTIONAL);
  pb::FileDescriptorProto svc;
  svc.set_name("svc.proto");
  svc.set_package("t");
  svc.set_syntax("proto3");
  svc.add_dependency("dep.proto");
  auto* s = svc.add_service();
  s->set_name("S");
  auto* call = s->add_method();
  call->set_name("Call");
  call->set_input_type(".t.M");
  call->set_output_type(".t.M");
  return {{"dep.proto", dep.SerializeAsString()}, {"svc.proto", svc.SerializeAsString()}};
}

// A reflection server as a transport: answers file_containing_symbol "t.S" with svc.proto only
// (its import has to be asked for), file_by_filename with the file, list_services with t.S.
struct FakeServer {
  bool v1 = true, v1alpha = true;
  bool send_dependencies = true;
  std::vector<std::string> paths;  // of every call

  Result<UnaryReply> operator()(std::string_view path, std::string_view body) {
    paths.emplace_back(path);
    if ((path == kReflectionV1Path && !v1) || (path == kReflectionV1AlphaPath && !v1alpha)) {
      return UnaryReply{12, "unknown service", ""};
    }
    FrameReader reader(/*keep=*/true);
    EXPECT_TRUE(reader.feed(body) && reader.finish());
    UnaryReply reply;
    for (const std::string& request : reader.kept()) append_frame(&reply.body, answer(request));
    return reply;
  }

  std::string answer(const std::string& request) {
    pb::UnknownFieldSet in;
    EXPECT_TRUE(in.ParseFromString(request));
    EXPECT_EQ(in.field_count(), 1);
    const int number = in.field(0).number();
    const std::string value = in.field(0).length_delimited();
    const auto all = files();
    if (number == 4 && value == "t.S") return field(4, field(1, all.at("svc.proto")));
    if (number == 3 && all.count(value) && send_dependencies) {
      return field(4, field(1, all.at(value)));
    }
    if (number == 7) {
      return field(6, field(1, field(1, "grpc.reflection.v1alpha.ServerReflection")) +
                          field(1, field(1, "t.S")));
    }
    pb::UnknownFieldSet error;
    error.AddVarint(1, 5);
    error.AddLengthDelimited(2, "not found");
    std::string bytes;
    error.SerializeToString(&bytes);
    return field(7, bytes);
  }

  // One length-delimited field `number` holding `bytes` (a string or a nested message).
  static std::string field(int number, const std::string& bytes) {
    pb::UnknownFieldSet out;
    out.AddLengthDelimited(number, bytes);
    std::string serialized;
    out.SerializeToString(&serialized);
    return serialized;
  }
};

TEST(ReflectionTest, FetchesTheServiceAndItsImportsFallingBackToV1Alpha) {
  FakeServer server;
  server.v1 = false;
  ReflectionResult result;
  auto set = reflect_service(std::ref(server), "t.S", &result);
  ASSERT_TRUE(set.has_value()) << set.error().describe();
  EXPECT_EQ(result.path, kReflectionV1AlphaPath);
  // v1 refused, v1alpha for the symbol, then for the missing import.
  ASSERT_EQ(server.paths.size(), 3u);
  EXPECT_EQ(server.paths[0], kReflectionV1Path);
  EXPECT_EQ(server.paths[2], kReflectionV1AlphaPath);
  auto method = find_method(*set, "t.S", "Call");
  ASSERT_TRUE(method.has_value()) << method.error().describe();
  EXPECT_EQ(method->path, "/t.S/Call");
  EXPECT_EQ(method->request->GetDescriptor()->full_name(), "t.M");
  EXPECT_EQ((*set)->services(), std::vector<std::string>{"t.S"});
}

TEST(ReflectionTest, PrefersV1) {
  FakeServer server;
  ReflectionResult result;
  ASSERT_TRUE(reflect_service(std::ref(server), "t.S", &result).has_value());
  EXPECT_EQ(result.path, kReflectionV1Path);
  EXPECT_EQ(server.paths.size(), 2u);
}

TEST(ReflectionTest, NoReflectionServiceIsNotOffered) {
  FakeServer server;
  server.v1 = server.v1alpha = false;
  ReflectionResult result;
  auto set = reflect_service(std::ref(server), "t.S", &result);
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(result.failure, ReflectionFailure::kNotOffered);
  EXPECT_NE(set.error().message.find("does not offer server reflection"), std::string::npos);
}

TEST(ReflectionTest, AnUnknownServiceListsTheServerServices) {
  FakeServer server;
  ReflectionResult result;
  auto set = reflect_service(std::ref(server), "t.Nope", &result);
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(result.failure, ReflectionFailure::kUnknownService);
  EXPECT_NE(set.error().message.find("does not know service \"t.Nope\""), std::string::npos);
  EXPECT_EQ(set.error().hint, "services the server offers: t.S");
}

TEST(ReflectionTest, AMissingImportIsABadReply) {
  FakeServer server;
  server.send_dependencies = false;
  ReflectionResult result;
  auto set = reflect_service(std::ref(server), "t.S", &result);
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(result.failure, ReflectionFailure::kBadReply);
  EXPECT_NE(set.error().message.find("does not send dep.proto"), std::string::npos)
      << set.error().message;
}

TEST(ReflectionTest, ATransportFailureIsUnreachable) {
  ReflectionResult result;
  auto set = reflect_service(
      [](std::string_view, std::string_view) -> Result<UnaryReply> {
        return make_error("connect: Connection refused");
      },
      "t.S", &result);
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(result.failure, ReflectionFailure::kUnreachable);
}

TEST(ReflectionTest, AReplyThatDoesNotParseIsABadReply) {
  ReflectionResult result;
  auto set = reflect_service(
      [](std::string_view, std::string_view) -> Result<UnaryReply> {
        UnaryReply reply;
        append_frame(&reply.body, "\xff\xff\xff");
        return reply;
      },
      "t.S", &result);
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(result.failure, ReflectionFailure::kBadReply);
}

TEST(ReflectionTest, RequestsCarryTheirField) {
  pb::UnknownFieldSet fields;
  ASSERT_TRUE(fields.ParseFromString(file_containing_symbol_request("a.B")));
  ASSERT_EQ(fields.field_count(), 1);
  EXPECT_EQ(fields.field(0).number(), 4);
  EXPECT_EQ(fields.field(0).length_delimited(), "a.B");
  ASSERT_TRUE(fields.ParseFromString(file_by_filename_request("x.proto")));
  EXPECT_EQ(fields.field(0).number(), 3);
}

}  // namespace
}  // namespace perfgate::protocols::grpc
