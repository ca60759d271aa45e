// Test support for the live outputs: a real InfluxDB 1.x (Debian's influxd) started on free
// loopback ports with every directory in a temporary folder, a "stalled" server that accepts
// connections and never answers, and small process helpers. Every wait is bounded; destructors
// stop and reap what they started.
//
// Thread-safety: one object per test.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/tls_fixtures.h"

namespace perfgate::outputs::testing {

// A loopback port that was free a moment ago (bound to port 0, then closed).
uint16_t free_port();

class InfluxServer {
 public:
  // Starts influxd and waits (up to 20 s) for /ping; nullptr with `error` set when it cannot.
  // With `tls` (PEM certificate and key files) it serves https only.
  static std::unique_ptr<InfluxServer> start(std::string& error,
                                             const test_support::CertFiles* tls = nullptr);
  ~InfluxServer();

  uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT".
  std::string base_url() const;
  // Runs an InfluxQL query against `db` and returns the raw JSON reply (or an error message).
  std::string query(const std::string& db, const std::string& influxql) const;

 private:
  InfluxServer() = default;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  bool tls_ = false;
  std::string dir_;
};

// A real Prometheus (Debian's prometheus, 2.33 or later) with its remote-write receiver
// (--web.enable-remote-write-receiver) on a free loopback port, in a temporary directory.
class PrometheusServer {
 public:
  // Starts it and waits (up to 30 s) for /-/ready; nullptr with `error` set when it cannot.
  static std::unique_ptr<PrometheusServer> start(std::string& error);
  ~PrometheusServer();

  uint16_t port() const { return port_; }
  // GET /api/v1/query?query=<promql>: the raw JSON reply (or an error message).
  std::string query(const std::string& promql) const;

 private:
  PrometheusServer() = default;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string dir_;
};

// Listens on 127.0.0.1, accepts every connection and keeps it open without reading or answering.
class StalledServer {
 public:
  StalledServer();
  ~StalledServer();
  uint16_t port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::vector<int> clients_;
  std::thread thread_;
};

// Runs `argv` with `input` on stdin; returns the exit code and fills `output` (stdout+stderr).
int run_with_input(const std::vector<std::string>& argv, const std::string& input,
                   std::string& output);

}  // namespace perfgate::outputs::testing
