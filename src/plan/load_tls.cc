// options.insecureSkipTLSVerify, tlsVersion, tlsCipherSuites and tlsAuth, in k6's shapes:
//   tlsVersion: tls1.2                    (min and max alike)
//   tlsVersion: {min: tls1.2, max: tls1.3}
//   tlsCipherSuites: [TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
//   tlsAuth: [{domains: [example.com], cert: client.pem, key: client-key.pem}]
// (k6 takes certificate contents; a plan names PEM files, relative to the plan's directory).
#include <filesystem>

#include "plan/loader_internal.h"

namespace perfgate::plan::detail {
namespace {

constexpr std::string_view kVersionHint = "use tls1.0, tls1.1, tls1.2 or tls1.3";

bool known_version(const std::string& v) {
  return v == "tls1.0" || v == "tls1.1" || v == "tls1.2" || v == "tls1.3";
}

std::optional<std::string> version(LoadContext& ctx, const YAML::Node& node, std::string what) {
  auto text = ctx.reader.string(node, what);
  if (!text) return std::nullopt;
  if (!known_version(*text)) {
    ctx.reader.error(node, "unknown TLS version \"" + *text + "\" in " + what,
                     std::string(kVersionHint));
    return std::nullopt;
  }
  return text;
}

void load_tls_version(LoadContext& ctx, const YAML::Node& node) {
  Options& o = ctx.plan.options;
  if (node.IsScalar()) {
    if (auto v = version(ctx, node, "options.tlsVersion"))
      o.tls_version_min = o.tls_version_max = *v;
    return;
  }
  ctx.reader.for_each(node, "options.tlsVersion", {"min", "max"},
                      [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
                        auto v = version(ctx, value, "options.tlsVersion." + key);
                        if (v) (key == "min" ? o.tls_version_min : o.tls_version_max) = *v;
                      });
}

std::string resolve_path(const LoadContext& ctx, const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  return (std::filesystem::path(ctx.base_dir) / path).string();
}

void load_tls_auth_entry(LoadContext& ctx, const YAML::Node& item) {
  TlsAuth auth;
  ctx.reader.for_each(item, "options.tlsAuth entry", {"domains", "cert", "key"},
                      [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
                        if (key == "domains") {
                          if (!ctx.reader.expect_sequence(value, "options.tlsAuth domains")) return;
                          for (const YAML::Node& d : value) {
                            if (auto name = ctx.reader.string(d, "a tlsAuth domain"))
                              auth.domains.push_back(*name);
                          }
                          return;
                        }
                        auto path = ctx.reader.string(value, "options.tlsAuth " + key);
                        if (!path) return;
                        const std::string resolved = resolve_path(ctx, *path);
                        std::error_code ec;
                        if (!std::filesystem::is_regular_file(resolved, ec)) {
                          ctx.reader.error(
                              value, "no such file: " + resolved,
                              "tlsAuth cert and key name PEM files, relative to the plan");
                          return;
                        }
                        (key == "cert" ? auth.cert : auth.key) = resolved;
                      });
  if (auth.cert.empty() || auth.key.empty()) {
    ctx.reader.error(item, "a tlsAuth entry needs both cert and key");
    return;
  }
  ctx.plan.options.tls_auth.push_back(std::move(auth));
}

}  // namespace

bool load_tls_option(LoadContext& ctx, const std::string& key, const YAML::Node& value) {
  Options& o = ctx.plan.options;
  if (key == "insecureSkipTLSVerify") {
    o.insecure_skip_tls_verify =
        ctx.reader.boolean(value, "options.insecureSkipTLSVerify").value_or(false);
  } else if (key == "tlsVersion") {
    load_tls_version(ctx, value);
  } else if (key == "tlsCipherSuites") {
    if (!ctx.reader.expect_sequence(value, "options.tlsCipherSuites")) return true;
    for (const YAML::Node& item : value) {
      if (auto name = ctx.reader.string(item, "a TLS cipher suite")) {
        o.tls_cipher_suites.push_back(*name);
      }
    }
  } else if (key == "tlsAuth") {
    if (!ctx.reader.expect_sequence(value, "options.tlsAuth")) return true;
    for (const YAML::Node& item : value) load_tls_auth_entry(ctx, item);
  } else {
    return false;
  }
  return true;
}

}  // namespace perfgate::plan::detail
