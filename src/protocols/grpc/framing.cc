// gRPC Length-Prefixed-Message framing.
#include "protocols/grpc/framing.h"

#include <algorithm>

namespace perfgate::protocols::grpc {

void append_frame(std::string* out, std::string_view message) {
  const auto n = static_cast<uint32_t>(message.size());
  const char prefix[kFrameHeaderBytes] = {0, static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                                          static_cast<char>(n >> 8), static_cast<char>(n)};
  out->append(prefix, kFrameHeaderBytes);
  out->append(message);
}

const char* frame_error_name(FrameError error) {
  switch (error) {
    case FrameError::kNone:
      return "none";
    case FrameError::kCompressed:
      return "compressed gRPC message (no grpc-encoding was offered)";
    case FrameError::kBadFlag:
      return "gRPC message flag is neither 0 nor 1";
    case FrameError::kTooLarge:
      return "gRPC message larger than the bound";
    case FrameError::kTruncated:
      return "stream ended inside a gRPC message";
  }
  return "unknown";
}

void FrameReader::reset(bool keep) {
  keep_ = keep;
  error_ = FrameError::kNone;
  messages_ = 0;
  header_have_ = 0;
  remaining_ = 0;
  in_payload_ = false;
  kept_bytes_ = 0;
  kept_.clear();
}

bool FrameReader::start_message() {
  if (header_[0] == 1) {
    error_ = FrameError::kCompressed;
    return false;
  }
  if (header_[0] != 0) {
    error_ = FrameError::kBadFlag;
    return false;
  }
  remaining_ = (size_t{header_[1]} << 24) | (size_t{header_[2]} << 16) | (size_t{header_[3]} << 8) |
               size_t{header_[4]};
  if (remaining_ > max_ || (keep_ && kept_bytes_ + remaining_ > max_)) {
    error_ = FrameError::kTooLarge;
    return false;
  }
  header_have_ = 0;
  in_payload_ = true;
  if (keep_) {
    kept_.emplace_back();
    kept_.back().reserve(remaining_);
    kept_bytes_ += remaining_;
  }
  return true;
}

bool FrameReader::feed(std::string_view data) {
  while (error_ == FrameError::kNone) {
    if (in_payload_) {
      const size_t take = std::min(remaining_, data.size());
      if (keep_) kept_.back().append(data.substr(0, take));
      data.remove_prefix(take);
      remaining_ -= take;
      if (remaining_ > 0) return true;
      in_payload_ = false;
      ++messages_;
      continue;
    }
    if (data.empty()) return true;
    const size_t take = std::min(kFrameHeaderBytes - header_have_, data.size());
    std::copy_n(data.data(), take, header_ + header_have_);
    header_have_ += take;
    data.remove_prefix(take);
    if (header_have_ == kFrameHeaderBytes && !start_message()) return false;
  }
  return false;
}

bool FrameReader::finish() {
  if (error_ != FrameError::kNone) return false;
  if (in_payload_ || header_have_ > 0) {
    if (in_payload_ && keep_) kept_.pop_back();  // kept() holds complete messages only
    error_ = FrameError::kTruncated;
    return false;
  }
  return true;
}

}  // namespace perfgate::protocols::grpc
