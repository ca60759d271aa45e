#include "outputs/http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <mutex>

namespace perfgate::outputs {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Receiver {
  HttpReply reply;
  size_t limit = 0;
  bool too_long = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<Receiver*>(user);
  const size_t n = size * count;
  if (r->reply.body.size() + n > r->limit) {
    r->too_long = true;
    return 0;  // aborts the transfer
  }
  r->reply.body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<Receiver*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) r->reply.head.clear();  // a new response (after 100-continue)
  if (r->reply.head.size() + line.size() <= 64 * 1024) r->reply.head.append(line);
  return size * count;
}

std::string seconds_text(Nanos n) {
  return fmt::format("{:g} s", static_cast<double>(n) / kNanosPerSecond);
}

// libcurl's result as perfgate's error texts ("connect: Connection refused", "timed out ...").
Error describe(CURLcode code, CURL* easy, const char* detail, const HttpCall& call) {
  long os_errno = 0;
  curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      return make_error(fmt::format(
          "connect: {}", os_errno != 0 ? std::strerror(os_errno) : curl_easy_strerror(code)));
    case CURLE_OPERATION_TIMEDOUT:
      return make_error(fmt::format("timed out after {}", seconds_text(call.timeout)));
    default:
      return make_error(*detail != '\0' ? std::string(detail) : curl_easy_strerror(code));
  }
}

}  // namespace

struct HttpClient::Handles {
  CURL* easy = nullptr;
  CURLM* multi = nullptr;
  char error[CURL_ERROR_SIZE] = {};
};

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)), handles_(std::make_unique<Handles>()) {
  global_init();
  handles_->easy = curl_easy_init();
  handles_->multi = curl_multi_init();
}

HttpClient::~HttpClient() {
  if (handles_->multi != nullptr) curl_multi_cleanup(handles_->multi);
  if (handles_->easy != nullptr) curl_easy_cleanup(handles_->easy);
}

namespace {

void set_options(CURL* easy, const HttpClientOptions& o, const HttpCall& call, curl_slist* headers,
                 Receiver& receiver, char* error) {
  curl_easy_reset(easy);  // keeps the connection and TLS session caches
  curl_easy_setopt(easy, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, std::string(call.method).c_str());
  if (call.method == "POST" || !call.body.empty()) {
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeout / kNanosPerMilli));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "perfgate");
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &receiver);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &receiver);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
  if (o.insecure_skip_tls_verify) {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!o.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, o.ca_file.c_str());
  if (!o.username.empty()) {
    curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(easy, CURLOPT_USERNAME, o.username.c_str());
    curl_easy_setopt(easy, CURLOPT_PASSWORD, o.password.c_str());
  }
}

// Runs the transfer on `multi`, polling at most 50 ms at a time so `cancel` is seen promptly.
CURLcode run(CURLM* multi, CURL* easy, const std::atomic<bool>* cancel) {
  curl_multi_add_handle(multi, easy);
  CURLcode result = CURLE_OK;
  for (bool done = false; !done;) {
    int running = 0;
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg == CURLMSG_DONE) result = msg->data.result, done = true;
    }
    if (done) break;
    if (cancel != nullptr && cancel->load()) {
      result = CURLE_ABORTED_BY_CALLBACK;
      break;
    }
    curl_multi_poll(multi, nullptr, 0, 50, nullptr);
  }
  curl_multi_remove_handle(multi, easy);
  return result;
}

}  // namespace

Result<HttpReply> HttpClient::exchange(const HttpCall& call) {
  if (handles_->easy == nullptr || handles_->multi == nullptr) {
    return make_error("libcurl could not be initialised");
  }
  curl_slist* headers = nullptr;
  std::vector<std::string> lines = call.headers;
  if (!call.body.empty() && !call.content_type.empty()) {
    lines.push_back(fmt::format("Content-Type: {}", call.content_type));
  }
  if (!options_.token.empty()) lines.push_back("Authorization: Token " + options_.token);
  lines.push_back("Expect:");  // no 100-continue round trip for larger bodies
  for (const std::string& line : lines) headers = curl_slist_append(headers, line.c_str());
  Receiver receiver;
  receiver.limit = options_.max_reply_bytes;
  handles_->error[0] = '\0';
  set_options(handles_->easy, options_, call, headers, receiver, handles_->error);
  const CURLcode code = run(handles_->multi, handles_->easy, call.cancel);
  curl_slist_free_all(headers);
  long connects = 0;
  curl_easy_getinfo(handles_->easy, CURLINFO_NUM_CONNECTS, &connects);
  connections_opened_ += connects;
  if (code == CURLE_ABORTED_BY_CALLBACK) return make_error("cancelled");
  if (receiver.too_long) {
    return make_error(fmt::format("reply longer than {} bytes", options_.max_reply_bytes));
  }
  if (code != CURLE_OK) return describe(code, handles_->easy, handles_->error, call);
  long status = 0;
  curl_easy_getinfo(handles_->easy, CURLINFO_RESPONSE_CODE, &status);
  receiver.reply.status = static_cast<int>(status);
  return std::move(receiver.reply);
}

Result<HttpReply> http_exchange(const HttpCall& call, const HttpClientOptions& options) {
  HttpClient client(options);
  return client.exchange(call);
}

std::string EndpointUrl::with(std::string_view p, std::string_view q) const {
  return fmt::format("{}://{}{}{}{}", url.scheme(), url.authority, p, q.empty() ? "" : "?", q);
}

Result<EndpointUrl> parse_endpoint_url(std::string_view text) {
  auto url = protocols::parse_http_url(text);
  if (!url) return url.error();
  EndpointUrl out;
  const size_t question = url->target.find('?');
  out.path = url->target.substr(0, question);
  if (question != std::string::npos) out.query = url->target.substr(question + 1);
  out.url = std::move(*url);
  return out;
}

std::string url_encode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

std::string query_parameter(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == query.npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    std::string value;
    std::string_view raw = eq == pair.npos ? std::string_view() : pair.substr(eq + 1);
    for (size_t i = 0; i < raw.size(); ++i) {
      int decoded = 0;
      if (raw[i] == '%' && i + 2 < raw.size() &&
          std::from_chars(raw.data() + i + 1, raw.data() + i + 3, decoded, 16).ptr ==
              raw.data() + i + 3) {
        value += static_cast<char>(decoded);
        i += 2;
      } else {
        value += raw[i] == '+' ? ' ' : raw[i];
      }
    }
    return value;
  }
  return {};
}

}  // namespace perfgate::outputs
