// A process that allocates and frees memory in bursts but does not leak, for the monitor's
// "no false positive" tests.
//
//   monitor_burst_helper <burst MB> <period ms> <hold ms> [seconds]
//
// Every period it maps `burst MB`, touches every page, holds it for `hold ms`, and unmaps it, so
// RSS swings between a baseline and baseline + burst. mmap/munmap are used directly so that the
// memory really goes back to the kernel (malloc may keep freed blocks). Prints "ready".
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s <burst MB> <period ms> <hold ms> [seconds]\n", argv[0]);
    return 2;
  }
  const size_t burst = static_cast<size_t>(std::atof(argv[1]) * 1e6);
  const long period_us = std::atol(argv[2]) * 1000;
  const long hold_us = std::atol(argv[3]) * 1000;
  const double seconds = argc > 4 ? std::atof(argv[4]) : 1e9;
  const long rounds = static_cast<long>(seconds * 1e6 / static_cast<double>(period_us)) + 1;
  std::printf("ready\n");
  std::fflush(stdout);
  for (long round = 0; round < rounds; ++round) {
    void* block = mmap(nullptr, burst, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (block == MAP_FAILED) {
      std::perror("mmap");
      return 1;
    }
    std::memset(block, 1, burst);
    usleep(static_cast<useconds_t>(hold_us));
    munmap(block, burst);
    usleep(static_cast<useconds_t>(period_us - hold_us));
  }
  return 0;
}
