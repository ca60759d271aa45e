// Bounded reads of files that come from outside the process (plans, results, gates files, data
// files, request bodies). Every read has a byte limit: a regular file larger than the limit is
// refused from its size alone, before any byte is read; a pipe (e.g. bash's <(cmd)) or FIFO is
// read up to the limit and refused past it; devices (/dev/zero, /dev/urandom), directories and
// sockets are refused outright. Errors name the path and the limit.
//
// Thread-safety: reentrant; safe to call concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace perfgate {

// Limits per kind of input (docs/limits.md lists them; change both together).
constexpr std::int64_t kMiB = 1024 * 1024;
constexpr std::int64_t kMaxPlanFileBytes = 16 * kMiB;
constexpr std::int64_t kMaxResultsFileBytes = 512 * kMiB;
constexpr std::int64_t kMaxGatesFileBytes = 4 * kMiB;
constexpr std::int64_t kMaxDataFileBytes = 256 * kMiB;
constexpr std::int64_t kMaxBodyFileBytes = 64 * kMiB;   // `run --body @FILE`
constexpr std::int64_t kMaxOtherFileBytes = 64 * kMiB;  // read_file()'s default

// The whole content of `path`, or an Error when it cannot be read, is not a regular file or
// pipe, or holds more than `max_bytes`. `what` names the kind of file in messages
// ("plan file", "results file", ...); every message starts with "<path>: ".
// REQUIRES: max_bytes >= 0.
Result<std::string> read_file_bounded(const std::string& path, std::int64_t max_bytes,
                                      std::string_view what = "file");

// "16 MiB", "512 KiB", "100 bytes": a limit as messages print it.
std::string format_limit(std::int64_t bytes);

}  // namespace perfgate
