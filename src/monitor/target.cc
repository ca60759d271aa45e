#include "monitor/target.h"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>

namespace perfgate::monitor {

Target Target::self() { return Target{Kind::kSelf, 0, "", "self"}; }

Target Target::process(pid_t pid) {
  return Target{Kind::kPid, pid, "", fmt::format("pid:{}", pid)};
}

Result<Target> parse_target(std::string_view spec) {
  const auto bad = [&](std::string why) {
    return make_error(fmt::format("invalid monitor target \"{}\": {}", spec, why),
                      "use pid:1234, cmd:nginx, cgroup:/sys/fs/cgroup/<group> or self");
  };
  if (spec == "self") return Target::self();
  const size_t colon = spec.find(':');
  if (colon == std::string_view::npos) return bad("missing kind");
  const std::string_view kind = spec.substr(0, colon);
  const std::string_view value = spec.substr(colon + 1);
  if (value.empty()) return bad("empty value");
  if (kind == "pid") {
    int pid = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), pid);
    if (ec != std::errc() || ptr != value.data() + value.size() || pid <= 0) {
      return bad("not a positive process id");
    }
    return Target::process(pid);
  }
  if (kind == "cmd")
    return Target{Target::Kind::kCommand, 0, std::string(value), std::string(spec)};
  if (kind == "cgroup") {
    if (value.front() != '/') return bad("the cgroup must be an absolute directory");
    return Target{Target::Kind::kCgroup, 0, std::string(value), std::string(spec)};
  }
  return bad(fmt::format("unknown kind \"{}\"", kind));
}

Result<void> check_target_exists(const Target& target, const std::string& proc_root) {
  if (target.kind == Target::Kind::kPid &&
      !std::filesystem::exists(fmt::format("{}/{}", proc_root, target.pid))) {
    return make_error(fmt::format("process {} does not exist", target.pid),
                      "check the pid with ps, or use cmd:<name> to follow processes by name");
  }
  if (target.kind == Target::Kind::kCgroup &&
      !std::filesystem::exists(target.value + "/cgroup.procs")) {
    return make_error(fmt::format("{} is not a cgroup directory", target.value),
                      "give the directory under /sys/fs/cgroup that holds cgroup.procs");
  }
  return {};
}

}  // namespace perfgate::monitor
