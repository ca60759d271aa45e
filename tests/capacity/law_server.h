// Test support: an HTTP/1.1 server on 127.0.0.1:0 whose performance follows a known law, so the
// capacity, scale and stress commands can be checked against the truth. One thread per
// connection (tests open at most a few hundred); every response is "200 ok" unless the breaker
// is open (503).
//
// Laws:
//   kWorkers  W workers with a fixed service time S, first come first served: a request is
//             given the worker that frees first and answered at max(arrival, free) + S, so the
//             saturation throughput is exactly W / S whatever the scheduler's sleep overshoot.
//   kUsl      a request that arrives while N connections are open is answered
//             S · (1 + σ(N−1) + κN(N−1)) after its arrival: under N closed-model users (one
//             connection each) the throughput is the USL with λ = 1/S. Open connections rather
//             than requests in flight, because the generator's gap between a response and the
//             next request would otherwise lower N by a few percent at high concurrency.
//   kBreaker  answered after S; when more than trip_rate requests per second arrived over the
//             last 0.5 s the breaker opens, and it stays open (503 at once) until trip_seconds
//             after the last overloaded moment.
//
// Thread-safety: construct and destroy on the test thread; the server runs on its own threads.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace perfgate::test_support {

struct LawConfig {
  enum class Law { kWorkers, kUsl, kBreaker } law = Law::kWorkers;
  int workers = 4;
  double service_ms = 20;
  double sigma = 0, kappa = 0;
  double trip_rate = 150;
  double trip_seconds = 3;
};

class LawServer {
 public:
  explicit LawServer(LawConfig config);
  ~LawServer();
  LawServer(const LawServer&) = delete;
  LawServer& operator=(const LawServer&) = delete;

  std::string url() const;  // "http://127.0.0.1:<port>/"

 private:
  using Clock = std::chrono::steady_clock;
  void accept_loop();
  void connection(int fd);
  bool respond(int fd);  // handles one request; false to close
  Clock::time_point answer_at(Clock::time_point arrival, bool* reject);

  LawConfig config_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mutex_;                        // guards the fields below and threads_
  std::vector<Clock::time_point> free_at_;  // kWorkers: when each worker frees
  std::deque<Clock::time_point> arrivals_;  // kBreaker: the last 0.5 s of arrivals
  Clock::time_point open_until_{};          // kBreaker
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace perfgate::test_support
