// Prometheus remote write (protocol 1.0): a WriteRequest (prompb, protobuf) compressed with
// snappy's block format, POSTed with Content-Encoding: snappy. Only the fields perfgate sends
// are encoded — WriteRequest.timeseries (1), TimeSeries.labels (1) and .samples (2),
// Label.name (1) / .value (2), Sample.value (1, double) / .timestamp (2, int64 ms) — in the
// protobuf wire format, which is all a receiver reads; labels are sorted by name as the
// protocol requires.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace perfgate::outputs {

struct RemoteSeries {
  std::vector<std::pair<std::string, std::string>> labels;  // including "__name__"
  double value = 0;
  int64_t timestamp_ms = 0;
};

// The protobuf-encoded WriteRequest (uncompressed).
std::string encode_write_request(std::vector<RemoteSeries> series);

// snappy block compression of `data` (what remote write's Content-Encoding: snappy means).
std::string snappy_compress(const std::string& data);

}  // namespace perfgate::outputs
