// ProtoSet loading, method lookup and the JSON <-> message codec, on tests/grpc/echo.proto.
#include "protocols/grpc/proto_set.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "protocols/grpc/message_codec.h"
#include "protocols/grpc/method.h"

namespace perfgate::protocols::grpc {
namespace {

const std::string kEcho = std::string(PERFGATE_SOURCE_DIR) + "/tests/grpc/echo.proto";

std::shared_ptr<const ProtoSet> echo() {
  std::vector<ProtoError> errors;
  auto set = ProtoSet::load({kEcho}, {}, &errors);
  EXPECT_TRUE(set) << (set ? "" : set.error().message);
  return set ? *set : nullptr;
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("perfgate_proto_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file.string();
  }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

TEST(GrpcProtoSet, LoadsAFileAndListsItsServices) {
  auto set = echo();
  ASSERT_NE(set, nullptr);
  ASSERT_EQ(set->services().size(), 1u);
  EXPECT_EQ(set->services()[0], "perfgate.test.Echo");
}

TEST(GrpcProtoSet, ASyntaxErrorHasFileLineAndColumn) {
  TempDir dir;
  const std::string file =
      dir.write("bad.proto", "syntax = \"proto3\";\nmessage A {\n  int32 x = ;\n}\n");
  std::vector<ProtoError> errors;
  auto set = ProtoSet::load({file}, {}, &errors);
  ASSERT_FALSE(set);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].file, file);
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_EQ(errors[0].column, 13);
  EXPECT_NE(set.error().message.find(file + ":3:13:"), std::string::npos) << set.error().message;
}

TEST(GrpcProtoSet, ImportsResolveThroughImportPaths) {
  TempDir dir;
  dir.write("lib/common.proto",
            "syntax = \"proto3\";\npackage lib;\nmessage Id { int64 id = 1; }\n");
  const std::string main = dir.write("api/svc.proto",
                                     "syntax = \"proto3\";\nimport \"common.proto\";\nservice S { "
                                     "rpc Get(lib.Id) returns (lib.Id); "
                                     "}\n");
  std::vector<ProtoError> errors;
  EXPECT_FALSE(ProtoSet::load({main}, {}, &errors));  // common.proto is not on any path
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].line, 2) << errors[0].describe();
  errors.clear();
  auto set = ProtoSet::load({main}, {dir.path() + "/lib"}, &errors);
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_TRUE(find_method(*set, "S", "Get"));
}

TEST(GrpcProtoSet, AMissingFileIsAnError) {
  std::vector<ProtoError> errors;
  EXPECT_FALSE(ProtoSet::load({"/nonexistent/x.proto"}, {}, &errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].file, "/nonexistent/x.proto");
}

TEST(GrpcMethod, FindsUnaryAndServerStreamingMethods) {
  auto set = echo();
  auto say = find_method(set, "perfgate.test.Echo", "Say");
  ASSERT_TRUE(say) << say.error().message;
  EXPECT_EQ(say->path, "/perfgate.test.Echo/Say");
  EXPECT_EQ(say->kind, MethodKind::kUnary);
  EXPECT_EQ(say->request->GetDescriptor()->full_name(), "perfgate.test.EchoRequest");
  auto stream = find_method(set, "perfgate.test.Echo", "StreamEcho");
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->kind, MethodKind::kServerStreaming);
}

TEST(GrpcMethod, RefusesUnknownNamesAndClientStreaming) {
  auto set = echo();
  auto service = find_method(set, "perfgate.test.Ech", "Say");
  ASSERT_FALSE(service);
  EXPECT_NE(service.error().hint.find("perfgate.test.Echo"), std::string::npos);
  auto method = find_method(set, "perfgate.test.Echo", "Sey");
  ASSERT_FALSE(method);
  EXPECT_NE(method.error().hint.find("Say"), std::string::npos);
  auto upload = find_method(set, "perfgate.test.Echo", "Upload");
  ASSERT_FALSE(upload);
  EXPECT_NE(upload.error().message.find("client streaming"), std::string::npos);
  auto chat = find_method(set, "perfgate.test.Echo", "Chat");
  ASSERT_FALSE(chat);
  EXPECT_NE(chat.error().message.find("bidirectional"), std::string::npos);
}

TEST(GrpcMethod, SplitsFullNames) {
  auto a = split_full_method("pkg.Svc/Do");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->first, "pkg.Svc");
  EXPECT_EQ(a->second, "Do");
  auto b = split_full_method("/pkg.Svc.Do");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->first, "pkg.Svc");
  EXPECT_FALSE(split_full_method("Svc"));
  EXPECT_FALSE(split_full_method("pkg.Svc/"));
}

TEST(GrpcCodec, JsonRoundTripsThroughWireBytes) {
  auto say = find_method(echo(), "perfgate.test.Echo", "Say");
  ASSERT_TRUE(say);
  auto bytes = json_to_message(*say->request, R"({"text": "hi", "count": 3})");
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, std::string("\x0a\x02hi\x10\x03", 6));
  auto json = message_to_json(*say->request, *bytes);
  ASSERT_TRUE(json);
  EXPECT_EQ(*json, R"({"text":"hi","count":3,"delay_ms":0,"status":0})");
  // lowerCamelCase names are accepted on the way in.
  EXPECT_TRUE(json_to_message(*say->request, R"({"delayMs": 5})"));
}

TEST(GrpcCodec, AMessageThatDoesNotMatchItsTypeIsAnError) {
  auto say = find_method(echo(), "perfgate.test.Echo", "Say");
  ASSERT_TRUE(say);
  auto unknown = json_to_message(*say->request, R"({"txt": "hi"})");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("txt"), std::string::npos) << unknown.error().message;
  EXPECT_FALSE(json_to_message(*say->request, R"({"count": "many"})"));
  EXPECT_FALSE(json_to_message(*say->request, "{"));
  EXPECT_FALSE(message_to_json(*say->response, "\xff\xff\xff"));
}

}  // namespace
}  // namespace perfgate::protocols::grpc
