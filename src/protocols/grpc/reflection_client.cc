// ReflectionClient: one blocking gRPC call at a time, on perfgate's own transports and
// Http2Session, driven by poll() against one deadline.
//
// (libcurl was the first choice; its 7.88 fails a POST whose stream the server closes before the
// upload is done, "Stream error in the HTTP/2 framing layer" — which is how gRPC servers answer
// an UNIMPLEMENTED reflection version, so the v1 -> v1alpha fallback could not be told apart from
// a broken connection.)
#include "protocols/grpc/reflection_client.h"

#include <fmt/format.h>
#include <poll.h>

#include <array>
#include <cstring>
#include <memory>

#include "net/address.h"
#include "net/tcp_transport.h"
#include "net/tls_transport.h"
#include "protocols/grpc/status.h"
#include "protocols/http2_session.h"

namespace perfgate::protocols::grpc {
namespace {

Nanos now() { return SteadyClock::monotonic_now(); }

// One connection to the target, and its deadline.
class Link {
 public:
  Link(const ReflectionTarget& target, Nanos deadline) : t_(target), deadline_(deadline) {}

  Result<void> open(const std::string& host, uint16_t port) {
    auto address = net::resolve(host, port);
    if (!address) return address.error();
    if (tls()) {
      net::TlsClientOptions options;
      options.verify = !t_.insecure;
      options.ca_file = t_.ca_file;
      options.alpn = {"h2"};
      auto context = net::TlsClientContext::create(options);
      if (!context) return context.error();
      transport_ = std::make_unique<net::TlsTransport>(*context);
      transport_->offer_protocols("\x02h2");
    } else {
      transport_ = std::make_unique<net::TcpTransport>();
    }
    net::IoResult r = transport_->connect(*address, host);
    while (r.status == net::IoStatus::kWantWrite) {
      if (auto ok = wait(POLLOUT); !ok) return ok;
      r = transport_->finish_connect();
    }
    if (r.status != net::IoStatus::kDone) return failure("connect", r);
    for (r = transport_->handshake(); r.status != net::IoStatus::kDone;
         r = transport_->handshake()) {
      if (r.status != net::IoStatus::kWantRead && r.status != net::IoStatus::kWantWrite) {
        return failure("TLS handshake", r);
      }
      if (auto ok = wait(r.status == net::IoStatus::kWantRead ? POLLIN : POLLOUT); !ok) return ok;
    }
    if (tls() && transport_->negotiated_protocol() != "h2") {
      return make_error(fmt::format("{}: the server did not agree to HTTP/2 (ALPN h2)", t_.origin),
                        "gRPC needs HTTP/2");
    }
    return {};
  }

  // Writes everything the session has to send.
  Result<void> flush(Http2Session& session) {
    for (std::string_view out = session.output(); !out.empty(); out = session.output()) {
      const net::IoResult r = transport_->write(out.data(), out.size());
      if (r.status == net::IoStatus::kDone) {
        session.consume(r.bytes);
      } else if (r.status == net::IoStatus::kWantWrite || r.status == net::IoStatus::kWantRead) {
        if (auto ok = wait(r.status == net::IoStatus::kWantRead ? POLLIN : POLLOUT); !ok) return ok;
      } else {
        return failure("write", r);
      }
    }
    return {};
  }

  // Reads what has arrived into the session (waiting for it when nothing has).
  Result<FeedResult> receive(Http2Session& session) {
    std::array<char, 16384> buffer;
    for (;;) {
      const net::IoResult r = transport_->read(buffer.data(), buffer.size());
      if (r.status == net::IoStatus::kDone) return session.feed(buffer.data(), r.bytes);
      if (r.status == net::IoStatus::kEof) return session.on_eof();
      if (r.status != net::IoStatus::kWantRead && r.status != net::IoStatus::kWantWrite) {
        return failure("read", r);
      }
      if (auto ok = wait(r.status == net::IoStatus::kWantRead ? POLLIN : POLLOUT); !ok) {
        return ok.error();
      }
    }
  }

 private:
  bool tls() const { return t_.origin.starts_with("https://"); }

  Result<void> wait(short events) {
    const Nanos left = deadline_ - now();
    pollfd p{transport_->fd(), events, 0};
    const int ready = left > 0 ? ::poll(&p, 1, static_cast<int>(left / 1'000'000) + 1) : 0;
    if (ready == 0) {
      return make_error(
          fmt::format("{}: timed out after {} s", t_.origin, t_.timeout / kNanosPerSecond));
    }
    return {};
  }

  Error failure(std::string_view what, const net::IoResult& r) const {
    return make_error(fmt::format("{}: {}: {}", t_.origin, what,
                                  r.sys_errno != 0 ? std::strerror(r.sys_errno)
                                                   : std::string(transport_error_name(r.error))));
  }

  const ReflectionTarget& t_;
  Nanos deadline_;
  std::unique_ptr<net::Transport> transport_;
};

Result<UnaryReply> call(const ReflectionTarget& t, std::string_view path, std::string_view body) {
  const bool tls = t.origin.starts_with("https://");
  const std::string authority = t.origin.substr(tls ? 8 : 7);
  auto host_port = net::parse_host_port(authority);
  if (!host_port) return host_port.error();
  Link link(t, now() + t.timeout);
  if (auto ok = link.open(host_port->host, host_port->port); !ok) return ok.error();
  Http2Session session;
  const std::array<HeaderField, 2> headers = {HeaderField{"content-type", "application/grpc"},
                                              HeaderField{"te", "trailers"}};
  OutgoingRequest request;
  request.method = "POST";
  request.authority = authority;
  request.target = path;
  request.scheme = tls ? "https" : "http";
  request.headers = headers;
  request.body = body;
  request.user_agent = "perfgate";
  const StreamId stream =
      session.submit(request, ResponseCapture{true, true, kMaxReflectionReplyBytes});
  if (stream == kNoStream) return make_error("the reflection request cannot be written");
  for (;;) {
    if (auto ok = link.flush(session); !ok) return ok.error();
    auto fed = link.receive(session);
    if (!fed) return fed.error();
    if (*fed == FeedResult::kError) {
      return make_error(fmt::format("{}: HTTP/2: {}", t.origin, session.error_detail()));
    }
    StreamEvent event;
    if (*fed != FeedResult::kComplete || !session.next_event(&event)) continue;
    if (event.error != SessionError::kNone) {
      return make_error(
          fmt::format("{}: the server {}", t.origin,
                      event.error == SessionError::kBodyTooLarge
                          ? fmt::format("sent more than {} MiB", kMaxReflectionReplyBytes >> 20)
                          : std::string("reset or dropped the reflection call")));
    }
    const Response& response = *event.response;
    const CallStatus status = read_status(response.headers, response.trailers, response.status);
    return UnaryReply{status.code, status.message, std::string(response.body)};
  }
}

}  // namespace

ReflectionTransport reflection_transport(ReflectionTarget target) {
  return [target = std::move(target)](std::string_view path,
                                      std::string_view body) -> Result<UnaryReply> {
    return call(target, path, body);
  };
}

}  // namespace perfgate::protocols::grpc
