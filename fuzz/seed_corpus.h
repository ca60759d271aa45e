// Seed corpora for the replay tests: every fuzz target's corpus (fuzz/corpus/<name>) is replayed
// through the target in the normal build, so CI exercises each target, its invariants and every
// crash input kept in the corpus, without libFuzzer.
//
// Thread-safety: reads files; call from one thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace perfgate::fuzz {

// The contents of every file in fuzz/corpus/<name>, in path order.
inline std::vector<std::string> read_seed_corpus(std::string_view name) {
  const std::filesystem::path dir =
      std::filesystem::path(PERFGATE_SOURCE_DIR) / "fuzz" / "corpus" / name;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> seeds;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return seeds;
}

// Runs the fuzz target linked into the test on `input`.
inline int run_fuzz_target(std::string_view input) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

}  // namespace perfgate::fuzz
