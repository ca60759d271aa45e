// TLS test fixtures: certificates and real TLS servers for integration tests of TLS clients.
// Link the CMake target `perfgate_tls_fixtures` and include "tests/support/tls_fixtures.h".
//
//   TlsCertificates certs;                       // a CA and every certificate, in a temp dir
//   ASSERT_TRUE(certs.ok()) << certs.error();
//   NginxTlsServer nginx(certs, {.cert = certs.valid(), .versions = TlsVersions::k13Only});
//   ASSERT_TRUE(nginx.ok()) << nginx.error();
//   run_client(nginx.url(), "--cacert", nginx.ca_path());   // https://127.0.0.1:<port>/
//
// What each gives:
// - TlsCertificates (a): files in a fresh temp dir (removed by the destructor):
//     ca_path()          the CA that signs valid(), expired() and wrong_host(); trust this one
//     valid()            CN localhost, SANs localhost, 127.0.0.1 and ::1, valid now
//     expired()          the same names, expired (valid from 30 days ago until yesterday)
//     wrong_host()       signed by the CA, but only for "wrong.example" (no localhost, no IP)
//     self_signed()      localhost/127.0.0.1/::1, self-signed: untrusted by the CA file
//     client_ca_path()   a second CA, for client certificates only
//     client()           a client certificate (clientAuth, CN perfgate-client) from client_ca
//   Keys are EC P-256, PEM, unencrypted.
// - NginxTlsServer (b): nginx (nginx-light) in its own temp prefix with the chosen certificate,
//   TLS versions and optionally a required client certificate (verified against
//   client_ca_path()). Every path answers 200 "hello from nginx\n" (text/plain); with
//   `http2`, ALPN offers h2 as well as http/1.1. Ports: a free port is picked and nginx is
//   started; if another process took it in between, nginx's bind fails and another port is
//   tried (up to 8 times). Ready means nginx has written its pid file, which it does only after
//   binding. The destructor sends SIGTERM, waits (bounded), then SIGKILL.
// - ResetServer (c): accepts TCP on 127.0.0.1:0, reads the first bytes the client sends (the
//   ClientHello), then closes with SO_LINGER 0, so the client sees a reset mid-handshake.
// - PlainHttpServer (c): accepts TCP on 127.0.0.1:0, reads what arrives, answers
//   "HTTP/1.1 400 Bad Request" with a short plain-text body and closes: plain HTTP on the
//   port a client thinks speaks TLS.
// Each server gives url() ("https://127.0.0.1:<port>/"), port() and ca_path() (the fixture CA,
// which is what a client would be told to trust). Servers stop cleanly in their destructors;
// every wait is bounded, so a broken fixture fails a test instead of hanging it.
//
// Thread-safety: construct, use and destroy each fixture on one thread. The tiny servers run
// their own thread; NginxTlsServer runs a child process.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <string>
#include <thread>

namespace perfgate::test_support {

// A certificate's files.
struct CertFiles {
  std::string cert;  // PEM certificate
  std::string key;   // PEM private key
};

class TlsCertificates {
 public:
  TlsCertificates();  // makes the temp dir and every certificate; check ok()
  ~TlsCertificates();
  TlsCertificates(const TlsCertificates&) = delete;
  TlsCertificates& operator=(const TlsCertificates&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& dir() const { return dir_; }

  std::string ca_path() const { return dir_ + "/ca.pem"; }
  CertFiles valid() const { return files("valid"); }
  CertFiles expired() const { return files("expired"); }
  CertFiles wrong_host() const { return files("wrong-host"); }
  CertFiles self_signed() const { return files("self-signed"); }
  std::string client_ca_path() const { return dir_ + "/client-ca.pem"; }
  CertFiles client() const { return files("client"); }

 private:
  CertFiles files(const std::string& name) const {
    return {dir_ + "/" + name + ".pem", dir_ + "/" + name + "-key.pem"};
  }
  bool generate();

  std::string dir_;
  std::string error_;
};

enum class TlsVersions { kAny, k12Only, k13Only };  // kAny: TLS 1.2 and 1.3

struct NginxTlsOptions {
  CertFiles cert;  // usually certs.valid(); required
  TlsVersions versions = TlsVersions::kAny;
  bool require_client_cert = false;  // ssl_verify_client on, against client_ca_path()
  bool http2 = false;                // ALPN offers h2 too
};

class NginxTlsServer {
 public:
  NginxTlsServer(const TlsCertificates& certs, const NginxTlsOptions& options);
  ~NginxTlsServer();
  NginxTlsServer(const NginxTlsServer&) = delete;
  NginxTlsServer& operator=(const NginxTlsServer&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }  // with nginx's error log when it failed
  int port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/"; }
  std::string localhost_url() const { return "https://localhost:" + std::to_string(port_) + "/"; }
  const std::string& ca_path() const { return ca_path_; }

 private:
  bool try_start(const TlsCertificates& certs, const NginxTlsOptions& options, int port);
  void stop();

  std::string dir_;  // nginx prefix: conf, logs, pid, temp paths
  std::string ca_path_;
  std::string error_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// A one-thread TCP server on 127.0.0.1:0 that misbehaves on every connection.
class TinyServer {
 public:
  ~TinyServer();
  TinyServer(const TinyServer&) = delete;
  TinyServer& operator=(const TinyServer&) = delete;

  bool ok() const { return listen_fd_ >= 0; }
  int port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/"; }
  const std::string& ca_path() const { return ca_path_; }
  int connections_seen() const { return connections_.load(); }

 protected:
  enum class Mode { kResetMidHandshake, kPlainHttp };
  TinyServer(Mode mode, std::string ca_path);

 private:
  void serve();
  void handle(int fd);

  Mode mode_;
  std::string ca_path_;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// Resets every connection after reading the start of the TLS handshake.
class ResetServer : public TinyServer {
 public:
  explicit ResetServer(std::string ca_path = {}) : TinyServer(Mode::kResetMidHandshake, ca_path) {}
};

// Answers plain HTTP (a 400) on the port a client treats as TLS.
class PlainHttpServer : public TinyServer {
 public:
  explicit PlainHttpServer(std::string ca_path = {}) : TinyServer(Mode::kPlainHttp, ca_path) {}
};

// Text of a file ("" when it cannot be read); for error messages.
std::string read_text_file(const std::string& path);

}  // namespace perfgate::test_support
