// Distributed-run options of `perfgate run plan.yaml`: the execution segment this process runs
// (--execution-segment, --execution-segment-sequence, k6's names and syntax), a common start
// (--start-at: an RFC 3339 UTC time or a delay such as 30s) so parts launched seconds apart begin
// together and their per-second series align on wall-clock seconds, and --instance, the name the
// part carries into its results file (`perfgate merge` keeps each part's health under it).
//
// Thread-safety: main thread only; wait_until_start may be interrupted from a signal handler
// through the atomic flag.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "plan/segment.h"

namespace CLI {
class App;
}

namespace perfgate::cli {

struct DistributedFlags {
  std::string segment;
  std::string sequence;
  std::string start_at;
  std::string instance;
};

struct Distributed {
  plan::SegmentTuple segment;
  std::optional<std::int64_t> start_unix_ns;  // --start-at, nanoseconds since the Unix epoch
  std::string instance;                       // "" when not given and not segmented
};

void add_distributed_options(CLI::App& app, DistributedFlags& flags);

// Validates the flags; `now_unix_ns` anchors a relative --start-at. Errors are usage errors.
Result<Distributed> parse_distributed(const DistributedFlags& flags, std::int64_t now_unix_ns);

// "2026-12-03T10:00:00Z" or with fractional seconds "...:00.250Z" -> nanoseconds since the epoch.
Result<std::int64_t> parse_utc_time(std::string_view text);

// Sleeps until the wall clock reaches `start_unix_ns`; false when `interrupted` became true first.
bool wait_until_start(std::int64_t start_unix_ns, const std::atomic<bool>& interrupted);

std::int64_t unix_now_ns();

}  // namespace perfgate::cli
