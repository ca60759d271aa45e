#include "outputs/remote_write.h"

#include <snappy.h>

#include <algorithm>
#include <cstring>

namespace perfgate::outputs {
namespace {

void varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

// Field `number` with wire type 2 (length-delimited).
void bytes_field(std::string& out, int number, const std::string& bytes) {
  varint(out, static_cast<uint64_t>(number) << 3 | 2);
  varint(out, bytes.size());
  out += bytes;
}

std::string label(const std::string& name, const std::string& value) {
  std::string out;
  bytes_field(out, 1, name);
  bytes_field(out, 2, value);
  return out;
}

std::string sample(double value, int64_t timestamp_ms) {
  std::string out;
  out += static_cast<char>(1 << 3 | 1);  // field 1, wire type 1 (64-bit)
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  for (int i = 0; i < 8; ++i) out += static_cast<char>(bits >> (8 * i) & 0xff);
  out += static_cast<char>(2 << 3 | 0);  // field 2, varint
  varint(out, static_cast<uint64_t>(timestamp_ms));
  return out;
}

}  // namespace

std::string encode_write_request(std::vector<RemoteSeries> series) {
  std::string out;
  for (RemoteSeries& s : series) {
    std::sort(s.labels.begin(), s.labels.end());
    std::string ts;
    for (const auto& [name, value] : s.labels) {
      if (!value.empty()) bytes_field(ts, 1, label(name, value));
    }
    bytes_field(ts, 2, sample(s.value, s.timestamp_ms));
    bytes_field(out, 1, ts);
  }
  return out;
}

std::string snappy_compress(const std::string& data) {
  std::string out;
  snappy::Compress(data.data(), data.size(), &out);
  return out;
}

}  // namespace perfgate::outputs
