#include "monitor/host_cpu.h"

#include <cstdlib>
#include <string_view>

#include "monitor/proc_reader.h"

namespace perfgate::monitor {
namespace {

std::optional<uint64_t> parse_unsigned(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

// "usage_usec N" in a cpu.stat file.
std::optional<uint64_t> usage_usec(const std::string& cpu_stat) {
  const size_t at = cpu_stat.find("usage_usec ");
  if (at != 0 && (at == std::string::npos || cpu_stat[at - 1] != '\n')) return std::nullopt;
  const size_t start = at + 11;
  return parse_unsigned(
      std::string_view(cpu_stat).substr(start, cpu_stat.find('\n', start) - start));
}

}  // namespace

std::optional<HostCpuReading> read_host_cpu(const std::string& cgroup_root) {
  for (const char* dir : {"/cpuacct/", "/cpu,cpuacct/", "/cpuacct,cpu/"}) {
    if (auto text = read_small_file(cgroup_root + dir + "cpuacct.usage")) {
      if (auto ns = parse_unsigned(*text)) return HostCpuReading{*ns, kCpuSourceCgroupV1};
    }
  }
  for (const char* dir : {"/", "/unified/"}) {
    if (auto text = read_small_file(cgroup_root + dir + "cpu.stat")) {
      if (auto us = usage_usec(*text)) return HostCpuReading{*us * 1000, kCpuSourceCgroupV2};
    }
  }
  return std::nullopt;
}

}  // namespace perfgate::monitor
