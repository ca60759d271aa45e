#include "monitor/proc_parse.h"

#include <charconv>

namespace perfgate::monitor {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

template <typename T>
std::optional<T> to_number(std::string_view s) {
  T value{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

// Calls f(line) for each line of text.
template <typename F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    size_t end = text.find('\n');
    f(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

// Spaces, tabs and line ends: v1's cpu.cfs_quota_us and cpu.cfs_period_us are read as two files,
// each ending in a newline, and joined.
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_blank(line[i])) ++i;
    size_t start = i;
    while (i < line.size() && !is_blank(line[i])) ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  const size_t open = text.find('(');
  const size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  ProcStat stat;
  stat.comm = std::string(text.substr(open + 1, close - open - 1));
  // Words after the command start at field 3 (state); utime is field 14.
  auto words = split_words(trim(text.substr(close + 1)));
  if (words.size() < 20) return std::nullopt;
  auto field = [&](int number) { return to_number<uint64_t>(words[number - 3]); };
  auto utime = field(14), stime = field(15), threads = field(20), start = field(22);
  if (!utime || !stime || !threads || !start) return std::nullopt;
  stat.state = words[0].empty() ? '?' : words[0][0];
  stat.utime_ticks = *utime;
  stat.stime_ticks = *stime;
  stat.num_threads = static_cast<int64_t>(*threads);
  stat.start_ticks = *start;
  return stat;
}

std::map<std::string, uint64_t, std::less<>> parse_key_values(std::string_view text) {
  std::map<std::string, uint64_t, std::less<>> out;
  for_each_line(text, [&](std::string_view line) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    auto words = split_words(line.substr(colon + 1));
    if (words.empty()) return;
    auto value = to_number<uint64_t>(words[0]);
    if (!value) return;
    const bool kb = words.size() > 1 && words[1] == "kB";
    out.emplace(std::string(trim(line.substr(0, colon))), kb ? *value * 1024 : *value);
  });
  return out;
}

std::string status_field(std::string_view text, std::string_view key) {
  std::string found;
  for_each_line(text, [&](std::string_view line) {
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos && line.substr(0, colon) == key) {
      found = std::string(trim(line.substr(colon + 1)));
    }
  });
  return found;
}

int count_cpu_list(std::string_view list) {
  int count = 0;
  list = trim(list);
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view range = list.substr(0, comma);
    const size_t dash = range.find('-');
    auto first = to_number<int>(range.substr(0, dash));
    auto last = dash == std::string_view::npos ? first : to_number<int>(range.substr(dash + 1));
    if (!first || !last || *last < *first) return 0;
    count += *last - *first + 1;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return count;
}

std::optional<NetDevTotals> parse_net_dev(std::string_view text) {
  NetDevTotals totals;
  bool any = false;
  for_each_line(text, [&](std::string_view line) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;  // the two header lines have no ':'
    auto words = split_words(line.substr(colon + 1));
    if (words.size() < 9) return;
    auto rx = to_number<uint64_t>(words[0]);
    auto tx = to_number<uint64_t>(words[8]);
    if (!rx || !tx) return;
    totals.rx_bytes += *rx;
    totals.tx_bytes += *tx;
    any = true;
  });
  if (!any) return std::nullopt;
  return totals;
}

std::vector<CpuTimes> parse_host_cpu(std::string_view text) {
  std::vector<CpuTimes> cpus;
  for_each_line(text, [&](std::string_view line) {
    if (line.substr(0, 3) != "cpu") return;
    auto words = split_words(line);
    if (words.size() < 5) return;
    uint64_t fields[8] = {};
    for (size_t i = 1; i < words.size() && i <= 8; ++i) {
      fields[i - 1] = to_number<uint64_t>(words[i]).value_or(0);
    }
    // user nice system idle iowait irq softirq steal
    const uint64_t idle = fields[3] + fields[4];
    CpuTimes t;
    t.busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7];
    t.total = t.busy + idle;
    cpus.push_back(t);
  });
  return cpus;
}

std::map<std::string, int64_t, std::less<>> parse_snmp_table(std::string_view text) {
  std::map<std::string, int64_t, std::less<>> out;
  std::vector<std::string_view> header;
  std::string_view header_prefix;
  for_each_line(text, [&](std::string_view line) {
    auto words = split_words(line);
    if (words.empty()) return;
    std::string_view prefix = words[0];
    if (!header.empty() && prefix == header_prefix) {
      for (size_t i = 1; i < words.size() && i < header.size(); ++i) {
        if (auto v = to_number<int64_t>(words[i])) {
          out[std::string(prefix.substr(0, prefix.size() - 1)) + "." + std::string(header[i])] = *v;
        }
      }
      header.clear();
      return;
    }
    header = words;
    header_prefix = prefix;
  });
  return out;
}

std::optional<LoadAverage> parse_loadavg(std::string_view text) {
  auto words = split_words(trim(text));
  if (words.size() < 3) return std::nullopt;
  LoadAverage load;
  // from_chars for double is available in GCC 12.
  auto one = to_number<double>(words[0]), five = to_number<double>(words[1]),
       fifteen = to_number<double>(words[2]);
  if (!one || !five || !fifteen) return std::nullopt;
  load.one = *one;
  load.five = *five;
  load.fifteen = *fifteen;
  return load;
}

std::optional<uint64_t> parse_pressure_some_total_us(std::string_view text) {
  std::optional<uint64_t> total;
  for_each_line(text, [&](std::string_view line) {
    auto words = split_words(line);
    if (words.empty() || words[0] != "some") return;
    for (auto w : words) {
      if (w.substr(0, 6) == "total=") total = to_number<uint64_t>(w.substr(6));
    }
  });
  return total;
}

std::map<std::string, uint64_t, std::less<>> parse_flat_keyed(std::string_view text) {
  std::map<std::string, uint64_t, std::less<>> out;
  for_each_line(text, [&](std::string_view line) {
    auto words = split_words(line);
    if (words.size() != 2) return;
    if (auto v = to_number<uint64_t>(words[1])) out.emplace(std::string(words[0]), *v);
  });
  return out;
}

std::optional<uint64_t> parse_single_number(std::string_view text) {
  return to_number<uint64_t>(trim(text));
}

std::optional<double> parse_cpu_max(std::string_view text) {
  auto words = split_words(trim(text));
  if (words.size() != 2) return std::nullopt;
  auto quota = to_number<uint64_t>(words[0]);
  auto period = to_number<uint64_t>(words[1]);
  if (!quota || !period || *period == 0) return std::nullopt;
  return static_cast<double>(*quota) / static_cast<double>(*period);
}

}  // namespace perfgate::monitor
