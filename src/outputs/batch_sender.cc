#include "outputs/batch_sender.h"

#include <chrono>

namespace perfgate::outputs {

BatchSender::BatchSender(size_t max_pending, Post post)
    : max_pending_(max_pending), post_(std::move(post)) {
  thread_ = std::thread([this] { loop(); });
}

BatchSender::~BatchSender() { finish(0); }

void BatchSender::push(std::string batch) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_pending_) {
      dropped_.fetch_add(1);
      return;
    }
    queue_.push_back(std::move(batch));
  }
  wake_.notify_all();
}

void BatchSender::loop() {
  for (;;) {
    std::string batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      batch = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    if (auto ok = post_(batch, cancel_); ok) {
      sent_.fetch_add(1);
    } else {
      failed_.fetch_add(1);
      std::lock_guard lock(error_mutex_);
      last_error_ = ok.error().message;
    }
    {
      std::lock_guard lock(mutex_);
      busy_ = false;
    }
    wake_.notify_all();
  }
}

void BatchSender::finish(Nanos wait) {
  if (!thread_.joinable()) return;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(wait);
  {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
    wake_.wait_until(lock, deadline, [this] { return queue_.empty() && !busy_; });
    // Whatever could not be sent in time counts as dropped.
    dropped_.fetch_add(static_cast<int64_t>(queue_.size()));
    queue_.clear();
  }
  cancel_.store(true);  // an in-flight post gives up within 50 ms
  wake_.notify_all();
  thread_.join();
}

std::string BatchSender::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

}  // namespace perfgate::outputs
