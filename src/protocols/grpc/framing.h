// gRPC message framing (the Length-Prefixed-Message of gRPC over HTTP/2): each message is a
// 1-byte compressed flag, a 4-byte big-endian length, then that many bytes.
//   append_frame  writes one uncompressed message.
//   FrameReader   reads a DATA byte stream incrementally, in pieces of any size: it counts the
//                 messages, keeps them when asked (up to a total bound), and refuses a compressed
//                 message (perfgate negotiates no grpc-encoding), a flag other than 0 or 1, and
//                 a message longer than its bound (gRPC's default receive limit is 4 MiB).
//
// Thread-safety: FrameReader belongs to one stream on one thread; append_frame is reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::protocols::grpc {

constexpr size_t kFrameHeaderBytes = 5;
constexpr size_t kDefaultMaxMessageBytes = 4 * 1024 * 1024;

// Appends the 5-byte prefix and `message` to `out`.
void append_frame(std::string* out, std::string_view message);

enum class FrameError : uint8_t {
  kNone,
  kCompressed,  // the compressed flag is set
  kBadFlag,     // the flag byte is neither 0 nor 1
  kTooLarge,    // a length above the bound (or kept messages above it in total)
  kTruncated,   // the stream ended inside a message (finish())
};
const char* frame_error_name(FrameError error);

class FrameReader {
 public:
  // `keep`: keep the messages' bytes (for checks and extraction); otherwise only count them.
  explicit FrameReader(bool keep = false, size_t max_message_bytes = kDefaultMaxMessageBytes)
      : keep_(keep), max_(max_message_bytes) {}

  // Starts over for a new stream (keeps allocated memory).
  void reset(bool keep);
  // Reads `data`; false (and error()) once the stream is bad, after which feed does nothing.
  bool feed(std::string_view data);
  // The stream ended: false when it ended inside a message.
  bool finish();

  FrameError error() const { return error_; }
  uint64_t messages() const { return messages_; }
  // The kept messages, in order (empty unless `keep`); after finish() only complete ones.
  const std::vector<std::string>& kept() const { return kept_; }

 private:
  bool start_message();

  bool keep_;
  size_t max_;
  FrameError error_ = FrameError::kNone;
  uint64_t messages_ = 0;
  unsigned char header_[kFrameHeaderBytes] = {};
  size_t header_have_ = 0;
  size_t remaining_ = 0;  // payload bytes of the current message still to come
  bool in_payload_ = false;
  size_t kept_bytes_ = 0;
  std::vector<std::string> kept_;
};

}  // namespace perfgate::protocols::grpc
