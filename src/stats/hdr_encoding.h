// HdrHistogram V2 binary encoding, zlib-compressed and base64-encoded: the "HISTFAAA..." tokens of
// HdrHistogram interval logs (.hlog, format 1.3) and of perfgate results files. Interoperable
// with HdrHistogram's Java and C libraries (see shared/reference/hdrhistogram.md §3.5).
//
// Encoding follows Java: counts up to the index of the max value, zig-zag LEB128 (at most 9
// bytes), a single zero written as 0 and runs of k >= 2 zeros as -k, zlib at best compression.
// Decoding accepts both Java's and C's zero-run styles; it rejects — with an Error, never a crash —
// bad base64, unknown cookies (V0/V1 encodings are named as unsupported), corrupt zlib data,
// truncated varints, counts past the histogram's length, negative counts and trailing bytes.
// Histograms whose counts array would exceed kMaxDecodedCounts entries are refused, so that a
// hostile header cannot make the decoder allocate gigabytes.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "stats/hdr_histogram.h"

namespace perfgate {

inline constexpr int32_t kMaxDecodedCounts = 1 << 23;  // 64 MiB of counts

// The V2 uncompressed encoding (40-byte header + counts payload), big-endian.
std::vector<uint8_t> encode_uncompressed(const HdrHistogram& histogram);

// base64(zlib-wrapped V2 encoding): "HISTFAAA...".
std::string encode_compressed_base64(const HdrHistogram& histogram);

// The histogram behind a compressed base64 token. Surrounding whitespace is ignored.
Result<HdrHistogram> decode_compressed_base64(std::string_view text);

// Standard base64 with padding (RFC 4648 §4); decoding ignores no characters and rejects bad ones.
std::string base64_encode(const std::vector<uint8_t>& bytes);
Result<std::vector<uint8_t>> base64_decode(std::string_view text);

}  // namespace perfgate
