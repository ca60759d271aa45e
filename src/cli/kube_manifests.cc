// Kubernetes manifests for a distributed run; see kube_manifests.h.
#include "cli/kube_manifests.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace perfgate::cli {
namespace {

using nlohmann::json;

constexpr size_t kConfigMapLimit = 1000 * 1000;  // the API server refuses objects over 1 MiB
constexpr int kMaxParallelism = 10000;
constexpr int kMergePollSeconds = 5;

bool dns_label(const std::string& s) {
  if (s.empty() || s.size() > 50) return false;  // room for the "-results" suffix
  if (!std::isalnum(static_cast<unsigned char>(s.front())) || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// A ConfigMap key for a relative path: [-._a-zA-Z0-9]+, unique per path.
std::string config_key(size_t index, const std::string& path) {
  std::string key = fmt::format("data{}-", index);
  for (char c : path) key += std::isalnum(static_cast<unsigned char>(c)) || c == '.' ? c : '_';
  return key.substr(0, 250);
}

// Every scalar double-quoted (an env value "4" must stay a string), multi-line text literal.
void emit(YAML::Emitter& out, const json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [key, value] : j.items()) {
      out << YAML::Key << key << YAML::Value;
      emit(out, value);
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    out << YAML::BeginSeq;
    for (const json& v : j) emit(out, v);
    out << YAML::EndSeq;
  } else if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s.find('\n') != std::string::npos) {
      out << YAML::Literal << s;
    } else {
      out << YAML::DoubleQuoted << s;
    }
  } else if (j.is_boolean()) {
    out << j.get<bool>();
  } else if (j.is_number_integer()) {
    out << j.get<int64_t>();
  } else {
    out << YAML::Null;
  }
}

std::string to_yaml(const json& j) {
  YAML::Emitter out;
  emit(out, j);
  return std::string(out.c_str()) + "\n";
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

json labels(const KubeOptions& o) {
  return {{"app.kubernetes.io/name", "perfgate"}, {"perfgate.dev/run", o.name}};
}

json metadata(const KubeOptions& o, const std::string& name) {
  return {{"name", name}, {"namespace", o.namespace_name}, {"labels", labels(o)}};
}

json config_map(const KubeOptions& o, const std::string& plan_text,
                const std::vector<KubeFile>& files) {
  json data = {{"plan.yaml", plan_text}};
  for (size_t i = 0; i < files.size(); ++i)
    data[config_key(i, files[i].relative_path)] = files[i].content;
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", metadata(o, o.name + "-plan")},
          {"data", std::move(data)}};
}

json results_claim(const KubeOptions& o) {
  json spec = {{"accessModes", {"ReadWriteMany"}},
               {"resources", {{"requests", {{"storage", o.storage}}}}}};
  if (!o.storage_class.empty()) spec["storageClassName"] = o.storage_class;
  return {{"apiVersion", "v1"},
          {"kind", "PersistentVolumeClaim"},
          {"metadata", metadata(o, o.name + "-results")},
          {"spec", std::move(spec)}};
}

json pod_spec(const KubeOptions& o, const std::vector<KubeFile>& files, Nanos plan_duration) {
  json items = json::array({{{"key", "plan.yaml"}, {"path", "plan.yaml"}}});
  for (size_t i = 0; i < files.size(); ++i) {
    items.push_back(
        {{"key", config_key(i, files[i].relative_path)}, {"path", files[i].relative_path}});
  }
  const json resources = {{"cpu", o.cpu}, {"memory", o.memory}};
  json container = {{"name", "perfgate"},
                    {"image", o.image},
                    {"imagePullPolicy", "IfNotPresent"},
                    {"command", {"/bin/sh", "-c", kube_pod_script(o, plan_duration)}},
                    {"resources", {{"requests", resources}, {"limits", resources}}},
                    {"volumeMounts",
                     {{{"name", "plan"}, {"mountPath", "/plan"}, {"readOnly", true}},
                      {{"name", "results"}, {"mountPath", "/results"}}}}};
  const json anti_affinity = {
      {"weight", 100},
      {"podAffinityTerm",
       {{"labelSelector", {{"matchLabels", {{"perfgate.dev/run", o.name}}}}},
        {"topologyKey", "kubernetes.io/hostname"}}}};
  return {
      {"restartPolicy", "Never"},
      {"affinity",
       {{"podAntiAffinity",
         {{"preferredDuringSchedulingIgnoredDuringExecution", json::array({anti_affinity})}}}}},
      // A "safe" sysctl (allowed without kubelet flags): more source ports per pod.
      // fsGroup: the image's user (deploy/Dockerfile) may write to the results volume.
      {"securityContext",
       {{"fsGroup", 10001},
        {"sysctls",
         json::array({{{"name", "net.ipv4.ip_local_port_range"}, {"value", "1024 65535"}}})}}},
      {"containers", json::array({container})},
      {"volumes",
       {{{"name", "plan"}, {"configMap", {{"name", o.name + "-plan"}, {"items", items}}}},
        {{"name", "results"}, {"persistentVolumeClaim", {{"claimName", o.name + "-results"}}}}}}};
}

int64_t deadline_seconds(Nanos plan_duration) {
  // The plan, a start delay of up to an hour, the merge wait, and slack.
  return plan_duration / kNanosPerSecond + 3600 + 900;
}

