// Result sources: where a MetricTable comes from. A source spec is a file path, or
// "<scheme>:<rest>" for a registered resolver — e.g. "history:main", which the history module
// resolves to the baseline stored for branch main. compare and gate load every BASELINE and
// RESULT through load_source(), so a new kind of source needs only a register_source_resolver()
// call (from the module that provides it, before the command runs) and no change here.
//
// Thread-safety: register at start-up, before any load_source() call; loading is then reentrant.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "analysis/metric_table.h"
#include "core/result.h"

namespace perfgate::analysis {

// `rest` is the spec after "<scheme>:"; `format` is the --format given to the command.
using SourceResolver =
    std::function<Result<MetricTable>(std::string_view rest, std::string_view format)>;

// Registers (or replaces) the resolver for `scheme` (letters, digits, '-', '_'; two or more
// characters, so that "C:\x" stays a path).
void register_source_resolver(const std::string& scheme, SourceResolver resolver);
bool has_source_resolver(std::string_view scheme);

// A registered "<scheme>:" prefix goes to its resolver; anything else is a file for
// load_metric_table(). A path that does not exist but looks like "<scheme>:..." with an
// unregistered scheme gets an error naming the scheme.
Result<MetricTable> load_source(const std::string& spec, std::string_view format = "auto");

}  // namespace perfgate::analysis
