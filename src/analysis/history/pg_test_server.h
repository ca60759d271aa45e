// PgTestServer: a throw-away PostgreSQL server for tests, from the Debian `postgresql` package's
// binaries. start() runs initdb into a fresh temporary directory and pg_ctl start on 127.0.0.1
// with a free port (and its Unix socket in the same directory); the destructor stops the server
// and deletes the directory. As root, the binaries run as the `postgres` user (initdb refuses
// root) and the directory is handed to that user.
//
// Test-only code. Thread-safety: one object per test process; not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"

namespace perfgate::analysis::history {

class PgTestServer {
 public:
  // The directory of initdb and pg_ctl, or empty when PostgreSQL is not installed.
  static std::string binary_dir();

  // Starts a server. REQUIRES: !binary_dir().empty(). Errors carry the server log's tail.
  static Result<std::unique_ptr<PgTestServer>> start();

  ~PgTestServer();
  PgTestServer(const PgTestServer&) = delete;
  PgTestServer& operator=(const PgTestServer&) = delete;

  // A new empty database on this server; returns its postgresql:// URI.
  Result<std::string> create_database();
  std::string uri(const std::string& database) const;

 private:
  PgTestServer(std::string dir, int port) : dir_(std::move(dir)), port_(port) {}
  Result<void> run_initdb();
  Result<void> run_pg_ctl_start();

  std::string dir_;
  int port_;
  int databases_ = 0;
  bool started_ = false;
};

}  // namespace perfgate::analysis::history
