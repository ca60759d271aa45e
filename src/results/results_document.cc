#include "results/results_document.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string_view>
#include <utility>

#include "core/clock.h"

namespace perfgate::results {

std::string CheckOutcome::where() const {
  if (group.empty()) return step;
  return step.empty() ? group : group + " › " + step;
}

std::string CheckOutcome::label() const {
  const std::string at = where();
  return at.empty() ? name : at + " › " + name;
}

namespace {

// k6's order of statistics; p(N) sort after max by N.
double stat_rank(const std::string& stat) {
  static const std::array<std::string_view, 9> kOrder = {
      "count", "rate", "value", "passes", "fails", "avg", "min", "med", "max"};
  for (size_t i = 0; i < kOrder.size(); ++i) {
    if (stat == kOrder[i]) return static_cast<double>(i);
  }
  if (stat.starts_with("p(") && stat.ends_with(")")) {
    return static_cast<double>(kOrder.size()) + std::atof(stat.c_str() + 2) / 1000.0;
  }
  return 1e9;
}

}  // namespace

void sort_stats(std::vector<std::pair<std::string, double>>& stats) {
  std::stable_sort(stats.begin(), stats.end(), [](const auto& a, const auto& b) {
    const double ra = stat_rank(a.first), rb = stat_rank(b.first);
    return ra != rb ? ra < rb : (ra == 1e9 && a.first < b.first);
  });
}
namespace {

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return trim(line.substr(colon + 1));
    }
  }
  return {};
}

// `git rev-parse HEAD` in the current directory: the commit the tested code was built from when
// perfgate runs inside the project's checkout (the usual CI set-up). Empty outside a work tree.
std::string git_commit() {
  FILE* pipe = ::popen("git rev-parse HEAD 2>/dev/null", "r");
  if (pipe == nullptr) return {};
  std::array<char, 128> buffer{};
  std::string out;
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) out += buffer.data();
  const int status = ::pclose(pipe);
  out = trim(out);
  if (status != 0 || out.size() != 40) return {};
  return out;
}

}  // namespace

bool ResultsDocument::passed() const {
  for (const ThresholdOutcome& t : thresholds) {
    if (!t.passed) return false;
  }
  return true;
}

RunEnvironment collect_environment() {
  RunEnvironment env;
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) == 0) env.host = host.data();
  env.cpu = cpu_model();
  env.cores = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  utsname names{};
  if (::uname(&names) == 0) env.os = std::string(names.sysname) + " " + names.release;
  env.git_commit = git_commit();
  env.end_unix_nanos = wall_clock_unix_nanos();
  return env;
}

ResultsDocument make_document(RunResult run) {
  ResultsDocument doc;
  doc.run = std::move(run);
  doc.environment = collect_environment();
  for (const EncodedInterval& i : doc.run.duration_intervals) {
    doc.intervals.push_back(
        {i.start_seconds, i.length_seconds, "http_req_duration", i.max_us, i.histogram});
  }
  return doc;
}

}  // namespace perfgate::results