json indexed_job(const KubeOptions& o, const std::vector<KubeFile>& files, Nanos plan_duration) {
  json template_metadata = {{"labels", labels(o)}};
  return {{"apiVersion", "batch/v1"},
          {"kind", "Job"},
          {"metadata", metadata(o, o.name)},
          {"spec",
           {{"completionMode", "Indexed"},
            {"completions", o.parallelism},
            {"parallelism", o.parallelism},
            {"backoffLimit", 0},  // a part run twice would add load twice
            {"activeDeadlineSeconds", deadline_seconds(plan_duration)},
            {"ttlSecondsAfterFinished", 7 * 24 * 3600},
            {"template",
             {{"metadata", template_metadata}, {"spec", pod_spec(o, files, plan_duration)}}}}}};
}

// Worker threads for a CPU quantity ("2", "1.5", "1500m"): rounded up, at least 1. The pod's
// hardware_concurrency is the node's, not its limit, so the default would oversubscribe.
int threads_for(const std::string& cpu) {
  double cores = std::atof(cpu.c_str());
  if (!cpu.empty() && cpu.back() == 'm') cores /= 1000;
  return std::max(1, static_cast<int>(std::ceil(cores)));
}

}  // namespace

std::string kube_segment(int index, int parts) {
  return fmt::format("{}/{}:{}/{}", index, parts, index + 1, parts);
}

std::string kube_sequence(int parts) {
  std::string s = "0";
  for (int k = 1; k <= parts; ++k) s += fmt::format(",{}/{}", k, parts);
  return s;
}

std::string kube_pod_script(const KubeOptions& o, Nanos plan_duration) {
  std::string run_args;
  for (const std::string& a : o.run_args) run_args += " " + shell_quote(a);
  if (!o.start_at.empty()) run_args += " --start-at " + shell_quote(o.start_at);
  const int64_t merge_wait = plan_duration / kNanosPerSecond + 600;
  return fmt::format(
      "# Pod {{index}} of {n}: runs segment index/{n}:(index+1)/{n}; index 0 merges afterwards.\n"
      "set -u\n"
      "i=\"${{JOB_COMPLETION_INDEX:?not an Indexed Job pod}}\"\n"
      "n={n}\n"
      "pg=\"${{PERFGATE:-perfgate}}\"\n"
      "results=\"${{RESULTS:-/results/{name}}}\"\n"
      "mkdir -p \"$results\"\n"
      "\"$pg\" run /plan/plan.yaml --execution-segment \"$i/$n:$((i + 1))/$n\" \\\n"
      "  --execution-segment-sequence '{sequence}' \\\n"
      "  --instance \"part-$i\" --threads {threads} --out "
      "\"json=$results/part-$i.json\"{run_args}\n"
      "rc=$?\n"
      "# A part's own thresholds see a fraction of the load: they are judged on the merge.\n"
      "if [ \"$rc\" -eq 99 ]; then rc=0; fi\n"
      "if [ \"$i\" -ne 0 ]; then exit \"$rc\"; fi\n"
      "waited=0\n"
      "while [ \"$(ls \"$results\" | grep -c '^part-.*\\.json$')\" -lt \"$n\" ] && \\\n"
      "      [ \"$waited\" -lt \"${{MERGE_TIMEOUT:-{merge_wait}}}\" ]; do\n"
      "  sleep {poll}; waited=$((waited + {poll}))\n"
      "done\n"
      "exec \"$pg\" merge --expect \"$n\" -o \"$results/all.json\" \"$results\"/part-*.json\n",
      fmt::arg("n", o.parallelism), fmt::arg("name", o.name),
      fmt::arg("sequence", kube_sequence(o.parallelism)), fmt::arg("run_args", run_args),
      fmt::arg("merge_wait", merge_wait), fmt::arg("poll", kMergePollSeconds),
      fmt::arg("threads", threads_for(o.cpu)));
}

Result<std::string> kube_manifests(const KubeOptions& o, const std::string& plan_text,
                                   const std::vector<KubeFile>& files, Nanos plan_duration) {
  if (o.parallelism < 1 || o.parallelism > kMaxParallelism) {
    return make_error(fmt::format("--parallelism must be 1 .. {}", kMaxParallelism));
  }
  if (!dns_label(o.name)) {
    return make_error(fmt::format("--name \"{}\" is not a DNS label", o.name),
                      "lower-case letters, digits and '-', at most 50 characters");
  }
  if (!dns_label(o.namespace_name)) {
    return make_error(fmt::format("--namespace \"{}\" is not a DNS label", o.namespace_name));
  }
  size_t bytes = plan_text.size();
  for (const KubeFile& f : files) bytes += f.content.size();
  if (bytes > kConfigMapLimit) {
    return make_error(fmt::format("the plan and its data files are {} bytes, over a ConfigMap's "
                                  "1 MB",
                                  bytes),
                      "bake large data files into the image and refer to them by absolute path");
  }
  std::string out = fmt::format(
      "# perfgate kube: {} parts of one plan (docs/distributed.md).\n"
      "# kubectl apply -f this file; kubectl wait --for=condition=complete job/{} --timeout=-1s\n"
      "# Each pod raises its open-file limit to the hard limit (container runtimes usually give\n"
      "# 1048576); net.ipv4.ip_local_port_range is widened per pod (a safe sysctl).\n",
      o.parallelism, o.name);
  for (const json& doc :
       {config_map(o, plan_text, files), results_claim(o), indexed_job(o, files, plan_duration)}) {
    out += "---\n" + to_yaml(doc);
  }
  return out;
}

}  // namespace perfgate::cli
