#include "cli/run_verdict.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "cli/exit_codes.h"

namespace perfgate::cli {
namespace {

// "connect_refused: 1200, reset: 3": the failure classes seen, commonest first (at most 3).
std::string failure_classes(const results::MetricSet& totals) {
  std::vector<std::pair<int64_t, std::string_view>> seen;
  for (size_t i = 0; i < results::kErrorClassCount; ++i) {
    if (totals.errors[i] > 0) seen.emplace_back(totals.errors[i], results::kErrorClassNames[i]);
  }
  std::sort(seen.begin(), seen.end(), [](const auto& a, const auto& b) { return a > b; });
  std::string out;
  for (size_t i = 0; i < seen.size() && i < 3; ++i) {
    out += fmt::format("{}{}: {}", out.empty() ? "" : ", ", seen[i].second, seen[i].first);
  }
  return out;
}

}  // namespace

std::optional<std::string> no_success_warning(const results::RunResult& run) {
  const results::MetricSet& t = run.totals;
  if (t.http_reqs > 0 && t.failed_requests < t.http_reqs) return std::nullopt;
  if (t.http_reqs == 0) {
    return std::string(
        "NO REQUEST COMPLETED: the run ended before any request got a response or an error.\n"
        "Nothing about the service was measured.");
  }
  const std::string classes = failure_classes(t);
  return fmt::format(
      "NO REQUEST SUCCEEDED: all {} requests failed{}.\n"
      "The numbers above describe failures, not the service: is the target up and reachable?",
      t.http_reqs, classes.empty() ? "" : fmt::format(" ({})", classes));
}

int final_exit_code(const results::RunResult& run, int code) {
  const auto warning = no_success_warning(run);
  if (!warning) return code;
  fmt::print("\n");
  size_t start = 0;
  while (start < warning->size()) {
    const size_t end = std::min(warning->find('\n', start), warning->size());
    fmt::print("  !!! {}\n", warning->substr(start, end - start));
    start = end + 1;
  }
  if (code != kExitOk) return code;
  fmt::print("  !!! exit code {}: no request succeeded (see README, \"Exit codes\")\n",
             static_cast<int>(kExitNoRequestSucceeded));
  return kExitNoRequestSucceeded;
}

}  // namespace perfgate::cli
