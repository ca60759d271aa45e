// `perfgate kube plan.yaml --parallelism N`: writes the Kubernetes manifests that run the plan as
// N parts of an Indexed Job and merge them (kube_manifests.h, docs/distributed.md).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <filesystem>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/kube_manifests.h"
#include "core/atomic_file.h"
#include "plan/loader.h"
#include "plan/schedule.h"

namespace perfgate::cli {
namespace {

constexpr const char* kKubeHelp =
    "Write Kubernetes manifests that run a plan as N parts (an Indexed Job: pod i runs "
    "execution segment i/N:(i+1)/N) and merge the parts' results (docs/distributed.md).\n\n"
    "Examples:\n"
    "  perfgate kube plan.yaml --parallelism 10 --image registry.example/perfgate:0.1 > run.yaml\n"
    "  perfgate kube plan.yaml -p 4 --start-at 2026-12-03T10:00:00Z -o run.yaml \\\n"
    "      --run-arg=--out --run-arg=influxdb=http://influxdb:8086/perfgate\n"
    "  kubectl apply -f run.yaml";

// The plan's data files, relative to its folder (they must lie inside it).
Result<std::vector<KubeFile>> data_files(const plan::Plan& plan, const std::string& plan_path) {
  namespace fs = std::filesystem;
  const fs::path base = fs::absolute(plan_path).parent_path().lexically_normal();
  std::vector<KubeFile> files;
  for (const plan::Feeder& f : plan.feeders) {
    const fs::path rel = fs::absolute(f.path).lexically_normal().lexically_relative(base);
    if (rel.empty() || *rel.begin() == "..") {
      return make_error(fmt::format("data file {} is outside the plan's folder", f.path),
                        "keep data files beside the plan (they travel in its ConfigMap)");
    }
    auto text = read_file(f.path);
    if (!text) return text.error();
    files.push_back({rel.string(), std::move(*text)});
  }
  return files;
}

}  // namespace

int kube_main(const std::vector<std::string>& args) {
  CLI::App app(kKubeHelp, "perfgate kube");
  std::string plan_path, output;
  KubeOptions o;
  app.add_option("plan", plan_path, "plan file")->required();
  app.add_option("-p,--parallelism", o.parallelism, "parts (pods), 1 .. 10000")->required();
  app.add_option("--image", o.image, "container image with perfgate (default perfgate:latest)");
  app.add_option("--namespace", o.namespace_name, "namespace (default: default)");
  app.add_option("--name", o.name, "name of the Job and its objects (default: perfgate)");
  app.add_option("--cpu", o.cpu, "CPU per pod, requests = limits (default 2)");
  app.add_option("--memory", o.memory, "memory per pod, requests = limits (default 1Gi)");
  app.add_option("--storage", o.storage, "size of the results volume (default 1Gi)");
  app.add_option("--storage-class", o.storage_class, "storage class (must offer ReadWriteMany)");
  app.add_option("--start-at", o.start_at, "common start of all parts (UTC time)");
  app.add_option("--run-arg", o.run_args, "extra `perfgate run` argument (repeatable)");
  app.add_option("-o,--output", output, "write the manifests here (default: standard output)");
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;
  plan::LoadResult loaded = plan::load_plan_file(plan_path);
  if (!loaded.ok()) {
    for (const auto& d : loaded.diagnostics.sorted()) fmt::print(stderr, "{}\n", d.format());
    return kExitInvalidPlan;
  }
  auto files = data_files(loaded.plan, plan_path);
  auto plan_text = read_file(plan_path);
  if (!files || !plan_text) {
    fmt::print(stderr, "error: {}\n", (files ? plan_text.error() : files.error()).describe());
    return kExitRuntimeError;
  }
  auto yaml = kube_manifests(o, *plan_text, *files, plan::plan_duration(loaded.plan));
  if (!yaml) {
    fmt::print(stderr, "error: {}\n", yaml.error().describe());
    return kExitUsage;
  }
  if (output.empty()) {
    fmt::print("{}", *yaml);
    return kExitOk;
  }
  if (auto ok = write_file_atomically(output, *yaml); !ok) {
    fmt::print(stderr, "error: {}\n", ok.error().describe());
    return kExitRuntimeError;
  }
  return kExitOk;
}

}  // namespace perfgate::cli
