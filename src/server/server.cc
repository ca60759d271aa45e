#include "server/server.h"

#include <fmt/format.h>
#include <unistd.h>

#include "net/socket.h"

namespace perfgate::server {
namespace {

// Whether ALPN offers h2 (HTTP/2 over TLS) besides http/1.1.
constexpr bool kOfferHttp2 = true;

// Resolves `listen` and binds `count` listeners to it; all share the port the first one got.
Result<std::vector<int>> bind_listeners(const std::string& listen, int count, int backlog,
                                        net::Address& bound) {
  Result<net::HostPort> host_port = net::parse_host_port(listen);
  if (!host_port) return host_port.error();
  Result<net::Address> address = net::resolve(host_port->host, host_port->port);
  if (!address) return address.error();
  std::vector<int> fds;
  for (int i = 0; i < count; ++i) {
    Result<int> fd = net::listen_tcp(i == 0 ? *address : bound, backlog, /*reuse_port=*/true);
    if (!fd) {
      for (int open_fd : fds) close(open_fd);
      return fd.error();
    }
    if (i == 0) {
      Result<net::Address> local = net::local_address(*fd);
      if (!local) {
        close(*fd);
        return local.error();
      }
      bound = *local;
    }
    fds.push_back(*fd);
  }
  return fds;
}

}  // namespace

Result<std::unique_ptr<Server>> Server::start(const ServerOptions& options) {
  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  std::unique_ptr<Server> server(new Server());
  if (options.tls) {
    if (Result<void> tls = server->set_up_tls(options); !tls) return tls.error();
  }
  Result<std::vector<int>> fds =
      bind_listeners(options.listen, threads, options.backlog, server->address_);
  if (!fds) return fds.error();
  for (int fd : *fds)
    server->workers_.push_back(std::make_unique<Worker>(server->router_, fd, server->tls_.get()));
  for (auto& worker : server->workers_) {
    server->threads_.emplace_back([w = worker.get()] { w->run(); });
  }
  return server;
}

Result<void> Server::set_up_tls(const ServerOptions& options) {
  Result<std::unique_ptr<TlsServerContext>> context = make_error("no certificate");
  if (!options.cert_path.empty()) {
    if (options.key_path.empty()) return make_error("--cert needs --key");
    context = TlsServerContext::from_files(options.cert_path, options.key_path, kOfferHttp2);
  } else {
    if (!options.key_path.empty()) return make_error("--key needs --cert");
    Result<KeyAndCertificate> made = make_localhost_certificate();
    if (!made) return made.error();
    generated_ = std::move(*made);
    context = TlsServerContext::from_pem(generated_, kOfferHttp2);
  }
  if (!context) return context.error();
  tls_ = std::move(*context);
  return {};
}

Server::~Server() { stop(); }

void Server::stop() {
  for (auto& worker : workers_) worker->stop();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

WorkerStats Server::stats() const {
  WorkerStats total;
  for (const auto& worker : workers_) {
    total.connections += worker->stats().connections;
    total.requests += worker->stats().requests;
  }
  return total;
}

}  // namespace perfgate::server
