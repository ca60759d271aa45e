// JSON <-> protobuf wire bytes through DynamicMessages.
#include "protocols/grpc/message_codec.h"

#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>

#include <memory>

namespace perfgate::protocols::grpc {

namespace pb = google::protobuf;

Result<std::string> json_to_message(const pb::Message& prototype, std::string_view json) {
  if (json.size() > kMaxJsonBytes) {
    return make_error(fmt::format("a gRPC message in JSON is larger than {} bytes", kMaxJsonBytes));
  }
  std::unique_ptr<pb::Message> message(prototype.New());
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = pb::util::JsonStringToMessage(pb::StringPiece(json.data(), json.size()),
                                                    message.get(), options);
  if (!status.ok()) {
    return make_error(
        fmt::format("the message does not match {}: {}", prototype.GetDescriptor()->full_name(),
                    status.message().as_string()),
        "write the message in protobuf's JSON mapping of that type");
  }
  std::string bytes;
  if (!message->SerializeToString(&bytes)) {
    return make_error(fmt::format("the {} message cannot be serialised (a required field unset?)",
                                  prototype.GetDescriptor()->full_name()));
  }
  return bytes;
}

Result<std::string> message_to_json(const pb::Message& prototype, std::string_view bytes) {
  std::unique_ptr<pb::Message> message(prototype.New());
  if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return make_error(fmt::format("the response is not a valid {} message",
                                  prototype.GetDescriptor()->full_name()));
  }
  pb::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  const auto status = pb::util::MessageToJsonString(*message, &json, options);
  if (!status.ok()) {
    return make_error(fmt::format("the {} message cannot be written as JSON: {}",
                                  prototype.GetDescriptor()->full_name(),
                                  status.message().as_string()));
  }
  return json;
}

}  // namespace perfgate::protocols::grpc
