// Console text for the monitor: a compact live line per sample and the summary block printed
// at the end of `perfgate monitor` and under the load-test summary of `perfgate run`.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "monitor/monitor_report.h"

namespace perfgate::monitor {

// One line (no newline) describing the latest sample of every target and of the host, e.g.
// "  12s  pid 4321 (nginx) cpu 45% rss 120.3 MB thr 4 fds 52 | host cpu 30% avail 1.2 GB".
std::string format_live_line(const MonitorReport& report);

// The multi-line summary: per target CPU/RSS/threads/fds and the leak verdict, the host, events
// and findings with their recommendations. Ends with a newline.
std::string format_console_block(const MonitorReport& report);

}  // namespace perfgate::monitor
