#include "plan/runtime.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>

#include "plan/json_lookup.h"

namespace perfgate::plan {
namespace {

double unit_uniform(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) / 9007199254740992.0;  // [0, 1)
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string scalar_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

Nanos sample_think(const Think& think, std::mt19937_64& rng) {
  switch (think.kind) {
    case ThinkKind::kFixed:
      return think.a;
    case ThinkKind::kUniform:
      return think.a +
             static_cast<Nanos>(unit_uniform(rng) * static_cast<double>(think.b - think.a));
    case ThinkKind::kNormal: {
      // Box-Muller; u1 in (0, 1] keeps the logarithm finite.
      const double u1 = 1.0 - unit_uniform(rng), u2 = unit_uniform(rng);
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * M_PI * u2);
      return std::max<Nanos>(0, think.a + static_cast<Nanos>(z * static_cast<double>(think.b)));
    }
    case ThinkKind::kExponential:
      return static_cast<Nanos>(-std::log(1.0 - unit_uniform(rng)) * static_cast<double>(think.a));
  }
  return 0;
}

size_t pick_flow(std::span<const FlowChoice> choices, std::mt19937_64& rng) {
  double total = 0;
  for (const FlowChoice& c : choices) total += c.weight;
  double point = unit_uniform(rng) * total;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (point < choices[i].weight) return i;
    point -= choices[i].weight;
  }
  return choices.size() - 1;
}

size_t pick_row(const Feeder& feeder, std::int64_t vu, std::uint64_t sequence,
                std::mt19937_64& rng) {
  const size_t rows = feeder.rows.size();
  switch (feeder.mode) {
    case FeederMode::kSequential:
      return sequence % rows;
    case FeederMode::kRandom:
      return rng() % rows;
    case FeederMode::kUniquePerVu:
      return static_cast<size_t>(std::max<std::int64_t>(vu - 1, 0)) % rows;
  }
  return 0;
}

ResponseInspector::ResponseInspector(const ResponseView& response) : response_(response) {}

std::optional<std::string_view> ResponseInspector::header(std::string_view name) const {
  for (const auto& [key, value] : response_.headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

bool ResponseInspector::passes(const Check& check) {
  if (!passes_one(check)) return false;
  return std::all_of(check.also.begin(), check.also.end(),
                     [this](const Check& more) { return passes_one(more); });
}

bool ResponseInspector::passes_one(const Check& check) {
  switch (check.kind) {
    case CheckKind::kStatusIn:
      return std::find(check.statuses.begin(), check.statuses.end(), response_.status) !=
             check.statuses.end();
    case CheckKind::kHeaderMatches: {
      auto value = header(check.subject);
      return value && check.regex && check.regex->search(*value);
    }
    case CheckKind::kBodyContains:
      return response_.body.find(check.subject) != std::string_view::npos;
    case CheckKind::kBodyMatches:
      return check.regex && check.regex->search(response_.body);
    case CheckKind::kJsonExists:
      return json_lookup(response_.body, check.subject).has_value();
    case CheckKind::kJsonEquals: {
      auto value = json_lookup(response_.body, check.subject);
      return value && *value == nlohmann::json::parse(check.expected, nullptr, false);
    }
    case CheckKind::kDurationBelow:
      return response_.duration < check.below;
    case CheckKind::kGrpcStatusIn:
      return std::find(check.statuses.begin(), check.statuses.end(), response_.grpc_status) !=
             check.statuses.end();
  }
  return false;
}

std::optional<std::string> ResponseInspector::extract(const Extract& e) {
  switch (e.source) {
    case ExtractSource::kJson: {
      auto value = json_lookup(response_.body, e.expression);
      if (!value) return std::nullopt;
      return scalar_text(*value);
    }
    case ExtractSource::kHeader: {
      auto value = header(e.expression);
      if (!value) return std::nullopt;
      return std::string(*value);
    }
    case ExtractSource::kRegex: {
      if (!e.regex) return std::nullopt;
      auto match = e.regex->extract(response_.body);
      if (!match) return std::nullopt;
      return std::string(*match);
    }
    case ExtractSource::kCookie:
      for (const auto& [key, value] : response_.headers) {
        if (!iequals(key, "Set-Cookie")) continue;
        const std::string_view pair = value.substr(0, value.find(';'));
        const size_t eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == e.expression) {
          return std::string(pair.substr(eq + 1));
        }
      }
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace perfgate::plan
