#include "core/read_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

namespace perfgate {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("perfgate_read_file_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST(ReadFileBounded, ReadsAFileWithinTheLimit) {
  const std::string path = temp_path("small");
  std::ofstream(path) << "hello";
  auto text = read_file_bounded(path, 5, "plan file");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, "hello");
  std::filesystem::remove(path);
}

TEST(ReadFileBounded, RefusesAFileOverTheLimitNamingTheLimit) {
  const std::string path = temp_path("six");
  std::ofstream(path) << "123456";
  auto text = read_file_bounded(path, 5, "plan file");
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message.find("plan file is larger than the 5 bytes limit"),
            std::string::npos)
      << text.error().message;
  std::filesystem::remove(path);
}

TEST(ReadFileBounded, RefusesASparseHugeFileWithoutReadingIt) {
  const std::string path = temp_path("sparse");
  std::ofstream(path).close();
  ASSERT_EQ(::truncate(path.c_str(), 64LL << 30), 0);  // 64 GiB of holes: no disk, no reading
  auto text = read_file_bounded(path, kMaxPlanFileBytes, "plan file");
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message.find("16 MiB limit"), std::string::npos) << text.error().message;
  std::filesystem::remove(path);
}

TEST(ReadFileBounded, RefusesDevicesAndDirectories) {
  for (const char* path : {"/dev/zero", "/dev/urandom", "/tmp"}) {
    auto text = read_file_bounded(path, kMaxResultsFileBytes, "results file");
    ASSERT_FALSE(text) << path;
    EXPECT_NE(text.error().message.find("not a regular file"), std::string::npos)
        << text.error().message;
  }
}

TEST(ReadFileBounded, ReadsAPipeUpToTheLimitAndRefusesMore) {
  const std::string fifo = temp_path("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const pid_t writer = ::fork();
  ASSERT_GE(writer, 0);
  if (writer == 0) {  // writes 1 MiB (more than the limit) then exits
    std::ofstream out(fifo, std::ios::binary);
    out << std::string(1 << 20, 'x');
    ::_exit(0);
  }
  auto text = read_file_bounded(fifo, 1000, "data file");
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message.find("1000 bytes limit"), std::string::npos)
      << text.error().message;
  ::kill(writer, SIGKILL);  // it may still block writing into the pipe we stopped reading
  int status = 0;
  ::waitpid(writer, &status, 0);
  std::filesystem::remove(fifo);
}

TEST(ReadFileBounded, MissingFileNamesThePath) {
  auto text = read_file_bounded("/nonexistent/x.yaml", 10, "plan file");
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message.find("/nonexistent/x.yaml"), std::string::npos);
}

TEST(FormatLimit, PrintsBinaryUnits) {
  EXPECT_EQ(format_limit(16 * kMiB), "16 MiB");
  EXPECT_EQ(format_limit(4096), "4 KiB");
  EXPECT_EQ(format_limit(1000), "1000 bytes");
}

}  // namespace
}  // namespace perfgate

#include "core/json_depth.h"

namespace perfgate {
namespace {

TEST(JsonNesting, CountsBracketsOutsideStrings) {
  EXPECT_FALSE(json_nesting_exceeds(R"({"a": [1, {"b": []}]})", 4));
  EXPECT_TRUE(json_nesting_exceeds(R"({"a": [1, {"b": []}]})", 3));
  EXPECT_FALSE(json_nesting_exceeds(R"({"a": "[[[[[\"[[[["})", 1));
  EXPECT_TRUE(json_nesting_exceeds(std::string(1'000'000, '['), kMaxJsonNesting));
  EXPECT_FALSE(json_nesting_exceeds(std::string(256, '[') + std::string(256, ']')));
}

}  // namespace
}  // namespace perfgate
