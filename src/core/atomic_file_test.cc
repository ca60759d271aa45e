#include "core/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace perfgate {
namespace {

TEST(AtomicFile, WritesAndReplacesWholeFile) {
  auto dir = std::filesystem::temp_directory_path() / "perfgate_atomic_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "out.json").string();
  ASSERT_TRUE(write_file_atomically(path, "first version, longer"));
  ASSERT_TRUE(write_file_atomically(path, "second"));
  EXPECT_EQ(*read_file(path), "second");
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename(), "out.json") << "temp file left behind";
  }
  std::filesystem::remove_all(dir);
}

TEST(AtomicFile, CheckWritableRejectsMissingDirectory) {
  auto r = check_writable("/nonexistent-perfgate-dir/results.json");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("does not exist"), std::string::npos);
  EXPECT_TRUE(check_writable(std::filesystem::temp_directory_path() / "x.json"));
}

}  // namespace
}  // namespace perfgate
