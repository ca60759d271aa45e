// Data files (feeders): CSV with a header row, or a JSON array of objects, read at load time.
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/json_depth.h"
#include "core/read_file.h"
#include "plan/loader_internal.h"

namespace perfgate::plan::detail {
namespace {

// Splits RFC 4180 CSV into records; returns the 1-based line of a malformed record or 0.
int parse_csv(const std::string& text, std::vector<std::vector<std::string>>& records) {
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, any = false;
  int line = 1, record_line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        field += text[++i];
      else if (c == '"')
        quoted = false;
      else
        field += c;
      if (c == '\n') ++line;
      continue;
    }
    if (c == '"' && field.empty())
      quoted = any = true;
    else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\r')
      continue;
    else if (c == '\n') {
      if (any || !field.empty()) {
        record.push_back(std::move(field));
        records.push_back(std::move(record));
      }
      record.clear();
      field.clear();
      any = false;
      record_line = ++line;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) return record_line;
  if (any || !field.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return 0;
}

bool read_csv(LoadContext& ctx, Feeder& feeder, const std::string& text) {
  std::vector<std::vector<std::string>> records;
  if (int bad = parse_csv(text, records); bad > 0) {
    ctx.reader.error(SourcePos{feeder.path, bad, 1}, "unterminated quoted CSV field",
                     "close the field with \"; write \"\" for a quote inside it");
    return false;
  }
  if (records.empty()) {
    ctx.reader.error(SourcePos{feeder.path, 1, 1}, "the CSV file is empty",
                     "the first line names the columns, e.g. username,password");
    return false;
  }
  feeder.columns = records.front();
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != feeder.columns.size()) {
      ctx.reader.error(
          SourcePos{feeder.path, static_cast<int>(r + 1), 1},
          fmt::format("expected {} CSV fields, got {}", feeder.columns.size(), records[r].size()));
      return false;
    }
    feeder.rows.push_back(std::move(records[r]));
  }
  return true;
}

bool read_json(LoadContext& ctx, Feeder& feeder, const std::string& text) {
  const auto bad = [&](std::string why) {
    ctx.reader.error(SourcePos{feeder.path}, std::move(why),
                     "write a JSON array of objects: [{\"username\": \"a\"}, ...]");
    return false;
  };
  // Cells that hold JSON are printed (dump() recurses per level): refuse absurd nesting first.
  if (json_nesting_exceeds(text)) {
    return bad(fmt::format("the JSON data file is nested deeper than {} levels", kMaxJsonNesting));
  }
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return bad("the JSON data file is not valid JSON");
  if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
    return bad("the JSON data file must be a non-empty array of objects");
  }
  for (const auto& [key, value] : doc[0].items()) feeder.columns.push_back(key);
  for (const auto& item : doc) {
    if (!item.is_object()) return bad("every element of the JSON data array must be an object");
    std::vector<std::string> row;
    for (const std::string& column : feeder.columns) {
      const auto it = item.find(column);
      row.push_back(it == item.end() ? "" : it->is_string() ? it->get<std::string>() : it->dump());
    }
    feeder.rows.push_back(std::move(row));
  }
  return true;
}

// `segments: share` (every execution segment reads every row) or `partition` (each segment
// keeps only the rows it owns, striped like VUs: row r belongs to the segment owning index r).
void load_segments_mode(LoadContext& ctx, Feeder& feeder, const YAML::Node& v) {
  auto mode = ctx.reader.string(v, "segments");
  if (mode == "share") {
    feeder.partition = false;
  } else if (mode == "partition") {
    feeder.partition = true;
  } else if (mode) {
    ctx.reader.error(v, fmt::format("unknown data segments mode \"{}\"", *mode),
                     suggest(*mode, {"share", "partition"}));
  }
}

}  // namespace

bool read_feeder_file(LoadContext& ctx, Feeder& feeder, const YAML::Node& at) {
  std::error_code ec;
  if (!std::filesystem::exists(feeder.path, ec)) {
    const std::string written = at.IsScalar() ? at.Scalar() : feeder.path;
    ctx.reader.error(at, fmt::format("data file \"{}\" does not exist", written),
                     "paths are relative to the plan file's directory");
    return false;
  }
  auto text = read_file_bounded(feeder.path, kMaxDataFileBytes, "data file");
  if (!text) {
    ctx.reader.error(at, text.error().message, text.error().hint);
    return false;
  }
  if (feeder.path.ends_with(".json")) return read_feeder_text(ctx, feeder, *text);
  if (feeder.path.ends_with(".csv")) {
    if (!read_feeder_text(ctx, feeder, *text)) return false;
    if (feeder.rows.empty()) {
      ctx.reader.error(at,
                       fmt::format("data file \"{}\" has a header but no rows",
                                   at.IsScalar() ? at.Scalar() : feeder.path),
                       "add at least one row of values under the column names");
      return false;
    }
    return true;
  }
  ctx.reader.error(at, fmt::format("data file \"{}\" is neither .csv nor .json", feeder.path));
  return false;
}

bool read_feeder_text(LoadContext& ctx, Feeder& feeder, const std::string& text) {
  return feeder.path.ends_with(".json") ? read_json(ctx, feeder, text)
                                        : read_csv(ctx, feeder, text);
}

void load_data(LoadContext& ctx, const YAML::Node& node) {
  ctx.reader.for_each(
      node, "data", {},
      [&](const std::string& name, const YAML::Node& key_node, const YAML::Node& value) {
        Feeder feeder{name};
        feeder.pos = ctx.reader.pos(key_node);
        std::optional<YAML::Node> file;  // yaml-cpp nodes alias: bind once, never reassign
        if (!value.IsMap()) file = value;
        if (value.IsMap()) {
          ctx.reader.for_each(value, fmt::format("data \"{}\"", name), {"file", "mode", "segments"},
                              [&](const std::string& key, const YAML::Node&, const YAML::Node& v) {
                                if (key == "file") return void(file = v);
                                if (key == "segments") return load_segments_mode(ctx, feeder, v);
                                auto mode = ctx.reader.string(v, "mode");
                                if (mode == "sequential")
                                  feeder.mode = FeederMode::kSequential;
                                else if (mode == "random")
                                  feeder.mode = FeederMode::kRandom;
                                else if (mode == "unique")
                                  feeder.mode = FeederMode::kUniquePerVu;
                                else if (mode)
                                  ctx.reader.error(
                                      v, fmt::format("unknown data mode \"{}\"", *mode),
                                      suggest(*mode, {"sequential", "random", "unique"}));
                              });
          if (!file) {
            ctx.reader.error(key_node, fmt::format("data \"{}\" has no file", name),
                             "write file: data/users.csv");
            return;
          }
        }
        auto path = ctx.reader.string(*file, "data file");
        if (!path) return;
        const std::filesystem::path p(*path);
        feeder.path = p.is_absolute() ? *path : (std::filesystem::path(ctx.base_dir) / p).string();
        if (read_feeder_file(ctx, feeder, *file)) ctx.plan.feeders.push_back(std::move(feeder));
      });
}

}  // namespace perfgate::plan::detail
