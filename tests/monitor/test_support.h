// Helpers shared by the monitor's process tests: what the kernel itself says about a process
// (to check the monitor's figures against), and where to find the helper programs.
//
// Thread-safety: plain functions.
#pragma once

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "child_process.h"
#include "monitor/proc_parse.h"
#include "monitor/proc_reader.h"

namespace perfgate::monitor::testing {

// VmRSS of /proc/PID/status, in bytes.
inline std::optional<double> kernel_vm_rss(pid_t pid) {
  auto text = read_small_file(fmt::format("/proc/{}/status", pid));
  if (!text) return std::nullopt;
  auto kv = parse_key_values(*text);
  if (!kv.count("VmRSS")) return std::nullopt;
  return static_cast<double>(kv.at("VmRSS"));
}

// `ps -o rss= -p PID`, in bytes (ps prints KiB).
inline std::optional<double> ps_rss(pid_t pid) {
  auto out = run_command(fmt::format("ps -o rss= -p {}", pid));
  if (out.exit_code != 0 || out.output.empty()) return std::nullopt;
  return std::atof(out.output.c_str()) * 1024;
}

inline std::string leak_helper() { return MONITOR_LEAK_HELPER; }
inline std::string burst_helper() { return MONITOR_BURST_HELPER; }

}  // namespace perfgate::monitor::testing
