#include "outputs/line_protocol.h"

#include <fmt/format.h>

#include <cmath>

namespace perfgate::outputs {
namespace {

std::string escape(std::string_view text, std::string_view specials) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\n' || c == '\r') c = ' ';
    if (specials.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string escape_measurement(std::string_view name) { return escape(name, ", "); }

std::string escape_tag(std::string_view text) { return escape(text, ",= "); }

std::string quote_string_field(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

LinePoint::LinePoint(std::string_view measurement) : head_(escape_measurement(measurement)) {}

LinePoint& LinePoint::tag(std::string_view key, std::string_view value) {
  if (!value.empty()) {
    head_ += ',';
    head_ += escape_tag(key);
    head_ += '=';
    head_ += escape_tag(value);
  }
  return *this;
}

LinePoint& LinePoint::field(std::string_view key, int64_t value) {
  add_field(key, fmt::format("{}i", value));
  return *this;
}

LinePoint& LinePoint::field(std::string_view key, double value) {
  if (std::isfinite(value)) add_field(key, fmt::format("{}", value));
  return *this;
}

LinePoint& LinePoint::string_field(std::string_view key, std::string_view value) {
  add_field(key, quote_string_field(value));
  return *this;
}

void LinePoint::add_field(std::string_view key, std::string_view formatted) {
  if (!fields_.empty()) fields_ += ',';
  fields_ += escape_tag(key);
  fields_ += '=';
  fields_ += formatted;
}

void LinePoint::append_to(std::string& out, int64_t unix_nanos) const {
  if (fields_.empty()) return;
  out += head_;
  out += ' ';
  out += fields_;
  out += ' ';
  out += fmt::format("{}", unix_nanos);
  out += '\n';
}

}  // namespace perfgate::outputs
