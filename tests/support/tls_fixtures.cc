// Certificates (TlsCertificates) and nginx (NginxTlsServer); the tiny servers are in
// tls_tiny_servers.cc.
#include "tests/support/tls_fixtures.h"

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "server/tls_certificate.h"

extern char** environ;

namespace perfgate::test_support {
namespace {

using server::CertificateSpec;
using server::KeyAndCertificate;
constexpr int64_t kDay = 86400;
constexpr int kPortAttempts = 8;
constexpr auto kStartLimit = std::chrono::seconds(10);
constexpr auto kStopLimit = std::chrono::seconds(5);

std::string make_temp_dir(const char* pattern) {
  const char* tmp = std::getenv("TMPDIR");
  std::string path = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/" + pattern;
  if (mkdtemp(path.data()) == nullptr) return {};
  return path;
}

CertificateSpec localhost_spec() {
  CertificateSpec spec;
  spec.common_name = "localhost";
  spec.dns_names = {"localhost"};
  spec.ip_addresses = {"127.0.0.1", "::1"};
  return spec;
}

// Makes a certificate and writes it as <name>.pem and <name>-key.pem.
bool write_pair(const std::string& dir, const std::string& name, const CertificateSpec& spec,
                const KeyAndCertificate* issuer, KeyAndCertificate* made, std::string& error) {
  Result<KeyAndCertificate> pair = server::make_certificate(spec, issuer);
  if (!pair) {
    error = pair.error().describe();
    return false;
  }
  Result<void> cert = server::write_pem_file(dir + "/" + name + ".pem", pair->cert_pem);
  Result<void> key = server::write_pem_file(dir + "/" + name + "-key.pem", pair->key_pem, 0600);
  if (!cert || !key) {
    error = !cert ? cert.error().describe() : key.error().describe();
    return false;
  }
  if (made != nullptr) *made = std::move(*pair);
  return true;
}

// A port on 127.0.0.1 that was free a moment ago.
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string protocols_for(TlsVersions versions) {
  switch (versions) {
    case TlsVersions::k12Only:
      return "TLSv1.2";
    case TlsVersions::k13Only:
      return "TLSv1.3";
    case TlsVersions::kAny:
      break;
  }
  return "TLSv1.2 TLSv1.3";
}

std::string nginx_config(const std::string& dir, const std::string& client_ca,
                         const NginxTlsOptions& options, int port) {
  std::ostringstream c;
  c << "daemon off;\nmaster_process off;\nworker_processes 1;\n"
    << "pid " << dir << "/nginx.pid;\nerror_log " << dir << "/error.log warn;\n"
    << (geteuid() == 0 ? "user root;\n" : "") << "events { worker_connections 1024; }\n"
    << "http {\n  access_log off;\n";
  for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    c << "  " << temp << "_temp_path " << dir << "/" << temp << ";\n";
  }
  c << "  server {\n    listen 127.0.0.1:" << port << " ssl" << (options.http2 ? " http2" : "")
    << ";\n    ssl_certificate " << options.cert.cert << ";\n    ssl_certificate_key "
    << options.cert.key << ";\n    ssl_protocols " << protocols_for(options.versions) << ";\n";
  if (options.require_client_cert) {
    c << "    ssl_client_certificate " << client_ca << ";\n    ssl_verify_client on;\n";
  }
  c << "    location / {\n      default_type text/plain;\n"
    << "      return 200 \"hello from nginx\\n\";\n    }\n  }\n}\n";
  return c.str();
}

pid_t spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  return pid;
}

// Waits up to `limit` for `pid` to exit; true when it did (and was reaped).
bool wait_exit(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  do {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

}  // namespace

std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TlsCertificates::TlsCertificates() {
  dir_ = make_temp_dir("perfgate-tls-XXXXXX");
  if (dir_.empty()) {
    error_ = "cannot make a temp dir";
  } else if (!generate() && error_.empty()) {
    error_ = "cannot make certificates";
  }
}

TlsCertificates::~TlsCertificates() {
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

bool TlsCertificates::generate() {
  CertificateSpec ca_spec;
  ca_spec.common_name = "perfgate test CA";
  ca_spec.is_ca = true;
  CertificateSpec client_ca_spec = ca_spec;
  client_ca_spec.common_name = "perfgate test client CA";
  CertificateSpec expired = localhost_spec();
  expired.not_before_s = -30 * kDay;
  expired.not_after_s = -kDay;
  CertificateSpec wrong;
  wrong.common_name = "wrong.example";
  wrong.dns_names = {"wrong.example"};
  CertificateSpec client;
  client.common_name = "perfgate-client";
  client.client_auth = true;
  KeyAndCertificate ca;
  KeyAndCertificate client_ca;
  return write_pair(dir_, "ca", ca_spec, nullptr, &ca, error_) &&
         write_pair(dir_, "client-ca", client_ca_spec, nullptr, &client_ca, error_) &&
         write_pair(dir_, "valid", localhost_spec(), &ca, nullptr, error_) &&
         write_pair(dir_, "expired", expired, &ca, nullptr, error_) &&
         write_pair(dir_, "wrong-host", wrong, &ca, nullptr, error_) &&
         write_pair(dir_, "self-signed", localhost_spec(), nullptr, nullptr, error_) &&
         write_pair(dir_, "client", client, &client_ca, nullptr, error_);
}

NginxTlsServer::NginxTlsServer(const TlsCertificates& certs, const NginxTlsOptions& options)
    : ca_path_(certs.ca_path()) {
  dir_ = make_temp_dir("perfgate-nginx-XXXXXX");
  if (dir_.empty()) {
    error_ = "cannot make a temp dir";
    return;
  }
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    error_.clear();
    const int port = free_port();
    if (port != 0 && try_start(certs, options, port)) return;
  }
}

NginxTlsServer::~NginxTlsServer() {
  stop();
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

// Starts nginx on `port`; true once its pid file exists (nginx writes it after binding).
bool NginxTlsServer::try_start(const TlsCertificates& certs, const NginxTlsOptions& options,
                               int port) {
  const std::string conf = dir_ + "/nginx.conf";
  const std::string pid_file = dir_ + "/nginx.pid";
  std::filesystem::remove(pid_file);
  std::ofstream(conf) << nginx_config(dir_, certs.client_ca_path(), options, port);
  pid_ = spawn({"nginx", "-p", dir_, "-c", conf, "-e", dir_ + "/error.log"});
  if (pid_ < 0) {
    error_ = "cannot start nginx (is nginx-light installed?)";
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + kStartLimit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(pid_file) && !read_text_file(pid_file).empty()) {
      port_ = port;
      return true;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "nginx exited at start: " + read_text_file(dir_ + "/error.log");
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop();
  error_ = "nginx did not start within 10 s: " + read_text_file(dir_ + "/error.log");
  return false;
}

void NginxTlsServer::stop() {
  if (pid_ < 0) return;
  kill(pid_, SIGTERM);
  if (!wait_exit(pid_, kStopLimit)) {
    kill(pid_, SIGKILL);
    wait_exit(pid_, kStopLimit);
  }
  pid_ = -1;
}

}  // namespace perfgate::test_support
