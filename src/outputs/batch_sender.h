// BatchSender: the bounded queue and sender thread behind the push outputs (InfluxDB, Prometheus
// remote write). The coordinator push()es a formatted batch and never waits on the network (a
// mutex is held for a push, never across I/O); the sender thread hands batches to `post` one at
// a time. A full queue drops the batch and counts it; a failed post is counted with its error and
// not retried (a retry would only add to the backlog that caused the failure).
//
// Thread-safety: push/finish from one thread; the counters and last_error from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/result.h"

namespace perfgate::outputs {

class BatchSender {
 public:
  // `post` runs on the sender thread; `cancel` is set when finish() gives up on it (a POST
  // should then return within about 50 ms).
  using Post =
      std::function<Result<void>(const std::string& batch, const std::atomic<bool>& cancel)>;
  BatchSender(size_t max_pending, Post post);
  ~BatchSender();

  void push(std::string batch);
  // Sends what is queued for at most `wait`; what is left counts as dropped. Idempotent.
  void finish(Nanos wait);

  int64_t sent() const { return sent_.load(); }
  int64_t failed() const { return failed_.load(); }
  int64_t dropped() const { return dropped_.load(); }
  std::string last_error() const;

 private:
  void loop();

  const size_t max_pending_;
  const Post post_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;  // guarded by mutex_
  bool stopping_ = false;          // guarded by mutex_
  bool busy_ = false;              // guarded by mutex_: a post is in flight
  std::atomic<bool> cancel_{false};
  std::atomic<int64_t> sent_{0}, failed_{0}, dropped_{0};
  mutable std::mutex error_mutex_;
  std::string last_error_;  // guarded by error_mutex_
  std::thread thread_;
};

}  // namespace perfgate::outputs
