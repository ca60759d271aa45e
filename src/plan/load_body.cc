// Request bodies read from files: `body: {file: payload.json, template: true}` (k6's open()).
#include <fmt/format.h>

#include <filesystem>

#include "core/read_file.h"
#include "plan/flow_loader.h"

namespace perfgate::plan::detail {
namespace {

// The 1-based line and column of byte `offset` of `text`.
std::pair<int, int> line_and_column(std::string_view text, size_t offset) {
  int line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace

// The file is read once, at load, relative to the plan's directory and at most
// kMaxBodyFileBytes long. Without `template: true` its bytes are sent as they are ({{ included});
// with it, `{{var}}` is rendered per request and template mistakes point into the file.
Template FlowLoader::body_file(const YAML::Node& node) {
  std::optional<std::string> file;
  bool templated = false, has_file = false;
  YAML::Node file_node;
  r().for_each(node, "body", {"file", "template"},
               [&](const std::string& key, const YAML::Node&, const YAML::Node& v) {
                 if (key == "file") {
                   has_file = true;
                   file = r().string(v, "body.file");
                   file_node = v;
                 } else {
                   templated = r().boolean(v, "body.template").value_or(false);
                 }
               });
  if (!file) {
    if (!has_file) r().error(node, "body: {...} needs file:", "write body: {file: payload.json}");
    return {};
  }
  const std::filesystem::path written(*file);
  const std::string path =
      written.is_absolute() ? *file : (std::filesystem::path(ctx.base_dir) / written).string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    r().error(file_node, fmt::format("body file \"{}\" does not exist", *file),
              "paths are relative to the plan file's directory");
    return {};
  }
  auto text = read_file_bounded(path, kMaxBodyFileBytes, "body file");
  if (!text) {
    r().error(file_node, text.error().message, text.error().hint);
    return {};
  }
  if (!templated) return Template::literal(std::move(*text));
  auto result = compile_template(*text, [&](std::string_view n) { return resolve(n); });
  for (const TemplateError& e : result.errors) {
    const auto [line, column] = line_and_column(*text, e.offset);
    r().error(SourcePos{path, line, column}, e.error.message, e.error.hint);
  }
  return std::move(result.value);
}

}  // namespace perfgate::plan::detail
