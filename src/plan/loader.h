// Plan loading: a YAML (or JSON) plan file → a validated Plan, or every mistake found, each
// with file:line:col, what was expected and a hint. Nothing here sends traffic; `plan --check`
// and `run` both call it before anything starts.
//
// Thread-safety: reentrant; each call owns its state. The default EnvLookup reads the process
// environment (getenv), which is safe as long as nobody calls setenv concurrently.
#pragma once

#include <string>
#include <string_view>

#include "plan/diagnostics.h"
#include "plan/plan.h"
#include "plan/yaml_reader.h"

namespace perfgate::plan {

// How gRPC steps with `reflect: true` reach a grpcs:// server when the plan loads (the run's
// --cacert and --insecure-skip-tls-verify; options.insecureSkipTLSVerify counts too).
struct ReflectionTls {
  std::string ca_file;
  bool insecure = false;
};

struct LoadOptions {
  std::string display_name = "plan.yaml";  // the file name used in diagnostics
  std::string base_dir = ".";              // data files are resolved against it
  EnvLookup env;                           // defaults to the process environment
  ReflectionTls reflection;
};

struct LoadResult {
  Plan plan;
  Diagnostics diagnostics;
  bool ok() const { return diagnostics.ok(); }
};

// The process environment as an EnvLookup.
EnvLookup process_env();

LoadResult load_plan_text(std::string_view text, const LoadOptions& options);
// A server-streaming gRPC step counts k6's grpc_streams, grpc_streams_msgs_sent and
// grpc_streams_msgs_received: declares them in plan.metrics (once) and points `req` at them.
// Does nothing for other steps. (load_grpc.cc; the grpc:// one-liner calls it too.)
void declare_grpc_stream_metrics(Plan& plan, RequestStep& req);
// Reads `path`; diagnostics name the file as given and data files resolve next to it.
// gRPC steps with `reflect: true` ask their server for its types here (load_grpc.cc): the only
// network traffic of loading, before any of the run's.
LoadResult load_plan_file(const std::string& path, EnvLookup env = process_env(),
                          const ReflectionTls& reflection = {});

}  // namespace perfgate::plan
