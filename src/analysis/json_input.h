// JSON reading for the importers: tolerant of the bare NaN / Infinity / -Infinity tokens that
// Google Benchmark writes (they become null), with parse errors reported as file:line:col.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.h"

namespace perfgate::analysis {

// Parses `text` as JSON. Non-finite number tokens outside strings are read as null (importers
// then skip or reject the value). Errors read "<source>:<line>:<col>: malformed JSON: ...".
Result<nlohmann::json> parse_json(std::string_view text, const std::string& source);

// A finite number at `j[key]`, or nullptr when it is absent, null or not a number.
const nlohmann::json* number_at(const nlohmann::json& j, std::string_view key);

}  // namespace perfgate::analysis
