// The answering half of Connection: turning the router's Response into bytes, now, after a
// delay, or piece by piece for generated bodies.
#include <algorithm>

#include "server/connection.h"
#include "server/router.h"
#include "server/worker.h"

namespace perfgate::server {
namespace {

constexpr size_t kStreamPieceBytes = 64 * 1024;

}  // namespace

void Connection::respond(const Request& request) {
  Response& response = worker_.response();
  response.reset();
  worker_.router().route(request, response);
  worker_.count_request();
  const bool http10 = request.version_minor == 0;
  if (http10 && response.body_kind == Response::Body::kGeneratedChunked) {
    response.body_kind = Response::Body::kGenerated;  // HTTP/1.0 has no chunked encoding
  }
  const bool keep_alive = request.keep_alive && !response.close;
  const bool with_body = !request.is_head() && status_has_body(response.status);
  std::string& out = response.delay_ms > 0 ? delayed_output_ : out_;
  append_head(response, keep_alive, http10, out);
  if (with_body && response.body_kind == Response::Body::kText) out += response.text_body();
  if (!keep_alive) close_after_write_ = true;
  if (response.delay_ms > 0) {
    // The response waits in delayed_output_; busy() holds back the requests behind it.
    delayed_ = true;
    delayed_close_ = close_after_write_;
    close_after_write_ = false;
    const Nanos deadline = worker_.loop().clock().now() + response.delay_ms * kNanosPerMilli;
    timer_token_ = worker_.loop().schedule(deadline, this);
    return;
  }
  if (with_body && response.body_kind != Response::Body::kText) start_stream(response, http10);
}

void Connection::respond_error(const ParseOutcome& outcome) {
  Response& response = worker_.response();
  response.reset();
  response.status = outcome.error_status;
  response.owned_body = std::string(outcome.error) + "\n";
  worker_.count_request();
  append_head(response, /*keep_alive=*/false, /*http10=*/false, out_);
  out_ += response.owned_body;
  close_after_write_ = true;
}

void Connection::start_stream(const Response& response, bool http10) {
  stream_offset_ = 0;
  stream_left_ = response.generated_bytes;
  const bool chunked = response.body_kind == Response::Body::kGeneratedChunked && !http10;
  stream_chunk_ = chunked ? static_cast<uint32_t>(chunk_size_for(stream_left_)) : 0;
  stream_last_chunk_ = chunked;
  produce_stream();  // small bodies are done at once and leave the connection free
}

// Appends about kStreamPieceBytes of the generated body being sent.
void Connection::produce_stream() {
  size_t budget = kStreamPieceBytes;
  while (stream_left_ > 0 && budget > 0) {
    const size_t n = stream_chunk_ > 0 ? std::min<uint64_t>(stream_chunk_, stream_left_)
                                       : std::min<uint64_t>(budget, stream_left_);
    if (stream_chunk_ > 0) {
      append_generated_chunk(stream_offset_, n, out_);
    } else {
      append_generated(stream_offset_, n, out_);
    }
    stream_offset_ += n;
    stream_left_ -= n;
    budget -= std::min(budget, n);
  }
  if (stream_left_ == 0 && stream_last_chunk_) {
    out_ += "0\r\n\r\n";
    stream_last_chunk_ = false;
  }
}

}  // namespace perfgate::server
