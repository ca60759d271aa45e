// gRPC status codes, trailers and grpc-timeout.
#include "protocols/grpc/status.h"

#include <fmt/format.h>

#include <cctype>

namespace perfgate::protocols::grpc {
namespace {

constexpr std::array<std::string_view, kStatusCount> kErrorClasses = {"",
                                                                      "grpc_cancelled",
                                                                      "grpc_unknown",
                                                                      "grpc_invalid_argument",
                                                                      "grpc_deadline_exceeded",
                                                                      "grpc_not_found",
                                                                      "grpc_already_exists",
                                                                      "grpc_permission_denied",
                                                                      "grpc_resource_exhausted",
                                                                      "grpc_failed_precondition",
                                                                      "grpc_aborted",
                                                                      "grpc_out_of_range",
                                                                      "grpc_unimplemented",
                                                                      "grpc_internal",
                                                                      "grpc_unavailable",
                                                                      "grpc_data_loss",
                                                                      "grpc_unauthenticated"};

// Letters only, upper case: "NOT_FOUND" and "NotFound" both become "NOTFOUND".
std::string squash(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<std::string_view> find(std::span<const Field> fields, std::string_view name) {
  for (const Field& f : fields) {
    if (f.first == name) return f.second;
  }
  return std::nullopt;
}

std::optional<int> parse_code(std::string_view text) {
  if (text.empty() || text.size() > 2) return std::nullopt;
  int code = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    code = code * 10 + (c - '0');
  }
  return code < kStatusCount ? std::optional<int>(code) : std::nullopt;
}

int from_http(int http_status) {
  switch (http_status) {
    case 400:
      return kStatusInternal;
    case 401:
      return 16;
    case 403:
      return 7;
    case 404:
      return 12;
    case 429:
    case 502:
    case 503:
    case 504:
      return kStatusUnavailable;
    default:
      return kStatusUnknown;
  }
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view status_error_class(int code) {
  return code >= 0 && code < kStatusCount ? kErrorClasses[code] : kErrorClasses[kStatusUnknown];
}

std::string_view status_name(int code) {
  return code >= 0 && code < kStatusCount ? kStatusNames[code] : kStatusNames[kStatusUnknown];
}

std::optional<int> parse_status(std::string_view text) {
  if (auto code = parse_code(text)) return code;
  const std::string want = squash(text);
  for (int i = 0; i < kStatusCount; ++i) {
    if (!want.empty() && squash(kStatusNames[i]) == want) return i;
  }
  return std::nullopt;
}

CallStatus read_status(std::span<const Field> headers, std::span<const Field> trailers,
                       int http_status) {
  CallStatus out;
  auto status = find(trailers, "grpc-status");
  auto message = find(trailers, "grpc-message");
  if (!status) {
    status = find(headers, "grpc-status");
    message = find(headers, "grpc-message");
  }
  if (status) {
    if (auto code = parse_code(*status)) {
      out.code = *code;
      out.explicit_status = true;
      if (message) out.message = percent_decode(*message);
      return out;
    }
    out.code = kStatusUnknown;
    out.message = "grpc-status is not a status code";
    return out;
  }
  if (http_status == 200) {
    out.code = kStatusInternal;
    out.message = "the response has no grpc-status";
  } else {
    out.code = from_http(http_status);
    out.message = fmt::format("HTTP status {} without grpc-status", http_status);
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string grpc_timeout(int64_t nanos) {
  static constexpr std::pair<char, int64_t> kUnits[] = {{'n', 1},
                                                        {'u', 1'000},
                                                        {'m', 1'000'000},
                                                        {'S', 1'000'000'000},
                                                        {'M', 60'000'000'000},
                                                        {'H', 3'600'000'000'000}};
  constexpr int64_t kMaxValue = 99'999'999;
  if (nanos < 1) nanos = 1;
  for (const auto& [unit, size] : kUnits) {
    const int64_t value = nanos / size + (nanos % size != 0 ? 1 : 0);
    if (value <= kMaxValue) return fmt::format("{}{}", value, unit);
  }
  return fmt::format("{}H", kMaxValue);
}

}  // namespace perfgate::protocols::grpc
