// Fuzz target for the HTTP/2 client session's receive path (src/protocols/http2_session.h): what
// a server sends, fed to an Http2Session that has three requests in flight (a GET, a POST whose
// body is larger than the initial flow-control window, another GET).
//
// Input: byte 0 chooses the piece size (bits 0-4: 1..32 bytes a feed), whether headers and
// bodies are kept (bit 5), whether the third request is cancelled before any byte arrives
// (bit 6), and a small kept-body bound (bit 7: 16 bytes); the rest is the server's bytes. The
// target feeds them piece by piece, writes out whatever the session produces, reads every view
// of every finished request, and ends with on_eof(). It aborts when the session breaks its
// contract: a request reported twice or never submitted, a response missing on success or
// present on failure, a kept body over its bound, a failure without its reason, more open streams
// than were submitted, or free streams on a failed connection.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "protocols/http2_session.h"

namespace {

using perfgate::protocols::FeedResult;
using perfgate::protocols::Http2Session;
using perfgate::protocols::kNoStream;
using perfgate::protocols::OutgoingRequest;
using perfgate::protocols::ResponseCapture;
using perfgate::protocols::SessionError;
using perfgate::protocols::StreamEvent;
using perfgate::protocols::StreamId;

volatile size_t checksum_sink;  // keeps the reads of every view from being optimised away

void check(bool ok) {
  if (!ok) std::abort();
}

struct Run {
  Http2Session session;
  ResponseCapture capture;
  std::set<StreamId> submitted, reported;
  size_t checksum = 0;  // every byte of every view is read (ASan sees a stale one)

  void drain_output() {
    for (int i = 0; i < 64; ++i) {
      const std::string_view out = session.output();
      if (out.empty()) return;
      session.consume(out.size());
    }
  }
  void collect() {
    StreamEvent e;
    while (session.next_event(&e)) {
      check(submitted.count(e.stream) == 1);
      check(reported.insert(e.stream).second);
      check((e.error == SessionError::kNone) == (e.response != nullptr));
      if (e.response == nullptr) continue;
      check(!capture.body || e.response->body.size() <= capture.max_body_bytes);
      for (const auto& [name, value] : e.response->headers) checksum += name.size() + value.size();
      for (const auto& [name, value] : e.response->trailers) {
        for (char c : name) checksum += static_cast<unsigned char>(c);
        for (char c : value) checksum += static_cast<unsigned char>(c);
      }
      for (char c : e.response->body) checksum += static_cast<unsigned char>(c);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + (data[0] & 31);
  Run run;
  run.capture.headers = run.capture.body = (data[0] & 32) != 0;
  if ((data[0] & 128) != 0) run.capture.max_body_bytes = 16;
  static const std::string body(70000, 'p');
  OutgoingRequest get;
  get.authority = "fuzz.test";
  get.target = "/a";
  OutgoingRequest post = get;
  post.method = "POST";
  post.body = body;
  for (const OutgoingRequest* r : {&get, &post, &get}) {
    const StreamId id = run.session.submit(*r, run.capture);
    check(id != kNoStream);
    run.submitted.insert(id);
  }
  if ((data[0] & 64) != 0) run.session.cancel(*run.submitted.rbegin());
  run.drain_output();
  const char* bytes = reinterpret_cast<const char*>(data + 1);
  const size_t n = size - 1;
  bool failed = false;
  for (size_t offset = 0; offset < n && !failed; offset += piece) {
    const FeedResult r = run.session.feed(bytes + offset, std::min(piece, n - offset));
    check(run.session.open_streams() <= run.submitted.size());
    if (r == FeedResult::kError) {
      check(run.session.error() != SessionError::kNone);
      failed = true;
    }
    run.collect();
    run.drain_output();
  }
  if (!failed) run.session.on_eof();
  run.collect();
  check(!failed || run.session.free_streams() == 0);
  checksum_sink = run.checksum;
  return 0;
}
