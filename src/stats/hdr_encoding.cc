#include "stats/hdr_encoding.h"

#include <zlib.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace perfgate {
namespace {

constexpr uint32_t kEncodingCookieV2 = 0x1c849303 | 0x10;
constexpr uint32_t kCompressedCookieV2 = 0x1c849304 | 0x10;
constexpr uint32_t kCookieBaseMask = ~uint32_t{0xf0};
constexpr size_t kHeaderBytes = 40;
constexpr size_t kMaxVarintBytes = 9;

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}
void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}
uint32_t get_u32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
uint64_t get_u64(const uint8_t* p) { return (uint64_t{get_u32(p)} << 32) | get_u32(p + 4); }

// ZigZag then LEB128-64b9B: 7 bits per byte for 8 bytes, then a 9th byte with 8 full bits.
void put_zigzag(std::vector<uint8_t>& out, int64_t value) {
  uint64_t u = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  for (size_t i = 0; i < kMaxVarintBytes - 1; ++i) {
    if (u < 0x80) {
      out.push_back(static_cast<uint8_t>(u));
      return;
    }
    out.push_back(static_cast<uint8_t>((u & 0x7f) | 0x80));
    u >>= 7;
  }
  out.push_back(static_cast<uint8_t>(u));
}

// Reads one varint at `pos`; false when the input ends inside it.
bool get_zigzag(const uint8_t* data, size_t size, size_t& pos, int64_t& value) {
  uint64_t u = 0;
  for (size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (pos >= size) return false;
    const uint8_t byte = data[pos++];
    if (i == kMaxVarintBytes - 1) {
      u |= uint64_t{byte} << 56;
      break;
    }
    u |= uint64_t{byte & 0x7fu} << (7 * i);
    if ((byte & 0x80) == 0) break;
  }
  value = static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
  return true;
}

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Checks a decoded header's configuration before HdrHistogram's constructor sees it (the
// constructor only asserts).
Result<void> check_config(int64_t lowest, int64_t highest, int64_t digits) {
  if (digits < 1 || digits > 5) return make_error("significant digits out of range 1..5");
  if (lowest < 1 || highest < 2 || highest / 2 < lowest) {
    return make_error("lowest/highest trackable values are inconsistent");
  }
  const int unit_magnitude = static_cast<int>(std::floor(std::log2(static_cast<double>(lowest))));
  const int half_magnitude =
      static_cast<int>(std::ceil(std::log2(2.0 * std::pow(10.0, static_cast<double>(digits))))) - 1;
  if (unit_magnitude + half_magnitude > 61) return make_error("histogram range too large");
  // counts_len = (bucket_count + 1) * half; bucket_count grows with log2(highest / sub_buckets).
  int64_t smallest_untrackable = int64_t{2} << (half_magnitude + unit_magnitude);
  int64_t buckets = 1;
  while (smallest_untrackable <= highest && smallest_untrackable < (int64_t{1} << 62)) {
    smallest_untrackable <<= 1;
    ++buckets;
  }
  if ((buckets + 2) * (int64_t{1} << half_magnitude) > kMaxDecodedCounts) {
    return make_error("histogram too large to decode");
  }
  return {};
}

Result<std::vector<uint8_t>> inflate_all(const uint8_t* data, size_t size, size_t limit) {
  std::vector<uint8_t> out(std::min<size_t>(limit, std::max<size_t>(4 * size, 4096)));
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return make_error("zlib initialisation failed");
  stream.next_in = const_cast<Bytef*>(data);
  stream.avail_in = static_cast<uInt>(size);
  int rc = Z_OK;
  while (rc == Z_OK) {
    if (stream.total_out == out.size()) {
      if (out.size() >= limit) break;
      out.resize(std::min(limit, out.size() * 2));
    }
    stream.next_out = out.data() + stream.total_out;
    stream.avail_out = static_cast<uInt>(out.size() - stream.total_out);
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc == Z_BUF_ERROR && stream.avail_out != 0) break;  // input ended early
  }
  const size_t produced = stream.total_out;
  inflateEnd(&stream);
  if (rc != Z_STREAM_END) return make_error("corrupt or truncated zlib data");
  out.resize(produced);
  return out;
}

Result<HdrHistogram> decode_uncompressed(const std::vector<uint8_t>& bytes) {
  if (bytes.size() < kHeaderBytes) return make_error("encoding shorter than its header");
  const uint8_t* p = bytes.data();
  if ((get_u32(p) & kCookieBaseMask) != (kEncodingCookieV2 & kCookieBaseMask)) {
    return make_error("not a V2 histogram encoding (bad cookie)");
  }
  const uint32_t payload = get_u32(p + 4);
  const int64_t digits = get_u32(p + 12);
  const auto lowest = static_cast<int64_t>(get_u64(p + 16));
  const auto highest = static_cast<int64_t>(get_u64(p + 24));
  if (get_u32(p + 8) != 0) return make_error("normalizing index offsets are not supported");
  if (payload != bytes.size() - kHeaderBytes) return make_error("payload length mismatch");
  if (auto ok = check_config(lowest, highest, digits); !ok) return ok.error();
  HdrHistogram histogram(lowest, highest, static_cast<int>(digits));
  size_t pos = kHeaderBytes;
  int64_t index = 0;
  while (pos < bytes.size()) {
    int64_t value = 0;
    if (!get_zigzag(bytes.data(), bytes.size(), pos, value)) return make_error("truncated count");
    if (value < 0) {
      if (value == std::numeric_limits<int64_t>::min() || -value > histogram.counts_length()) {
        return make_error("zero run past the end of the counts");
      }
      index += -value;
    } else {
      if (index >= histogram.counts_length()) return make_error("count past the end of the counts");
      if (value > 0) histogram.add_at_index(static_cast<int32_t>(index), value);
      ++index;
    }
    if (index > histogram.counts_length()) return make_error("zero run past the end of the counts");
  }
  return histogram;
}

}  // namespace

