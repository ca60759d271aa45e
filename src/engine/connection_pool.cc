#include "engine/connection_pool.h"

namespace perfgate::engine {
namespace {

// A request sent through the pool tells its own user; the pool's connections need a default
// user only to exist.
struct NoUser final : ConnectionUser {
  void on_request_done(const RequestOutcome&, Nanos) override {}
};
NoUser no_user;

}  // namespace

ConnectionPool::ConnectionPool(ConnectionContext& context, size_t connections) : context_(context) {
  connections_.reserve(connections);
  for (size_t i = 0; i < connections; ++i) {
    connections_.push_back(std::make_unique<Connection>(context, no_user));
  }
}

ConnectionPool::~ConnectionPool() { close_all(); }

void ConnectionPool::close_all() {
  waiting_.clear();
  for (auto& c : connections_) c->close();
}

Connection* ConnectionPool::pick(const Origin& origin) {
  // The connection whose response is being handled takes the next request first: it writes
  // every request sent from its callbacks at once.
  for (auto& c : connections_) {
    if (c->delivering() && c->accepts(origin)) return c.get();
  }
  const size_t n = connections_.size();
  for (size_t k = 0; k < n; ++k) {
    Connection& c = *connections_[(next_ + k) % n];
    if (!c.accepts(origin)) continue;
    next_ = (next_ + k + 1) % n;
    return &c;
  }
  // No connection serves this origin now: an idle one open to another origin is closed and
  // reopened for it (Connection::send does that), or requests to a second host would wait behind
  // connections that keep their first host forever.
  for (size_t k = 0; k < n; ++k) {
    Connection& c = *connections_[(next_ + k) % n];
    if (c.busy() || c.delivering()) continue;
    next_ = (next_ + k + 1) % n;
    return &c;
  }
  return nullptr;
}

void ConnectionPool::send(ConnectionUser& user, const Origin& origin,
                          const protocols::OutgoingRequest& request,
                          const protocols::ResponseCapture& capture, Nanos timeout, Nanos now) {
  if (waiting_.empty()) {
    if (Connection* c = pick(origin)) return c->send(origin, request, capture, timeout, now, &user);
  }
  waiting_.push_back({&user, origin, request, capture, timeout, now});
}

void ConnectionPool::dispatch(Nanos now) {
  if (dispatching_) return;  // a send below ended a request at once: the outer loop goes on
  dispatching_ = true;
  while (!waiting_.empty()) {
    Connection* c = pick(waiting_.front().origin);
    if (c == nullptr) break;
    const Waiting w = waiting_.front();
    waiting_.pop_front();
    c->send(w.origin, w.request, w.capture, w.timeout, now, w.user);
  }
  dispatching_ = false;
}

void ConnectionPool::on_request_finished(Nanos now) { dispatch(now); }

void ConnectionPool::abandon(const ConnectionUser& user) {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    it = it->user == &user ? waiting_.erase(it) : it + 1;
  }
  for (auto& c : connections_) c->abandon(user);
}

void ConnectionPool::check_deadline(Nanos now) {
  for (auto& c : connections_) c->check_deadline(now);
  while (!waiting_.empty() && now >= waiting_.front().since + waiting_.front().timeout) {
    const Waiting w = waiting_.front();
    waiting_.pop_front();
    RequestTimes times;
    times.queued = w.since;
    times.send_start = now;
    times.done = now;
    times.tls = w.origin.tls;
    RequestOutcome outcome;
    outcome.error = results::ErrorClass::kRequestTimeout;
    outcome.times = &times;
    w.user->on_request_done(outcome, now);
  }
  dispatch(now);
}

}  // namespace perfgate::engine
