#include "core/units.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>

namespace perfgate {
namespace {

// Reads a non-negative decimal number at the front of `text`, advancing it.
bool take_number(std::string_view& text, double& out) {
  size_t i = 0;
  bool digits = false;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    digits |= text[i] != '.';
    ++i;
  }
  if (!digits) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + i, out);
  if (ec != std::errc() || ptr != text.data() + i) return false;
  text.remove_prefix(i);
  return true;
}

std::string_view take_unit(std::string_view& text) {
  size_t i = 0;
  while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') {
    ++i;
  }
  std::string_view unit = text.substr(0, i);
  text.remove_prefix(i);
  return unit;
}

bool duration_unit_nanos(std::string_view unit, double& nanos) {
  if (unit == "ns")
    nanos = 1;
  else if (unit == "us" || unit == "\xC2\xB5s")
    nanos = 1e3;
  else if (unit == "ms")
    nanos = 1e6;
  else if (unit == "s")
    nanos = 1e9;
  else if (unit == "m")
    nanos = 60e9;
  else if (unit == "h")
    nanos = 3600e9;
  else
    return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<Nanos> parse_duration(std::string_view input) {
  std::string_view text = trim(input);
  const auto bad = [&] {
    return make_error(fmt::format("invalid duration \"{}\"", input),
                      "use a number with a unit, e.g. 500ms, 10s, 1m30s, 2h");
  };
  if (text == "0") return Nanos{0};
  if (text.empty()) return bad();
  double total = 0;
  while (!text.empty()) {
    double number = 0;
    double unit_nanos = 0;
    if (!take_number(text, number)) return bad();
    if (!duration_unit_nanos(take_unit(text), unit_nanos)) return bad();
    total += number * unit_nanos;
  }
  if (!std::isfinite(total) || total > 9.2e18) return bad();
  return static_cast<Nanos>(std::llround(total));
}

Result<double> parse_rate(std::string_view input) {
  std::string_view text = trim(input);
  const auto bad = [&] {
    return make_error(fmt::format("invalid rate \"{}\"", input),
                      "use requests per second like 100 or 100/s, or 6000/m, 5/100ms");
  };
  double count = 0;
  if (!take_number(text, count)) return bad();
  if (text.empty()) return count;
  if (text.front() != '/') return bad();
  text.remove_prefix(1);
  Nanos per = kNanosPerSecond;
  if (!text.empty()) {
    bool bare_unit = !std::isdigit(static_cast<unsigned char>(text.front()));
    auto d = parse_duration(bare_unit ? "1" + std::string(text) : std::string(text));
    if (!d || *d <= 0) return bad();
    per = *d;
  }
  return count * static_cast<double>(kNanosPerSecond) / static_cast<double>(per);
}

Result<double> parse_bytes(std::string_view input) {
  std::string_view text = trim(input);
  double number = 0;
  if (!take_number(text, number)) {
    return make_error(fmt::format("invalid size \"{}\"", input),
                      "use e.g. 512B, 64KB, 1.5MiB, 2GB");
  }
  std::string_view unit = trim(text);
  static constexpr struct {
    std::string_view name;
    double factor;
  } kUnits[] = {{"", 1},
                {"B", 1},
                {"KB", 1e3},
                {"MB", 1e6},
                {"GB", 1e9},
                {"TB", 1e12},
                {"KiB", 1024.0},
                {"MiB", 1048576.0},
                {"GiB", 1073741824.0},
                {"TiB", 1099511627776.0},
                {"kB", 1e3}};
  for (const auto& u : kUnits) {
    if (unit == u.name) return number * u.factor;
  }
  return make_error(fmt::format("invalid size unit in \"{}\"", input),
                    "units: B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB");
}

std::string format_duration(Nanos duration) {
  const double ns = static_cast<double>(duration);
  if (duration < 0) return "-" + format_duration(-duration);
  if (ns < 1e3) return fmt::format("{}ns", duration);
  if (ns < 1e6) return fmt::format("{:.4g}µs", ns / 1e3);
  if (ns < 1e9) return fmt::format("{:.4g}ms", ns / 1e6);
  if (ns < 60e9) return fmt::format("{:.4g}s", ns / 1e9);
  const auto total_s = static_cast<int64_t>(ns / 1e9);
  if (total_s < 3600) return fmt::format("{}m{}s", total_s / 60, total_s % 60);
  return fmt::format("{}h{}m{}s", total_s / 3600, (total_s / 60) % 60, total_s % 60);
}

std::string format_bytes(double bytes) {
  static constexpr const char* kNames[] = {"B", "kB", "MB", "GB", "TB"};
  int i = 0;
  while (bytes >= 1000 && i < 4) {
    bytes /= 1000;
    ++i;
  }
  return i == 0 ? fmt::format("{:.0f} {}", bytes, kNames[i])
                : fmt::format("{:.1f} {}", bytes, kNames[i]);
}

}  // namespace perfgate
