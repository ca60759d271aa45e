// Atomic file writes: content goes to "<path>.tmp.<pid>" in the same directory, is fsync'ed,
// then renamed over <path>, so a reader (or a crash) sees the old file or the new one, never half.
//
// Thread-safety: safe to call concurrently for different paths.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace perfgate {

Result<void> write_file_atomically(const std::string& path, std::string_view content);

// Checks up front that `path` can be written (its directory exists and is writable), so that a
// run can refuse bad output paths before sending any traffic.
Result<void> check_writable(const std::string& path);

// The content of `path`, bounded: read_file_bounded(path, kMaxOtherFileBytes) (core/read_file.h).
// Readers of a known kind of input call read_file_bounded with that kind's limit.
Result<std::string> read_file(const std::string& path);

}  // namespace perfgate
