#include "analysis/metric_table.h"

#include <fmt/format.h>

#include <algorithm>

#include "analysis/importers/importers.h"
#include "analysis/json_input.h"
#include "analysis/metric_validation.h"
#include "core/read_file.h"

namespace perfgate::analysis {
namespace {

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Result<MetricTable> import_as(const nlohmann::json& doc, std::string_view format) {
  if (format == "perfgate" && doc.is_object() &&
      doc.value("format", std::string()) == "perfgate-results") {
    return import_perfgate_results(doc);
  }
  if (format == "perfgate" || format == "k6") return import_k6_summary(doc, format);
  if (format == "gbench") return import_gbench(doc);
  if (format == "hyperfine") return import_hyperfine(doc);
  if (format == "lighthouse") return import_lighthouse(doc);
  if (format == "bmf") return import_bmf(doc);
  return make_error(fmt::format("unknown format '{}'", format),
                    fmt::format("use one of: auto, {}", fmt::join(known_formats(), ", ")));
}

// A file that yields no metric cannot pass or fail anything: an error, with what the file said.
Error nothing_to_compare(const MetricTable& set) {
  std::string why;
  if (auto it = set.context.find("runtimeError"); it != set.context.end()) {
    why = fmt::format(" (Lighthouse runtimeError: {})", it->second);
  }
  return make_error(fmt::format("{}: no metrics in this {} file{}: nothing to compare", set.source,
                                set.format, why),
                    "check that the run measured something (a failed run writes an empty "
                    "report); a k6 file needs a \"metrics\" object with numbers");
}

}  // namespace

std::string_view to_string(Direction direction) {
  return direction == Direction::kLowerIsBetter ? "lower is better" : "higher is better";
}

const Metric* MetricTable::find(std::string_view key) const {
  for (const Metric& metric : metrics) {
    if (metric.key() == key) return &metric;
  }
  return nullptr;
}

const std::vector<std::string_view>& known_formats() {
  static const std::vector<std::string_view> kFormats = {"perfgate",  "k6",         "gbench",
                                                         "hyperfine", "lighthouse", "bmf"};
  return kFormats;
}

Direction infer_direction(std::string_view name, std::string_view stat, std::string_view unit) {
  const std::string n = lower(name), s = lower(stat), u = lower(unit);
  // Failures are bad whatever their unit: http_req_failed rate, error counts.
  if (contains(n, "fail") || contains(n, "error") || s == "fails") {
    return Direction::kLowerIsBetter;
  }
  if (s == "rate" || s == "count" || s == "passes" || s == "score" || u == "score" ||
      contains(n, "throughput") || contains(n, "per_second") || contains(n, "rps") ||
      contains(s, "per_second") || contains(s, "throughput") || u.starts_with("ops") ||
      (u.ends_with("/s") && !contains(u, "mb/h"))) {
    return Direction::kHigherIsBetter;
  }
  if (n == "checks" && s == "value") return Direction::kHigherIsBetter;
  return Direction::kLowerIsBetter;
}

namespace {

// Detection and import behind the reader boundary: a value of a type an importer did not expect
// (nlohmann throws type_error / out_of_range) becomes an Error instead of aborting the process.
Result<MetricTable> import_guarded(const nlohmann::json& doc, std::string_view format,
                                   const std::string& source) {
  try {
    std::string_view chosen = format == "auto" ? detect_format(doc) : format;
    if (chosen.empty()) {
      return make_error(
          fmt::format("{}: unknown result format (not perfgate, k6, Google Benchmark, hyperfine, "
                      "Lighthouse or BMF JSON)",
                      source),
          "name the format with --format");
    }
    auto set = import_as(doc, chosen);
    if (!set) {
      return make_error(fmt::format("{}: {}", source, set.error().message), set.error().hint);
    }
    set->format = std::string(chosen);
    return set;
  } catch (const std::exception& e) {
    return make_error(fmt::format("{}: malformed result file: {}", source, e.what()),
                      "is this a result file? check that it was written completely");
  }
}

}  // namespace

Result<MetricTable> parse_metric_table(std::string_view text, std::string_view format,
                                       const std::string& source) {
  if (format != "auto" &&
      std::find(known_formats().begin(), known_formats().end(), format) == known_formats().end()) {
    return make_error(fmt::format("{}: unknown format '{}'", source, format),
                      fmt::format("use one of: auto, {}", fmt::join(known_formats(), ", ")));
  }
  auto doc = parse_json(text, source);
  if (!doc) return doc.error();
  auto set = import_guarded(*doc, format, source);
  if (!set) return set;
  set->source = source;
  if (set->metrics.empty()) return nothing_to_compare(*set);
  if (auto valid = validate_metric_set(*set); !valid) {
    return make_error(fmt::format("{}: {}", source, valid.error().message), valid.error().hint);
  }
  return set;
}

std::string fingerprint(const MetricTable& set) {
  uint64_t hash = 14695981039346656037ull;  // FNV-1a, 64 bits
  const auto mix = [&](std::string_view bytes) {
    for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
    hash = (hash ^ 0xff) * 1099511628211ull;  // field separator
  };
  const auto mix_number = [&](double v) {
    mix(std::string_view(reinterpret_cast<const char*>(&v), sizeof v));
  };
  mix(set.format);
  for (const auto& [key, value] : set.context) {
    mix(key);
    mix(value);
  }
  for (const Metric& m : set.metrics) {
    mix(m.key());
    mix_number(m.value);
    for (double s : m.samples) mix_number(s);
  }
  return fmt::format("{:016x}", hash);
}

Result<MetricTable> load_metric_table(const std::string& path, std::string_view format) {
  auto text = read_file_bounded(path, kMaxResultsFileBytes, "results file");
  if (!text) return text.error();
  return parse_metric_table(*text, format, path);
}

}  // namespace perfgate::analysis
