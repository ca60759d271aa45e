// Speed of the HTTP/1.1 client protocol on the hot path: parsing typical responses (whole, and
// split across reads) and, for reference, serialising a request (done once per run).
#include <benchmark/benchmark.h>

#include <string>

#include "protocols/http1_request.h"
#include "protocols/http1_response_parser.h"

namespace {

using perfgate::protocols::Http1ResponseParser;

// What nginx answers to `return 200 "hello world\n"` (the vs-wrk benchmark's target).
const std::string kNginxResponse =
    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Sun, 23 Nov 2025 16:00:00 GMT\r\n"
    "Content-Type: application/octet-stream\r\nContent-Length: 12\r\nConnection: keep-alive\r\n"
    "\r\nhello world\n";

const std::string kChunkedResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
    "400\r\n" +
    std::string(1024, 'a') + "\r\n400\r\n" + std::string(1024, 'b') + "\r\n0\r\n\r\n";

void parse_in_pieces(benchmark::State& state, const std::string& response, size_t piece) {
  Http1ResponseParser parser;
  for (auto _ : state) {
    parser.start(false);
    for (size_t offset = 0; offset < response.size(); offset += piece) {
      const size_t n = std::min(piece, response.size() - offset);
      benchmark::DoNotOptimize(parser.feed(response.data() + offset, n));
    }
    benchmark::DoNotOptimize(parser.status_code());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(response.size()));
}

void BM_ParseSmallResponseWhole(benchmark::State& state) {
  parse_in_pieces(state, kNginxResponse, kNginxResponse.size());
}
BENCHMARK(BM_ParseSmallResponseWhole);

void BM_ParseSmallResponseSplitInTwo(benchmark::State& state) {
  parse_in_pieces(state, kNginxResponse, kNginxResponse.size() / 2 + 1);
}
BENCHMARK(BM_ParseSmallResponseSplitInTwo);

void BM_ParseSmallResponseByteByByte(benchmark::State& state) {
  parse_in_pieces(state, kNginxResponse, 1);
}
BENCHMARK(BM_ParseSmallResponseByteByByte);

void BM_ParseChunkedResponse(benchmark::State& state) {
  parse_in_pieces(state, kChunkedResponse, kChunkedResponse.size());
}
BENCHMARK(BM_ParseChunkedResponse);

void BM_WriteRequest(benchmark::State& state) {
  perfgate::protocols::HttpRequestSpec spec;
  spec.host = "127.0.0.1:8080";
  spec.target = "/api/items?page=2";
  spec.headers = {{"Accept", "application/json"}, {"Authorization", "Bearer abc"}};
  for (auto _ : state) benchmark::DoNotOptimize(perfgate::protocols::write_http1_request(spec));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteRequest);

}  // namespace
