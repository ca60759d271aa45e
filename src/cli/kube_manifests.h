// `perfgate kube`: the Kubernetes manifests that run one plan as N parts and merge them —
// a ConfigMap (the plan and its data files), a PersistentVolumeClaim for the parts' results,
// and an Indexed Job (completionMode: Indexed, parallelism = completions = N) whose pod with
// index i runs execution segment i/N:(i+1)/N of the sequence 0,1/N,...,1 and writes
// part-i.json; the pod with index 0 then waits for every part's file (bounded) and runs
// `perfgate merge --expect N`. docs/distributed.md describes the result and the kubectl steps.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace perfgate::cli {

struct KubeOptions {
  int parallelism = 1;
  std::string name = "perfgate";  // object names and the results folder (DNS-1123 label)
  std::string image = "perfgate:latest";
  std::string namespace_name = "default";
  std::string cpu = "2";  // requests = limits (Guaranteed QoS): steady generator timing
  std::string memory = "1Gi";
  std::string storage = "1Gi";        // the results volume
  std::string storage_class;          // "" = the cluster's default (it must offer ReadWriteMany)
  std::string start_at;               // passed to every part's --start-at ("" = start at once)
  std::vector<std::string> run_args;  // extra `perfgate run` arguments (e.g. --out influxdb=...)
};

// A file the plan reads, placed beside it in the pod (relative path under the plan's folder).
struct KubeFile {
  std::string relative_path;  // e.g. "data/users.csv"
  std::string content;
};

// The segment of pod `index` among `parts`: "i/N:(i+1)/N"; and the sequence "0,1/N,...,1".
std::string kube_segment(int index, int parts);
std::string kube_sequence(int parts);

// The POSIX shell script each pod runs (JOB_COMPLETION_INDEX picks the segment). Overridable
// for a dry run: $PERFGATE (the binary), $RESULTS (the results folder), $MERGE_TIMEOUT (s).
std::string kube_pod_script(const KubeOptions& options, Nanos plan_duration);

// All manifests as one multi-document YAML text. Errors: a bad name or option, or a plan and
// data files over a ConfigMap's 1 MiB.
Result<std::string> kube_manifests(const KubeOptions& options, const std::string& plan_text,
                                   const std::vector<KubeFile>& files, Nanos plan_duration);

}  // namespace perfgate::cli
