// InfluxDB line protocol (1.x and 2.x): one point per line,
//   measurement[,tag=value...] field=value[,field=value...] [timestamp_ns]
// Escaping per the spec: measurement names escape ',' and ' '; tag keys, tag values and field
// keys escape ',', '=' and ' '; string field values are double-quoted with '"' and '\' escaped.
// Line breaks cannot be escaped anywhere and are replaced by spaces (then escaped). Integer
// fields carry an 'i' suffix; non-finite floats are not representable and are left out.
//
// Thread-safety: LinePoint is a value built by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace perfgate::outputs {

std::string escape_measurement(std::string_view name);
std::string escape_tag(std::string_view text);  // tag keys, tag values and field keys
std::string quote_string_field(std::string_view value);

// Builds one point. Tags with an empty value are skipped (the protocol forbids them).
class LinePoint {
 public:
  explicit LinePoint(std::string_view measurement);

  LinePoint& tag(std::string_view key, std::string_view value);
  LinePoint& field(std::string_view key, int64_t value);
  LinePoint& field(std::string_view key, double value);
  LinePoint& string_field(std::string_view key, std::string_view value);

  bool has_fields() const { return !fields_.empty(); }
  // Appends "head fields timestamp\n" to `out`; a point without fields appends nothing.
  void append_to(std::string& out, int64_t unix_nanos) const;

 private:
  void add_field(std::string_view key, std::string_view formatted);

  std::string head_;  // measurement and tags
  std::string fields_;
};

}  // namespace perfgate::outputs
