#include "analysis/history_source.h"

#include <cstdlib>

#include "analysis/history/baseline.h"
#include "analysis/source_resolver.h"

namespace perfgate::analysis {

void register_history_source(const std::string& given_db,
                             std::set<std::string, std::less<>> excluded) {
  const char* env = std::getenv("PERFGATE_HISTORY_DB");
  const std::string db = !given_db.empty() || env == nullptr ? given_db : std::string(env);
  register_source_resolver(
      "history", [db, excluded = std::move(excluded)](std::string_view rest, std::string_view) {
        return history::resolve_history_baseline(rest, db, excluded);
      });
}

}  // namespace perfgate::analysis
