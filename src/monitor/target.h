// Target: what the monitor watches, parsed from the spec people write on the command line:
//   pid:1234              one process (reported when it exits; the run goes on)
//   cmd:nginx             every process with that command name, re-scanned at each sample
//   cgroup:/sys/fs/cgroup/app   the processes of a cgroup plus its memory/CPU/pressure files
//   self                  the perfgate process itself (generator health)
//
// Thread-safety: plain value type.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/result.h"

namespace perfgate::monitor {

struct Target {
  enum class Kind { kPid, kCommand, kCgroup, kSelf };
  Kind kind = Kind::kSelf;
  pid_t pid = 0;      // kPid
  std::string value;  // kCommand: the name; kCgroup: the directory
  std::string spec;   // the text it was parsed from

  static Target self();
  static Target process(pid_t pid);
};

// Parses a spec; errors say which forms are accepted.
Result<Target> parse_target(std::string_view spec);

// Checks that a pid or cgroup target exists now (under `proc_root` for pids), so that a
// command can reject a mistyped target before any traffic; cmd: and self always pass (a
// command's processes may start later).
Result<void> check_target_exists(const Target& target, const std::string& proc_root = "/proc");

}  // namespace perfgate::monitor
