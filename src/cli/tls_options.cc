#include "cli/tls_options.h"

#include <fmt/format.h>

#include <algorithm>

namespace perfgate::cli {
namespace {

Result<void> apply_versions(std::string_view text, net::TlsClientOptions& options) {
  const size_t colon = text.find(':');
  auto min = net::parse_tls_version(text.substr(0, colon));
  if (!min) return min.error();
  auto max =
      net::parse_tls_version(colon == std::string_view::npos ? text : text.substr(colon + 1));
  if (!max) return max.error();
  if (*max < *min)
    return make_error(fmt::format("--tls-version {}: the maximum is below the minimum", text));
  options.min_version = *min;
  options.max_version = *max;
  return {};
}

}  // namespace

void add_tls_flags(CLI::App& app, TlsFlags& flags) {
  app.add_flag("--insecure-skip-tls-verify", flags.insecure_skip_verify,
               "https: do not verify the server's certificate (k6's option)");
  app.add_option("--cacert", flags.cacert,
                 "https: trust the CA certificates in this PEM file instead of the system's");
  app.add_option("--tls-version", flags.tls_version,
                 "https: tls1.2, tls1.3, or MIN:MAX such as tls1.2:tls1.3 (default tls1.2:tls1.3)");
  app.add_option("--cert", flags.cert, "https: client certificate (PEM) to present");
  app.add_option("--key", flags.key, "https: the client certificate's private key (PEM)");
}

Result<std::shared_ptr<const net::TlsClientContext>> make_tls_context(
    const TlsFlags& flags, const engine::PlanIndex& index, const plan::Plan* plan) {
  const bool any_tls = std::any_of(index.hosts.begin(), index.hosts.end(),
                                   [](const auto& h) { return h.first.rfind("https://", 0) == 0; });
  if (!any_tls) return std::shared_ptr<const net::TlsClientContext>();
  net::TlsClientOptions options;
  if (plan != nullptr) {
    const plan::Options& p = plan->options;
    options.verify = !p.insecure_skip_tls_verify;
    if (!p.tls_version_min.empty()) {
      auto v = net::parse_tls_version(p.tls_version_min);
      if (!v) return v.error();
      options.min_version = *v;
    }
    if (!p.tls_version_max.empty()) {
      auto v = net::parse_tls_version(p.tls_version_max);
      if (!v) return v.error();
      options.max_version = *v;
    }
    options.cipher_suites = p.tls_cipher_suites;
    for (const plan::TlsAuth& auth : p.tls_auth) {
      options.client_certs.push_back({auth.domains, auth.cert, auth.key});
    }
  }
  if (flags.insecure_skip_verify) options.verify = false;
  options.ca_file = flags.cacert;
  if (!flags.tls_version.empty()) {
    if (auto ok = apply_versions(flags.tls_version, options); !ok) return ok.error();
  }
  if (flags.cert.empty() != flags.key.empty()) {
    return make_error("--cert and --key go together");
  }
  if (!flags.cert.empty()) options.client_certs.push_back({{}, flags.cert, flags.key});
  return net::TlsClientContext::create(options);
}

}  // namespace perfgate::cli