std::vector<uint8_t> encode_uncompressed(const HdrHistogram& histogram) {
  std::vector<uint8_t> payload;
  if (histogram.count() > 0) {
    const int32_t last = histogram.counts_index_for(histogram.max());
    int64_t zeros = 0;
    for (int32_t i = 0; i <= last && i < histogram.counts_length(); ++i) {
      const int64_t count = histogram.count_at_index(i);
      if (count == 0) {
        ++zeros;
        continue;
      }
      if (zeros == 1) put_zigzag(payload, 0);
      if (zeros > 1) put_zigzag(payload, -zeros);
      zeros = 0;
      put_zigzag(payload, count);
    }
  }
  std::vector<uint8_t> out;
  out.reserve(kHeaderBytes + payload.size());
  put_u32(out, kEncodingCookieV2);
  put_u32(out, static_cast<uint32_t>(payload.size()));
  put_u32(out, 0);  // normalizing index offset
  put_u32(out, static_cast<uint32_t>(histogram.significant_digits()));
  put_u64(out, static_cast<uint64_t>(histogram.lowest_discernible_value()));
  put_u64(out, static_cast<uint64_t>(histogram.highest_trackable_value()));
  put_u64(out, std::bit_cast<uint64_t>(1.0));  // integer-to-double conversion ratio
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::string encode_compressed_base64(const HdrHistogram& histogram) {
  const std::vector<uint8_t> raw = encode_uncompressed(histogram);
  uLongf compressed_size = compressBound(static_cast<uLong>(raw.size()));
  std::vector<uint8_t> out(8 + compressed_size);
  compress2(out.data() + 8, &compressed_size, raw.data(), static_cast<uLong>(raw.size()),
            Z_BEST_COMPRESSION);
  out.resize(8 + compressed_size);
  std::vector<uint8_t> header;
  put_u32(header, kCompressedCookieV2);
  put_u32(header, static_cast<uint32_t>(compressed_size));
  std::memcpy(out.data(), header.data(), 8);
  return base64_encode(out);
}

Result<HdrHistogram> decode_compressed_base64(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  auto bytes = base64_decode(text);
  if (!bytes) return bytes.error();
  if (bytes->size() < 8) return make_error("compressed histogram shorter than its header");
  const uint32_t cookie = get_u32(bytes->data());
  const uint32_t base = cookie & kCookieBaseMask;
  if (base == 0x1c849302 || base == 0x1c849309) {
    return make_error("V0/V1 histogram encodings are not supported", "re-encode with V2");
  }
  if (base != (kCompressedCookieV2 & kCookieBaseMask)) {
    return make_error("not a compressed HdrHistogram (bad cookie)");
  }
  const uint32_t length = get_u32(bytes->data() + 4);
  if (length != bytes->size() - 8) return make_error("compressed length mismatch");
  // The uncompressed form is at most the header plus 9 bytes per count.
  const size_t limit = kHeaderBytes + size_t{kMaxVarintBytes} * kMaxDecodedCounts;
  auto raw = inflate_all(bytes->data() + 8, length, limit);
  if (!raw) return raw.error();
  return decode_uncompressed(*raw);
}

std::string base64_encode(const std::vector<uint8_t>& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t chunk = uint32_t{bytes[i]} << 16;
    if (n > 1) chunk |= uint32_t{bytes[i + 1]} << 8;
    if (n > 2) chunk |= bytes[i + 2];
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += n > 1 ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += n > 2 ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

Result<std::vector<uint8_t>> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return make_error("base64 length is not a multiple of 4");
  std::vector<uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const int pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=' && text[i + 3] == '=') : 0;
    uint32_t chunk = 0;
    for (size_t j = 0; j < 4; ++j) {
      const int v = j >= 4u - pad ? 0 : base64_value(text[i + j]);
      if (v < 0) return make_error("invalid base64 character");
      chunk = (chunk << 6) | static_cast<uint32_t>(v);
    }
    out.push_back(static_cast<uint8_t>(chunk >> 16));
    if (pad < 2) out.push_back(static_cast<uint8_t>(chunk >> 8));
    if (pad < 1) out.push_back(static_cast<uint8_t>(chunk));
  }
  return out;
}

}  // namespace perfgate
