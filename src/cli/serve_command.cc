// `perfgate serve`: runs the built-in target server until SIGINT or SIGTERM.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "net/socket.h"
#include "server/server.h"
#include "server/tls_certificate.h"

namespace perfgate::cli {
namespace {

constexpr const char* kServeHelp =
    "Run the built-in HTTP/1.1 and HTTP/2 target server (plain or --tls) for demos, tests\n"
    "and benchmarks. HTTP/2: h2c with prior knowledge, or h2 by ALPN with --tls.\n"
    "The first line on stdout is the base URL. Stops cleanly on SIGINT/SIGTERM.\n\n"
    "Endpoints: / /bytes/{n} /delay/{ms} /status/{code} /echo /json /chunked/{n}\n"
    "           POST /login (password \"secret\") /me (Authorization: Bearer <token>)\n\n"
    "Examples:\n"
    "  perfgate serve\n"
    "  perfgate serve --listen 127.0.0.1:0 --threads 2 --quiet\n"
    "  perfgate serve --tls --write-cert /tmp/serve.pem   # then: --cacert /tmp/serve.pem";

// Blocks the stop signals in this thread and every thread started after, so they can be
// taken synchronously with sigwait instead of interrupting a worker at a random point.
// The default disposition is restored first: a shell starts background jobs with SIGINT
// ignored, and an ignored signal is discarded rather than left pending for sigwait.
sigset_t block_stop_signals() {
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Where the self-signed certificate goes when --write-cert is not given.
std::string temp_certificate_path() {
  const char* tmp = std::getenv("TMPDIR");
  const std::string dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  return fmt::format("{}/perfgate-serve-{}-cert.pem", dir, getpid());
}

// Writes the generated certificate for clients to trust; returns its path ("" on failure).
std::string publish_certificate(const server::Server& server, std::string path) {
  if (path.empty()) path = temp_certificate_path();
  if (Result<void> written = server::write_pem_file(path, server.generated_certificate_pem());
      !written) {
    fmt::print(stderr, "error: {}\n", written.error().describe());
    return {};
  }
  return path;
}

}  // namespace

int serve_main(const std::vector<std::string>& args) {
  server::ServerOptions options;
  bool quiet = false;
  CLI::App app(kServeHelp, "perfgate serve");
  app.add_option("--listen", options.listen, "host:port to listen on (port 0: a free port)")
      ->capture_default_str();
  app.add_option("--threads", options.threads, "worker threads (default: one per CPU)")
      ->check(CLI::Range(1, 256));
  app.add_flag("-q,--quiet", quiet, "print nothing but the base URL");
  std::string write_cert;
  app.add_flag("--tls", options.tls, "serve HTTPS (TLS 1.2 and 1.3)");
  app.add_option("--cert", options.cert_path, "PEM certificate (chain) for --tls")
      ->check(CLI::ExistingFile);
  app.add_option("--key", options.key_path, "PEM private key of --cert")->check(CLI::ExistingFile);
  app.add_option("--write-cert", write_cert,
                 "with --tls and no --cert: write the self-signed certificate here");
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;

  options.tls = options.tls || !options.cert_path.empty();  // --cert implies --tls
  signal(SIGPIPE, SIG_IGN);
  const sigset_t stop_signals = block_stop_signals();
  const long fd_limit = net::raise_open_file_limit();
  auto server = server::Server::start(options);
  if (!server) {
    fmt::print(stderr, "error: {}\n", server.error().describe());
    return kExitRuntimeError;
  }
  std::string temp_cert;
  if (!(*server)->generated_certificate_pem().empty()) {
    const std::string path = publish_certificate(**server, write_cert);
    if (path.empty()) return kExitRuntimeError;
    if (write_cert.empty()) temp_cert = path;
    fmt::print(stderr, "perfgate serve: self-signed certificate in {} (clients: --cacert {})\n",
               path, path);
  }
  std::fputs(((*server)->base_url() + "\n").c_str(), stdout);
  std::fflush(stdout);  // tests and scripts read the URL from a pipe
  if (!quiet) {
    fmt::print(stderr, "perfgate serve: {} thread(s), up to {} open files; Ctrl-C stops\n",
               (*server)->threads(), fd_limit);
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  (*server)->stop();
  if (!temp_cert.empty()) unlink(temp_cert.c_str());
  if (!quiet) {
    const server::WorkerStats stats = (*server)->stats();
    fmt::print(stderr, "perfgate serve: stopped by {}; {} connection(s), {} request(s)\n",
               signal_number == SIGINT ? "SIGINT" : "SIGTERM", stats.connections, stats.requests);
  }
  return kExitOk;
}

}  // namespace perfgate::cli
