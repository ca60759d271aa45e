// The TLS settings of `perfgate run`: command-line flags (k6's names where k6 has them) and the
// plan's options, turned into the one TlsClientContext a run's https:// connections share.
//
// Thread-safety: used on the main thread before a run.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "core/result.h"
#include "engine/plan_index.h"
#include "net/tls_transport.h"
#include "plan/plan.h"

namespace perfgate::cli {

struct TlsFlags {
  bool insecure_skip_verify = false;  // --insecure-skip-tls-verify (k6)
  std::string cacert;                 // --cacert FILE
  std::string tls_version;            // --tls-version tls1.2|tls1.3 (min and max alike) or
                                      // MIN:MAX, e.g. tls1.2:tls1.3
  std::string cert, key;              // --cert/--key: a client certificate for every server
};

void add_tls_flags(CLI::App& app, TlsFlags& flags);

// The context for a run whose hosts are `index.hosts`; null when no host is https (no TLS
// setup at all). `plan` adds its options (insecureSkipTLSVerify, tlsAuth, tlsVersion,
// tlsCipherSuites); flags win over the plan.
Result<std::shared_ptr<const net::TlsClientContext>> make_tls_context(
    const TlsFlags& flags, const engine::PlanIndex& index, const plan::Plan* plan);

}  // namespace perfgate::cli
