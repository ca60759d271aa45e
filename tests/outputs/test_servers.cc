#include "test_servers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "outputs/http_client.h"

namespace perfgate::outputs::testing {
namespace {

int loopback_listener(uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(fd, 64);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

std::string loopback(uint16_t port, std::string_view target) {
  return fmt::format("http://127.0.0.1:{}{}", port, target);
}

std::string influx_tls_config(const test_support::CertFiles* tls) {
  if (tls == nullptr) return "";
  return fmt::format(
      "  https-enabled = true\n  https-certificate = \"{}\"\n"
      "  https-private-key = \"{}\"\n",
      tls->cert, tls->key);
}

std::string influx_config(const std::string& dir, uint16_t http_port, uint16_t rpc_port,
                          const test_support::CertFiles* tls) {
  return fmt::format(R"(reporting-disabled = true
bind-address = "127.0.0.1:{rpc}"
[meta]
  dir = "{dir}/meta"
[data]
  dir = "{dir}/data"
  wal-dir = "{dir}/wal"
  query-log-enabled = false
[retention]
  enabled = false
[shard-precreation]
  enabled = false
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:{http}"
  log-enabled = false
{tls}[logging]
  level = "warn"
[subscriber]
  enabled = false
[continuous_queries]
  enabled = false
)",
                     fmt::arg("dir", dir), fmt::arg("http", http_port), fmt::arg("rpc", rpc_port),
                     fmt::arg("tls", influx_tls_config(tls)));
}

// The test's own calls to its InfluxDB trust any certificate (the output under test does not).
HttpClientOptions test_client() {
  HttpClientOptions options;
  options.insecure_skip_tls_verify = true;
  return options;
}

bool ping(const std::string& base_url) {
  HttpCall call;
  call.url = base_url + "/ping";
  call.timeout = 500 * kNanosPerMilli;
  auto reply = http_exchange(call, test_client());
  return reply && reply->status == 204;
}

}  // namespace

uint16_t free_port() {
  uint16_t port = 0;
  ::close(loopback_listener(port));
  return port;
}

std::unique_ptr<InfluxServer> InfluxServer::start(std::string& error,
                                                  const test_support::CertFiles* tls) {
  const std::string influxd = "/usr/bin/influxd";
  if (access(influxd.c_str(), X_OK) != 0) {
    error = "influxd is not installed (Debian package influxdb; `make deps` installs it)";
    return nullptr;
  }
  std::unique_ptr<InfluxServer> server(new InfluxServer());
  char dir_template[] = "/tmp/perfgate-influx-XXXXXX";
  server->dir_ = mkdtemp(dir_template);
  server->port_ = free_port();
  server->tls_ = tls != nullptr;
  const std::string config = server->dir_ + "/influxdb.conf";
  std::ofstream(config) << influx_config(server->dir_, server->port_, free_port(), tls);
  const std::string log = server->dir_ + "/influxd.log";
  server->pid_ = fork();
  if (server->pid_ == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    execl(influxd.c_str(), "influxd", "-config", config.c_str(), nullptr);
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ping(server->base_url())) return server;
    if (waitpid(server->pid_, nullptr, WNOHANG) == server->pid_) break;
    usleep(100'000);
  }
  std::ifstream in(log);
  error = "influxd did not answer /ping within 20 s; its log:\n" +
          std::string(std::istreambuf_iterator<char>(in), {});
  return nullptr;
}

InfluxServer::~InfluxServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 50 && waitpid(pid_, nullptr, WNOHANG) == 0; ++i) usleep(100'000);
    if (kill(pid_, SIGKILL) == 0) waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

std::string InfluxServer::base_url() const {
  return fmt::format("{}://127.0.0.1:{}", tls_ ? "https" : "http", port_);
}

std::string InfluxServer::query(const std::string& db, const std::string& influxql) const {
  const std::string target = fmt::format("/query?db={}&q={}", url_encode(db), url_encode(influxql));
  HttpCall call;
  call.url = base_url() + target;
  call.timeout = 5 * kNanosPerSecond;
  auto reply = http_exchange(call, test_client());
  if (!reply) return reply.error().describe();
  return reply->body;  // InfluxDB explains a bad query in the JSON body
}

StalledServer::StalledServer() {
  listener_ = loopback_listener(port_);
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) {
        clients_.push_back(client);
        accepted_.fetch_add(1);
      }
    }
  });
}

StalledServer::~StalledServer() {
  stop_.store(true);
  thread_.join();
  for (int fd : clients_) ::close(fd);
  ::close(listener_);
}

int run_with_input(const std::vector<std::string>& argv, const std::string& input,
                   std::string& output) {
  char in_path[] = "/tmp/perfgate-outputs-in-XXXXXX";
  char out_path[] = "/tmp/perfgate-outputs-out-XXXXXX";
  const int in_fd = mkstemp(in_path);
  const int out_fd = mkstemp(out_path);
  (void)!::write(in_fd, input.data(), input.size());
  lseek(in_fd, 0, SEEK_SET);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    usleep(20'000);
  }
  std::ifstream in(out_path);
  output.assign(std::istreambuf_iterator<char>(in), {});
  ::close(in_fd);
  ::close(out_fd);
  unlink(in_path);
  unlink(out_path);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace perfgate::outputs::testing

namespace perfgate::outputs::testing {

std::unique_ptr<PrometheusServer> PrometheusServer::start(std::string& error) {
  const std::string binary = "/usr/bin/prometheus";
  if (access(binary.c_str(), X_OK) != 0) {
    error = "prometheus is not installed (Debian package prometheus; `make deps` installs it)";
    return nullptr;
  }
  std::unique_ptr<PrometheusServer> server(new PrometheusServer());
  char dir_template[] = "/tmp/perfgate-prometheus-XXXXXX";
  server->dir_ = mkdtemp(dir_template);
  server->port_ = free_port();
  const std::string config = server->dir_ + "/prometheus.yml";
  std::ofstream(config) << "global: {scrape_interval: 1h}\n";
  const std::string log = server->dir_ + "/prometheus.log";
  const std::string listen = fmt::format("--web.listen-address=127.0.0.1:{}", server->port_);
  const std::string storage = "--storage.tsdb.path=" + server->dir_ + "/data";
  const std::string config_flag = "--config.file=" + config;
  server->pid_ = fork();
  if (server->pid_ == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    execl(binary.c_str(), "prometheus", config_flag.c_str(), storage.c_str(), listen.c_str(),
          "--web.enable-remote-write-receiver", "--log.level=warn", nullptr);
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    HttpCall call;
    call.url = loopback(server->port_, "/-/ready");
    call.timeout = 500 * kNanosPerMilli;
    auto reply = http_exchange(call);
    if (reply && reply->status == 200) return server;
    if (waitpid(server->pid_, nullptr, WNOHANG) == server->pid_) break;
    usleep(100'000);
  }
  std::ifstream in(log);
  error = "prometheus was not ready within 30 s; its log:\n" +
          std::string(std::istreambuf_iterator<char>(in), {});
  return nullptr;
}

PrometheusServer::~PrometheusServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 50 && waitpid(pid_, nullptr, WNOHANG) == 0; ++i) usleep(100'000);
    if (kill(pid_, SIGKILL) == 0) waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

std::string PrometheusServer::query(const std::string& promql) const {
  const std::string target = "/api/v1/query?query=" + url_encode(promql);
  HttpCall call;
  call.url = loopback(port_, target);
  call.timeout = 5 * kNanosPerSecond;
  auto reply = http_exchange(call);
  if (!reply) return reply.error().describe();
  return reply->body;
}

}  // namespace perfgate::outputs::testing
