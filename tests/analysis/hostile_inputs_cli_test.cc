// Readers of outside files never abort: `compare`, `gate`, `history add` and `report`, given a
// result file with a number no double holds (1e309, a 5000-digit number), a value of the wrong
// type, a device, a huge sparse file or a FIFO, print "error: ..." and exit 2 (README: unreadable
// input) - never 134 (abort) and never read without bound. Runs the real binary.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code;
  std::string output;  // stdout and stderr together
};

Outcome run(const std::string& arguments) {
  const std::string command = std::string(PERFGATE_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), output};
}

class HostileInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("perfgate_hostile_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    write("ok.json", R"({"metrics":{"http_req_duration":{"avg":1}}})");
    write("gates.yaml", "gates:\n  a: {condition: 'http_req_duration avg < 10ms'}\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return path(name);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Every bad result file, by what is wrong with it.
  std::vector<std::pair<std::string, std::string>> bad_results() {
    std::vector<std::pair<std::string, std::string>> files = {
        {"1e309", write("big.json", R"({"metrics":{"http_req_duration":{"avg":1e309}}})")},
        {"5000 digits", write("digits.json", R"({"metrics":{"http_req_duration":{"avg":)" +
                                                 std::string(5000, '9') + "}}}")},
        {"format not a string", write("format.json", R"({"format":5,"metrics":{"x":{"avg":1}}})")},
        {"version a string",
         write("version.json", R"({"format":"perfgate-results","version":"1","trends":{}})")},
        {"trend unit a number",
         write("unit.json", R"({"format":"perfgate-results","version":1,"run":"x",)"
                            R"("trends":{"a":{"mean":1,"unit":5}}})")},
        {"benchmark name a number",
         write("gbench.json", R"({"benchmarks":[{"name":5,"real_time":1}]})")},
        {"/dev/zero", "/dev/zero"},
    };
    const std::string sparse = write("sparse.json", "");
    EXPECT_EQ(::truncate(sparse.c_str(), 1LL << 40), 0);  // 1 TiB of holes
    files.emplace_back("sparse 1 TiB", sparse);
    return files;
  }

  static void expect_clean_error(const Outcome& r, const std::string& what) {
    EXPECT_EQ(r.exit_code, 2) << what << "\n" << r.output;
    EXPECT_NE(r.output.find("error: "), std::string::npos) << what << "\n" << r.output;
    EXPECT_EQ(r.output.find("terminate called"), std::string::npos) << what << "\n" << r.output;
  }

  fs::path dir_;
};

TEST_F(HostileInputs, CompareRejectsEachBadResultFile) {
  for (const auto& [what, file] : bad_results()) {
    expect_clean_error(run("compare " + path("ok.json") + " " + file), "compare: " + what);
    expect_clean_error(run("compare " + file + " " + path("ok.json")), "compare: " + what);
  }
}

TEST_F(HostileInputs, GateRejectsEachBadResultFile) {
  for (const auto& [what, file] : bad_results()) {
    expect_clean_error(run("gate " + path("gates.yaml") + " " + file), "gate: " + what);
  }
}

TEST_F(HostileInputs, HistoryAddRejectsEachBadResultFile) {
  for (const auto& [what, file] : bad_results()) {
    expect_clean_error(run("history add " + file + " --db " + path("h.db")), "history: " + what);
  }
}

TEST_F(HostileInputs, ReportRejectsEachBadResultFile) {
  for (const auto& [what, file] : bad_results()) {
    expect_clean_error(run("report " + file + " -o " + path("out.html")), "report: " + what);
  }
}

TEST_F(HostileInputs, GateRejectsBadGatesFiles) {
  const std::string sparse = write("sparse.yaml", "");
  ASSERT_EQ(::truncate(sparse.c_str(), 1LL << 40), 0);
  const std::vector<std::pair<std::string, std::string>> files = {
      {"400-digit threshold",
       write("big.yaml", "gates:\n  a: {condition: 'http_req_duration avg < " +
                             std::string(400, '9') + "ms'}\n")},
      {"/dev/zero", "/dev/zero"},
      {"sparse 1 TiB", sparse},
  };
  for (const auto& [what, file] : files) {
    expect_clean_error(run("gate " + file + " " + path("ok.json")), "gates file: " + what);
  }
  auto r = run("gate " + sparse + " " + path("ok.json"));
  EXPECT_NE(r.output.find("4 MiB limit"), std::string::npos) << r.output;
}

TEST_F(HostileInputs, LimitErrorsNameTheLimit) {
  const std::string sparse = write("huge.json", "");
  ASSERT_EQ(::truncate(sparse.c_str(), 1LL << 40), 0);
  auto r = run("compare " + path("ok.json") + " " + sparse);
  EXPECT_NE(r.output.find("results file is larger than the 512 MiB limit"), std::string::npos)
      << r.output;
}

TEST_F(HostileInputs, PlanFromDevicesAndHugeFilesIsRefused) {
  const std::string sparse = write("huge.yaml", "");
  ASSERT_EQ(::truncate(sparse.c_str(), 1LL << 40), 0);
  for (const std::string& file : {std::string("/dev/zero"), sparse}) {
    auto r = run("plan --check " + file);
    EXPECT_EQ(r.exit_code, 104) << r.output;
    EXPECT_EQ(r.output.find("terminate called"), std::string::npos) << r.output;
  }
  EXPECT_NE(run("plan --check " + sparse).output.find("16 MiB limit"), std::string::npos);
}

}  // namespace
