// Server: `perfgate serve`, the built-in target: N worker threads, each with its own event loop
// and SO_REUSEPORT listener on the same address, so the kernel spreads connections across them
// and no lock is shared on the request path.
//
// REQUIRES: SIGPIPE ignored in the process (serve_main does it). TLS writes go through
// OpenSSL's socket BIO, which uses write() without MSG_NOSIGNAL, so a client that resets a TLS
// connection would otherwise kill the process.
//
// Thread-safety: start() and stop() are called from one controlling thread; the workers run on
// their own threads between the two.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "net/address.h"
#include "server/router.h"
#include "server/tls_certificate.h"
#include "server/tls_server_context.h"
#include "server/token.h"
#include "server/worker.h"

namespace perfgate::server {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free port
  int threads = 0;                        // 0: one per CPU
  int backlog = 4096;
  bool tls = false;       // serve HTTPS (TLS 1.2 and 1.3) instead of plain HTTP
  std::string cert_path;  // with tls: PEM certificate chain; empty: a self-signed one made now
  std::string key_path;   // with tls and cert_path: its PEM private key
};

class Server {
 public:
  // Binds the listeners and starts the workers; errors (bad address, port in use) as values.
  static Result<std::unique_ptr<Server>> start(const ServerOptions& options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The address actually bound (with the real port after port 0).
  const net::Address& address() const { return address_; }
  // "http://127.0.0.1:41234", "http://[::1]:41234", or https:// with TLS.
  std::string base_url() const { return (tls_ ? "https://" : "http://") + address_.to_string(); }
  // With TLS and no cert_path: the self-signed certificate made at start (PEM), for clients to
  // trust; otherwise empty.
  const std::string& generated_certificate_pem() const { return generated_.cert_pem; }
  int threads() const { return static_cast<int>(workers_.size()); }

  // Stops and joins the workers; open connections are closed. Idempotent.
  void stop();
  // Totals over all workers; complete only after stop().
  WorkerStats stats() const;

 private:
  Server() : router_(signer_) {}

  Result<void> set_up_tls(const ServerOptions& options);

  TokenSigner signer_;
  KeyAndCertificate generated_;
  std::unique_ptr<TlsServerContext> tls_;
  Router router_;
  net::Address address_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
};

}  // namespace perfgate::server
