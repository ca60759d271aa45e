// Method: one gRPC method of a loaded ProtoSet, found by its full name ("package.Service/Method"
// or "package.Service.Method"), with what a call needs: the HTTP/2 :path, the request and
// response message types and their prototypes, and whether the server streams its answer.
// Unary and server-streaming methods are supported; client- and bidirectional-streaming methods
// are refused with an error that says so.
//
// Thread-safety: an immutable value; its pointers live as long as the ProtoSet it keeps alive.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "protocols/grpc/proto_set.h"

namespace perfgate::protocols::grpc {

enum class MethodKind { kUnary, kServerStreaming };

struct Method {
  std::shared_ptr<const ProtoSet> protos;  // keeps the descriptors alive
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  const google::protobuf::Message* request = nullptr;   // prototype of the input type
  const google::protobuf::Message* response = nullptr;  // prototype of the output type
  MethodKind kind = MethodKind::kUnary;
  std::string path;  // "/package.Service/Method", the HTTP/2 :path

  std::string_view kind_name() const {
    return kind == MethodKind::kUnary ? "unary" : "server-streaming";
  }
};

// Finds `service` + `method` ("package.Service" and "Method"). Errors: an unknown service (with
// the closest declared one as a hint), an unknown method (with the service's methods), a
// client- or bidirectional-streaming method.
Result<Method> find_method(std::shared_ptr<const ProtoSet> protos, std::string_view service,
                           std::string_view method);

// Splits "package.Service/Method" (or "package.Service.Method") into service and method.
// Errors when there is no separator or either side is empty.
Result<std::pair<std::string, std::string>> split_full_method(std::string_view full);

}  // namespace perfgate::protocols::grpc
