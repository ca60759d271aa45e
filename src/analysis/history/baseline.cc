#include "analysis/history/baseline.h"

#include <fmt/format.h>

#include <charconv>

namespace perfgate::analysis::history {
namespace {

constexpr std::string_view kPrefix = "history:";

Error bad_spec(std::string_view spec) {
  return make_error(fmt::format("'{}' is not a history baseline", spec),
                    "use history:BRANCH, history:tag:KEY=VALUE, history:run:ID or history:pinned");
}

bool is_excluded(const RunInfo& run, const Excluded& excluded) {
  auto it = run.context.find(std::string(kFingerprintKey));
  return it != run.context.end() && excluded.count(it->second) != 0;
}

// The newest run matching `filter` whose fingerprint is not excluded.
Result<std::optional<int64_t>> newest_other_run(HistoryStore& store, const RunFilter& filter,
                                                const Excluded& excluded) {
  if (excluded.empty()) return store.latest(filter);
  auto runs = store.list(filter);
  if (!runs) return runs.error();
  for (auto it = runs->rbegin(); it != runs->rend(); ++it) {
    if (!is_excluded(*it, excluded)) return std::optional<int64_t>(it->id);
  }
  return std::optional<int64_t>();
}

}  // namespace

std::string BaselineSpec::describe() const {
  switch (kind) {
    case Kind::kBranch:
      return fmt::format("newest run on branch {}", branch);
    case Kind::kTag:
      return fmt::format("newest run tagged {}={}", tag.first, tag.second);
    case Kind::kRun:
      return fmt::format("run #{}", run_id);
    case Kind::kPinned:
      return fmt::format("run pinned as '{}'", pin_name);
  }
  return {};
}

Result<BaselineSpec> parse_baseline_spec(std::string_view spec) {
  std::string_view rest = spec.starts_with(kPrefix) ? spec.substr(kPrefix.size()) : spec;
  BaselineSpec out;
  if (rest.starts_with("tag:")) {
    auto tag = parse_tag(rest.substr(4));
    if (!tag) return bad_spec(spec);
    out.kind = BaselineSpec::Kind::kTag;
    out.tag = *tag;
  } else if (rest.starts_with("run:")) {
    std::string_view digits = rest.substr(4);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.run_id);
    if (ec != std::errc() || end != digits.data() + digits.size() || out.run_id <= 0) {
      return bad_spec(spec);
    }
    out.kind = BaselineSpec::Kind::kRun;
  } else if (rest == "pinned" || rest.starts_with("pinned:")) {
    out.kind = BaselineSpec::Kind::kPinned;
    out.pin_name = rest == "pinned" ? std::string(kDefaultPinName) : std::string(rest.substr(7));
    if (out.pin_name.empty()) return bad_spec(spec);
  } else {
    out.kind = BaselineSpec::Kind::kBranch;
    out.branch = std::string(rest.starts_with("branch:") ? rest.substr(7) : rest);
    if (out.branch.empty()) return bad_spec(spec);
  }
  return out;
}

Result<int64_t> select_baseline_run(HistoryStore& store, const BaselineSpec& spec,
                                    const Excluded& excluded) {
  std::optional<int64_t> id;
  if (spec.kind == BaselineSpec::Kind::kRun) {
    auto run = store.run(spec.run_id);
    if (!run) return run.error();
    id = spec.run_id;
  } else if (spec.kind == BaselineSpec::Kind::kPinned) {
    auto pinned = store.pinned(spec.pin_name);
    if (!pinned) return pinned.error();
    id = *pinned;
  } else {
    RunFilter filter;
    if (spec.kind == BaselineSpec::Kind::kBranch) filter.branch = spec.branch;
    if (spec.kind == BaselineSpec::Kind::kTag) filter.tags[spec.tag.first] = spec.tag.second;
    auto newest = newest_other_run(store, filter, excluded);
    if (!newest) return newest.error();
    id = *newest;
  }
  if (!id) {
    return make_error(
        fmt::format("{}: no baseline: there is no {}{}", store.database().describe(),
                    spec.describe(), excluded.empty() ? "" : " other than the results compared"),
        "record runs with 'perfgate history add RESULT --branch B' (or pin one with "
        "'perfgate history baseline --pin RUN')");
  }
  if (!excluded.empty() &&
      (spec.kind == BaselineSpec::Kind::kRun || spec.kind == BaselineSpec::Kind::kPinned)) {
    auto run = store.run(*id);
    if (!run) return run.error();
    if (is_excluded(*run, excluded)) {
      const std::string which = spec.kind == BaselineSpec::Kind::kRun
                                    ? spec.describe()
                                    : fmt::format("{} (run #{})", spec.describe(), *id);
      return make_error(
          fmt::format("{} is the results being compared: a run is not its own baseline", which),
          "choose an earlier run, e.g. history:run:ID or history:BRANCH");
    }
  }
  return *id;
}

Result<MetricTable> resolve_history_baseline(std::string_view spec, const std::string& db,
                                             const Excluded& excluded) {
  auto parsed = parse_baseline_spec(spec);
  if (!parsed) return parsed.error();
  auto store = HistoryStore::open(db);
  if (!store) return store.error();
  auto id = select_baseline_run(*store, *parsed, excluded);
  if (!id) return id.error();
  return store->metrics(*id);
}

}  // namespace perfgate::analysis::history
