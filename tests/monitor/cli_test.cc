// `perfgate monitor` through the real binary, and the monitor watching `perfgate serve` while
// the test drives connections to it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/atomic_file.h"
#include "monitor/sampler.h"
#include "test_support.h"

namespace perfgate::monitor {
namespace {

using testing::ChildProcess;
using testing::run_command;

std::string binary() { return PERFGATE_BINARY; }

TEST(MonitorCli, WatchesAProcessAndWritesJson) {
  ChildProcess sleeper({"sleep", "60"});
  const std::string path =
      (std::filesystem::temp_directory_path() / fmt::format("pg_mon_cli_{}.json", getpid()))
          .string();
  auto out =
      run_command(fmt::format("{} monitor pid:{} self -d 1500ms --interval 250ms "
                              "--out json={} 2>&1",
                              binary(), sleeper.pid(), path));
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find(fmt::format("pid {} (sleep)", sleeper.pid())), std::string::npos)
      << out.output;
  EXPECT_NE(out.output.find("findings"), std::string::npos);
  auto text = read_file(path);
  ASSERT_TRUE(text);
  auto j = nlohmann::json::parse(*text);
  EXPECT_GE(j["targets"][0]["series"].size(), 5u);
  EXPECT_TRUE(j["metrics"].contains("sut_rss_bytes"));
  EXPECT_TRUE(j["metrics"].contains("generator_cpu_percent"));
  auto vm_rss = testing::kernel_vm_rss(sleeper.pid());
  ASSERT_TRUE(vm_rss);
  EXPECT_NEAR(j["metrics"]["sut_rss_bytes"]["max"].get<double>(), *vm_rss, 0.05 * *vm_rss);
  std::filesystem::remove(path);
}

TEST(MonitorCli, PrintsALiveLinePerSampleOnATerminal) {
  // script(1) gives the command a pseudo-terminal; through a pipe there are no live lines.
  if (run_command("command -v script >/dev/null").exit_code != 0) {
    GTEST_SKIP() << "script(1) is not installed";
  }
  auto tty = run_command(
      fmt::format("script -qc '{} monitor self -d 1200ms --interval 300ms' /dev/null", binary()));
  ASSERT_EQ(tty.exit_code, 0) << tty.output;
  size_t lines = 0;
  for (size_t at = tty.output.find("| host cpu"); at != std::string::npos;
       at = tty.output.find("| host cpu", at + 1)) {
    ++lines;
  }
  EXPECT_GE(lines, 3u) << tty.output;
  auto piped = run_command(binary() + " monitor self -d 600ms --interval 200ms");
  EXPECT_EQ(piped.output.find("| host cpu"), std::string::npos) << piped.output;
}

TEST(MonitorCli, BadInputIsRejectedBeforeSampling) {
  EXPECT_EQ(run_command(binary() + " monitor self --bogus 2>&1").exit_code, 2);
  EXPECT_EQ(run_command(binary() + " monitor 2>&1").exit_code, 2);  // a target is required
  auto bad_spec = run_command(binary() + " monitor nginx -d 1s 2>&1");
  EXPECT_EQ(bad_spec.exit_code, 2);
  EXPECT_NE(bad_spec.output.find("invalid monitor target"), std::string::npos);
  auto missing = run_command(binary() + " monitor pid:999999999 -d 1s 2>&1");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("does not exist"), std::string::npos);
  auto bad_out = run_command(binary() + " monitor self -d 1s --out csv=x 2>&1");
  EXPECT_EQ(bad_out.exit_code, 2);
}

int connect_to(const std::string& url) {
  // url: http://127.0.0.1:PORT
  const int port = std::atoi(url.substr(url.rfind(':') + 1).c_str());
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

TEST(MonitorServe, FiguresOfPerfgateServeMatchTheKernel) {
  ChildProcess server({binary(), "serve", "--listen", "127.0.0.1:0", "--quiet"});
  auto url = server.read_line(5000);
  ASSERT_TRUE(url && url->rfind("http://", 0) == 0)
      << "perfgate serve --listen 127.0.0.1:0 did not print its URL";
  Sampler sampler({Target::process(server.pid())});
  sampler.sample(SteadyClock::monotonic_now());
  std::vector<int> connections;
  const std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  for (int i = 0; i < 50; ++i) {
    int fd = connect_to(*url);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
    char buffer[4096];
    ASSERT_GT(read(fd, buffer, sizeof(buffer)), 0);
    connections.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  sampler.sample(SteadyClock::monotonic_now());
  const TargetPoint& p = sampler.report().targets[0].points.at(0);
  const auto kernel_fds =
      std::distance(std::filesystem::directory_iterator(fmt::format("/proc/{}/fd", server.pid())),
                    std::filesystem::directory_iterator());
  ASSERT_TRUE(p.open_fds);
  EXPECT_GE(*p.open_fds, 50);
  EXPECT_NEAR(*p.open_fds, static_cast<double>(kernel_fds), 0.05 * kernel_fds);
  auto vm_rss = testing::kernel_vm_rss(server.pid());
  auto ps = testing::ps_rss(server.pid());
  ASSERT_TRUE(vm_rss && ps);
  EXPECT_NEAR(p.rss_bytes, *vm_rss, 0.05 * *vm_rss);
  EXPECT_NEAR(p.rss_bytes, *ps, 0.05 * *ps);
  auto status = read_small_file(fmt::format("/proc/{}/status", server.pid()));
  EXPECT_EQ(p.threads, parse_key_values(*status).at("Threads"));
  ASSERT_TRUE(p.net_rx_bytes_per_s && p.net_tx_bytes_per_s);
  EXPECT_GT(*p.net_rx_bytes_per_s, 0);  // our requests crossed its (loopback) interface
  std::printf("serve: rss %.1f MB, %g fds, %g threads, ctx %.0f/s\n", p.rss_bytes / 1e6,
              *p.open_fds, p.threads, p.ctx_switches_voluntary_per_s);
  for (int fd : connections) close(fd);
}

}  // namespace
}  // namespace perfgate::monitor
