// `perfgate kube`: the manifests pass Kubernetes' OpenAPI schema (kubernetes-models' compiled
// validators, run with Node) for N = 1, 10 and 100, a broken manifest does not, and the pod
// script run dry (a fake perfgate that prints its arguments) gives every index its segment.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "child_process.h"
#include "plan/segment.h"
#include "plan_test_support.h"

namespace perfgate::test_support {
namespace {

struct Shell {
  int status = -1;
  std::string out;
};

Shell shell(const std::string& command) {
  Shell r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buffer{};
  while (size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    r.out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class KubeTest : public ::testing::Test {
 protected:
  std::string dir_ = temp_path("kube");

  void SetUp() override {
    std::filesystem::create_directories(dir_ + "/data");
    std::ofstream(dir_ + "/data/users.csv") << "user\nalice\nbob\n";
    std::ofstream(dir_ + "/plan.yaml") << R"(options:
  baseUrl: http://target.example:8080
  scenarios:
    load:
      executor: constant-arrival-rate
      rate: 100
      duration: 30s
      preAllocatedVUs: 10
data:
  users: {file: data/users.csv, segments: partition}
flows:
  default:
    data: users
    steps:
      - {name: home, url: "/?u={{user}}"}
)";
    // ESM resolves packages from the script's folder: the validator runs beside node_modules.
    std::filesystem::copy_file(PERFGATE_KUBE_VALIDATOR,
                               std::string(PERFGATE_KUBE_NODE_DIR) + "/validate.mjs",
                               std::filesystem::copy_options::overwrite_existing);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Shell validate(const std::string& file) {
    return shell(std::string("timeout 60 node ") + PERFGATE_KUBE_NODE_DIR + "/validate.mjs " +
                 file);
  }

  std::string manifests(int n) {
    const std::string out = dir_ + "/run-" + std::to_string(n) + ".yaml";
    RunOutcome r =
        run_perfgate({"kube", dir_ + "/plan.yaml", "--parallelism", std::to_string(n), "--image",
                      "registry.example/perfgate:0.1", "--namespace", "load", "-o", out});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return out;
  }
};

TEST_F(KubeTest, ManifestsPassKubernetesSchemaFor1_10_100Parts) {
  for (int n : {1, 10, 100}) {
    const std::string file = manifests(n);
    Shell v = validate(file);
    EXPECT_EQ(v.status, 0) << v.out;
    EXPECT_NE(v.out.find("valid Job perfgate"), std::string::npos) << v.out;
    EXPECT_NE(v.out.find("valid ConfigMap perfgate-plan"), std::string::npos) << v.out;
    EXPECT_NE(v.out.find("valid PersistentVolumeClaim perfgate-results"), std::string::npos);
    const auto docs = YAML::LoadAllFromFile(file);
    ASSERT_EQ(docs.size(), 3u);
    const YAML::Node job = docs[2]["spec"];
    EXPECT_EQ(job["completionMode"].as<std::string>(), "Indexed");
    EXPECT_EQ(job["completions"].as<int>(), n);
    EXPECT_EQ(job["parallelism"].as<int>(), n);
    EXPECT_EQ(docs[0]["data"]["data0-data_users.csv"].as<std::string>(), "user\nalice\nbob\n");
  }
}

TEST_F(KubeTest, TheValidatorRejectsABrokenManifest) {
  const std::string file = manifests(3);
  std::string text;
  {
    std::ifstream in(file);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string good = "completions: 3";
  ASSERT_NE(text.find(good), std::string::npos);
  text.replace(text.find(good), good.size(), "completions: \"three\"");
  std::ofstream(dir_ + "/broken.yaml") << text;
  Shell v = validate(dir_ + "/broken.yaml");
  EXPECT_EQ(v.status, 1) << v.out;
  EXPECT_NE(v.out.find("INVALID Job"), std::string::npos) << v.out;
}

TEST_F(KubeTest, EveryPodIndexRunsItsSegmentAndIndexZeroMerges) {
  const std::string fake = dir_ + "/fake-perfgate";
  std::ofstream(fake) << "#!/bin/sh\necho \"$*\"\n";
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  for (int n : {1, 10, 100}) {
    const auto docs = YAML::LoadAllFromFile(manifests(n));
    const std::string script =
        docs[2]["spec"]["template"]["spec"]["containers"][0]["command"][2].as<std::string>();
    const std::string script_file = dir_ + "/pod.sh";
    std::ofstream(script_file) << script;
    std::string sequence = "0";
    for (int k = 1; k <= n; ++k) sequence += "," + std::to_string(k) + "/" + std::to_string(n);
    const auto points = plan::parse_segment_sequence(sequence);
    ASSERT_TRUE(points);
    int64_t owned = 0;
    for (int i = 0; i < n; ++i) {
      Shell r = shell("JOB_COMPLETION_INDEX=" + std::to_string(i) + " PERFGATE=" + fake +
                      " RESULTS=" + dir_ + "/results MERGE_TIMEOUT=0 sh " + script_file);
      ASSERT_EQ(r.status, 0) << r.out;
      const std::string segment = std::to_string(i) + "/" + std::to_string(n) + ":" +
                                  std::to_string(i + 1) + "/" + std::to_string(n);
      EXPECT_NE(r.out.find("run /plan/plan.yaml --execution-segment " + segment +
                           " --execution-segment-sequence " + sequence + " --instance part-" +
                           std::to_string(i) + " --threads 2 --out json=" + dir_ +
                           "/results/part-" + std::to_string(i) + ".json"),
                std::string::npos)
          << r.out;
      EXPECT_EQ(r.out.find("merge --expect") != std::string::npos, i == 0) << r.out;
      // The segment is valid in its sequence, and the parts own every index once.
      auto tuple = plan::SegmentTuple::make(*plan::parse_execution_segment(segment), *points);
      ASSERT_TRUE(tuple) << tuple.error().describe();
      owned += tuple->scale(1000);
    }
    EXPECT_EQ(owned, 1000);
  }
}

}  // namespace
}  // namespace perfgate::test_support
