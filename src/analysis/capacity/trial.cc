#include "analysis/capacity/trial.h"

#include <fmt/format.h>

namespace perfgate::analysis::capacity {

std::string describe_resources(const TrialResources& r) {
  if (!r.watched) return "";
  if (!r.limit.empty()) return fmt::format("{} {}", r.target, r.limit_detail);
  return fmt::format(
      "{} had resources left: CPU {:.0f}% of {:.3g} usable core(s), RSS up to {:.1f} MB — the "
      "limit is elsewhere (locks, a pool, a downstream service)",
      r.target, r.cpu_percent, r.cpu_cores_usable, r.rss_bytes_max / 1e6);
}

}  // namespace perfgate::analysis::capacity
