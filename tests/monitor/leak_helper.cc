// A process that leaks memory at a known, steady rate, for the monitor's leak tests.
//
//   monitor_leak_helper <MB per hour> [seconds]
//
// It reserves address space once and touches one more page whenever the rate says so (checked
// every 5 ms), so its RSS grows linearly at the given rate (MB = 10^6 bytes) with page-sized
// steps, and never frees. Prints "ready" once running; exits after `seconds` (default: never)
// or on SIGTERM.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace {

double now_s() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <MB per hour> [seconds]\n", argv[0]);
    return 2;
  }
  const double bytes_per_s = std::atof(argv[1]) * 1e6 / 3600;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 1e9;
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t reserve = size_t{8} << 30;  // address space only; pages count once touched
  auto* base =
      static_cast<unsigned char*>(mmap(nullptr, reserve, PROT_READ | PROT_WRITE,
                                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
  if (base == MAP_FAILED) {
    std::perror("mmap");
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  const double start = now_s();
  size_t touched = 0;
  while (true) {
    const double elapsed = now_s() - start;
    if (elapsed >= seconds) break;
    const size_t owed = static_cast<size_t>(bytes_per_s * elapsed);
    while (touched + page <= owed && touched + page <= reserve) {
      base[touched] = 1;
      touched += page;
    }
    usleep(5000);
  }
  return 0;
}
