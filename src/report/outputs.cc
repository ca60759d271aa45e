#include "report/outputs.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "core/atomic_file.h"
#include "report/csv.h"
#include "report/hdr_log.h"
#include "report/html_report.h"
#include "report/junit.h"
#include "report/markdown.h"
#include "report/results_json.h"

namespace perfgate::report {
namespace {

struct NamedType {
  std::string_view name;
  OutputType type;
};
constexpr std::array<NamedType, 7> kTypes = {{{"json", OutputType::kJson},
                                              {"html", OutputType::kHtml},
                                              {"junit", OutputType::kJunit},
                                              {"markdown", OutputType::kMarkdown},
                                              {"md", OutputType::kMarkdown},
                                              {"csv", OutputType::kCsv},
                                              {"hdr", OutputType::kHdr}}};

struct Extension {
  std::string_view suffix;
  OutputType type;
};
constexpr std::array<Extension, 9> kExtensions = {{{".json", OutputType::kJson},
                                                   {".html", OutputType::kHtml},
                                                   {".htm", OutputType::kHtml},
                                                   {".xml", OutputType::kJunit},
                                                   {".md", OutputType::kMarkdown},
                                                   {".markdown", OutputType::kMarkdown},
                                                   {".csv", OutputType::kCsv},
                                                   {".hlog", OutputType::kHdr},
                                                   {".hdr", OutputType::kHdr}}};

}  // namespace

std::optional<OutputType> output_type_from_name(std::string_view name) {
  for (const NamedType& t : kTypes) {
    if (t.name == name) return t.type;
  }
  return std::nullopt;
}

std::string_view output_type_name(OutputType type) {
  for (const NamedType& t : kTypes) {
    if (t.type == type) return t.name;
  }
  return "?";
}

std::optional<OutputType> output_type_from_path(std::string_view path) {
  for (const Extension& e : kExtensions) {
    if (path.size() > e.suffix.size() && path.ends_with(e.suffix)) return e.type;
  }
  return std::nullopt;
}

Result<std::vector<OutputSpec>> parse_output_specs(const std::vector<std::string>& values) {
  std::vector<OutputSpec> specs;
  for (const std::string& value : values) {
    const size_t eq = value.find('=');
    if (eq == std::string::npos || eq + 1 == value.size()) {
      return make_error(fmt::format("--out {}: expected TYPE=FILE", value),
                        "TYPE is one of json, html, junit, markdown, csv, hdr");
    }
    const std::string name = value.substr(0, eq);
    auto type = output_type_from_name(name);
    if (!type) {
      return make_error(fmt::format("--out {}: unknown output type '{}'", value, name),
                        "TYPE is one of json, html, junit, markdown, csv, hdr");
    }
    OutputSpec spec{*type, value.substr(eq + 1)};
    if (auto ok = check_writable(spec.path); !ok) {
      return make_error(fmt::format("--out {}: {}", value, ok.error().message), ok.error().hint);
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

std::string format_output(const ResultsDocument& doc, OutputType type) {
  switch (type) {
    case OutputType::kJson:
      return format_results_json(doc);
    case OutputType::kHtml:
      return format_html_report(doc);
    case OutputType::kJunit:
      return format_junit(doc);
    case OutputType::kMarkdown:
      return format_markdown(doc);
    case OutputType::kCsv:
      return format_csv(doc);
    case OutputType::kHdr:
      return format_hdr_log(doc);
  }
  return {};
}

Result<void> write_outputs(const ResultsDocument& doc, const std::vector<OutputSpec>& specs) {
  std::string failures;
  for (const OutputSpec& spec : specs) {
    auto ok = write_file_atomically(spec.path, format_output(doc, spec.type));
    if (!ok) failures += (failures.empty() ? "" : "; ") + ok.error().message;
  }
  if (!failures.empty()) return make_error(fmt::format("writing results failed: {}", failures));
  return {};
}

Result<void> write_outputs(const results::RunResult& run, const std::vector<OutputSpec>& specs) {
  if (specs.empty()) return {};
  return write_outputs(make_document(run), specs);
}

}  // namespace perfgate::report
