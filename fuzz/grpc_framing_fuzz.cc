// Fuzz target for gRPC message framing and status reading (src/protocols/grpc/framing.h,
// status.h).
//
// Input: byte 0 chooses the piece size (bits 0-4: 1..32) and whether messages are kept (bit 5);
// the rest is a response's DATA bytes. The reader reads them whole and again in pieces and the
// target aborts when the two disagree (error, message count, kept messages), when a kept
// message is larger than the bound, or when re-framing the kept messages does not give back the
// bytes they came from. The same bytes also go through the grpc-status / grpc-message reader.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/grpc/framing.h"
#include "protocols/grpc/status.h"

namespace {

using perfgate::protocols::grpc::FrameReader;

constexpr size_t kBound = 4096;

void read(FrameReader& reader, std::string_view data, size_t piece) {
  for (size_t offset = 0; offset < data.size(); offset += piece) {
    if (!reader.feed(data.substr(offset, piece))) return;
  }
  reader.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size == 0) return 0;
  const std::string_view data(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  const size_t piece = (bytes[0] & 0x1f) + 1;
  const bool keep = (bytes[0] & 0x20) != 0;
  FrameReader whole(keep, kBound), split(keep, kBound);
  read(whole, data, data.size() + 1);
  read(split, data, piece);
  if (whole.error() != split.error() || whole.messages() != split.messages() ||
      whole.kept() != split.kept()) {
    std::abort();
  }
  if (keep) {
    std::string reframed;
    size_t total = 0;
    for (const std::string& m : whole.kept()) {
      total += m.size();
      perfgate::protocols::grpc::append_frame(&reframed, m);
    }
    if (total > kBound || whole.kept().size() != whole.messages()) std::abort();
    if (data.substr(0, reframed.size()) != reframed) std::abort();
  }
  const std::vector<perfgate::protocols::grpc::Field> trailers = {
      {"grpc-status", data.substr(0, 2)}, {"grpc-message", data}};
  const auto status = perfgate::protocols::grpc::read_status({}, trailers, 200);
  if (status.code < 0 || status.code >= perfgate::protocols::grpc::kStatusCount) std::abort();
  if (perfgate::protocols::grpc::percent_decode(data).size() > data.size()) std::abort();
  return 0;
}
