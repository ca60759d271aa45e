// ProtoSet: the .proto files a plan names, parsed once when the plan loads (libprotobuf's
// compiler::Importer over a bounded disk source tree), so gRPC messages can be built and read as
// DynamicMessages. A file that does not parse, or an import that cannot be found, is reported
// with file:line:col (1-based) as protoc would print it.
//
// Paths: each file is found as protoc finds it, relative to the import paths given and to the
// file's own directory. Bounds: a source file larger than kMaxProtoFileBytes, or more than
// kMaxProtoFiles files (imports included), is refused.
//
// A set may also be built from FileDescriptorProtos a server sent (from_descriptors(): server
// reflection), with the same bounds on the number of files.
//
// Thread-safety: immutable after load() or from_descriptors(); descriptors and the message
// factory's prototypes may be used from any thread (DynamicMessageFactory::GetPrototype locks
// internally; call it once per message type at load time, as Method does).
#pragma once

#include <google/protobuf/compiler/importer.h>
#include <google/protobuf/descriptor_database.h>
#include <google/protobuf/dynamic_message.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace perfgate::protocols::grpc {

constexpr std::int64_t kMaxProtoFileBytes = 4 * 1024 * 1024;
constexpr int kMaxProtoFiles = 1000;

// One error in a .proto file. line and column are 1-based; 0 when not known.
struct ProtoError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;

  // "file:line:col: message" (or "file: message").
  std::string describe() const;
};

class ProtoSet {
 public:
  // Parses `files` and everything they import. On failure every error found is in `errors` and
  // the result is an Error summarising the first.
  static Result<std::shared_ptr<const ProtoSet>> load(const std::vector<std::string>& files,
                                                      const std::vector<std::string>& import_paths,
                                                      std::vector<ProtoError>* errors);

  // Builds a set from serialized FileDescriptorProtos (each file once, in any order; every file
  // a file imports must be among them). Errors: bytes that do not parse, a missing import, a
  // file that does not build; each in `errors` too.
  static Result<std::shared_ptr<const ProtoSet>> from_descriptors(
      const std::vector<std::string>& serialized, std::vector<ProtoError>* errors);

  const google::protobuf::DescriptorPool& pool() const { return *pool_; }
  // The prototype of `type` (from this set's pool); never null for a type of pool().
  const google::protobuf::Message* prototype(const google::protobuf::Descriptor* type) const;
  // Every service the loaded files (not their imports) declare, fully qualified.
  const std::vector<std::string>& services() const { return services_; }

  ~ProtoSet();

 private:
  ProtoSet();

  std::unique_ptr<google::protobuf::compiler::SourceTree> tree_;
  std::unique_ptr<google::protobuf::compiler::MultiFileErrorCollector> collector_;
  std::unique_ptr<google::protobuf::compiler::Importer> importer_;
  std::unique_ptr<google::protobuf::SimpleDescriptorDatabase> database_;  // from_descriptors
  std::unique_ptr<google::protobuf::DescriptorPool::ErrorCollector> pool_errors_;
  std::unique_ptr<google::protobuf::DescriptorPool> own_pool_;  // from_descriptors
  const google::protobuf::DescriptorPool* pool_ = nullptr;
  std::unique_ptr<google::protobuf::DynamicMessageFactory> factory_;
  std::vector<std::string> services_;
};

}  // namespace perfgate::protocols::grpc
