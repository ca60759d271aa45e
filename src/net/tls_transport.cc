#include "net/tls_transport.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <malloc.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>

#include "net/tcp_transport.h"

namespace perfgate::net {
namespace {

std::atomic<int64_t> handshakes_ended{0};  // TLS handshakes finished or abandoned, all threads

int openssl_version(TlsVersion v) {
  switch (v) {
    case TlsVersion::kTls1_0:
      return TLS1_VERSION;
    case TlsVersion::kTls1_1:
      return TLS1_1_VERSION;
    case TlsVersion::kTls1_2:
      return TLS1_2_VERSION;
    case TlsVersion::kTls1_3:
      return TLS1_3_VERSION;
    case TlsVersion::kDefault:
      return 0;
  }
  return 0;
}

std::string openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(e, buffer, sizeof buffer);
    if (!out.empty()) out += "; ";
    out += buffer;
  }
  return out;
}

bool is_ip_literal(std::string_view host) {
  std::string text(host);
  in6_addr v6;
  in_addr v4;
  return inet_pton(AF_INET, text.c_str(), &v4) == 1 || inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

bool domain_matches(const std::vector<std::string>& domains, std::string_view host) {
  if (domains.empty()) return true;
  for (const std::string& d : domains) {
    if (d == host) return true;
    if (d.size() > 2 && d.compare(0, 2, "*.") == 0 && host.size() > d.size() - 1 &&
        host.substr(host.size() - (d.size() - 1)) == std::string_view(d).substr(1)) {
      return true;
    }
  }
  return false;
}

// ALPN wire format: length-prefixed protocol names.
std::string alpn_wire(const std::vector<std::string>& protocols) {
  std::string out;
  for (const std::string& p : protocols) {
    out.push_back(static_cast<char>(p.size()));
    out += p;
  }
  return out;
}

// k6 and the IANA registry name suites "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"; OpenSSL's
// TLS 1.2 list wants "ECDHE-RSA-AES128-GCM-SHA256". TLS 1.3 suites share their IANA names.
Result<void> set_cipher_suites(SSL_CTX* ctx, const std::vector<std::string>& names) {
  if (names.empty()) return {};
  std::string tls12, tls13;
  STACK_OF(SSL_CIPHER)* all = SSL_CTX_get_ciphers(ctx);
  for (const std::string& name : names) {
    bool found = false;
    for (int i = 0; all != nullptr && i < sk_SSL_CIPHER_num(all); ++i) {
      const SSL_CIPHER* c = sk_SSL_CIPHER_value(all, i);
      const char* standard = SSL_CIPHER_standard_name(c);
      if (standard == nullptr || name != standard) continue;
      const bool v13 = std::string_view(SSL_CIPHER_get_version(c)) == "TLSv1.3";
      std::string& list = v13 ? tls13 : tls12;
      if (!list.empty()) list += ":";
      list += v13 ? name : SSL_CIPHER_get_name(c);
      found = true;
      break;
    }
    if (!found) {
      return make_error(fmt::format("unknown TLS cipher suite \"{}\"", name),
                        "use IANA names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or "
                        "TLS_AES_128_GCM_SHA256");
    }
  }
  // An empty list for a version disables that version's suites only when the caller named
  // suites of the other version alone; keep OpenSSL's defaults for the version not mentioned.
  if (!tls12.empty() && SSL_CTX_set_cipher_list(ctx, tls12.c_str()) != 1) {
    return make_error("cannot use the TLS 1.2 cipher suites: " + openssl_errors());
  }
  if (!tls13.empty() && SSL_CTX_set_ciphersuites(ctx, tls13.c_str()) != 1) {
    return make_error("cannot use the TLS 1.3 cipher suites: " + openssl_errors());
  }
  return {};
}

int on_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* transport = static_cast<TlsTransport*>(SSL_get_app_data(ssl));
  if (transport == nullptr) return 0;
  transport->remember_session(session);
  return 1;  // we keep the reference
}

TransportError classify_verify_result(long result) {
  switch (result) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return TransportError::kTlsExpired;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return TransportError::kTlsHostname;
    default:
      return TransportError::kTlsUntrusted;
  }
}

// What a library error during the handshake means, from OpenSSL's reason code.
TransportError classify_ssl_reason(int reason, bool handshaking) {
  switch (reason) {
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_HTTP_REQUEST:
    case SSL_R_HTTPS_PROXY_REQUEST:
      return handshaking ? TransportError::kTlsNotTls : TransportError::kTlsProtocol;
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_NO_PROTOCOLS_AVAILABLE:
    case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
    case SSL_R_VERSION_TOO_LOW:
    case SSL_R_VERSION_TOO_HIGH:
      return TransportError::kTlsVersion;
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
      return TransportError::kTlsHandshake;
    default:
      return handshaking ? TransportError::kTlsHandshake : TransportError::kTlsProtocol;
  }
}

}  // namespace

Result<TlsVersion> parse_tls_version(std::string_view text) {
  if (text == "tls1.0") return TlsVersion::kTls1_0;
  if (text == "tls1.1") return TlsVersion::kTls1_1;
  if (text == "tls1.2") return TlsVersion::kTls1_2;
  if (text == "tls1.3") return TlsVersion::kTls1_3;
  return make_error(fmt::format("unknown TLS version \"{}\"", text),
                    "use tls1.0, tls1.1, tls1.2 or tls1.3");
}

Result<std::shared_ptr<const TlsClientContext>> TlsClientContext::create(
    const TlsClientOptions& options) {
  std::shared_ptr<TlsClientContext> context(new TlsClientContext());
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return make_error("cannot create a TLS context: " + openssl_errors());
  context->ctx_ = ctx;
  context->verify_ = options.verify;
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
  // Read-ahead: one read() takes every record the socket holds (up to the record buffer)
  // instead of two per record (header, then body). HTTP/2 servers write a record per response,
  // so this halves the read syscalls of a multiplexed connection.
  SSL_CTX_set_read_ahead(ctx, 1);
  // A peer that closes without close_notify ends the stream (HTTP bodies delimited by close).
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  if (const int v = openssl_version(options.min_version); v != 0) {
    SSL_CTX_set_min_proto_version(ctx, v);
    if (v < TLS1_2_VERSION) SSL_CTX_set_security_level(ctx, 0);  // allow what was asked for
  }
  if (const int v = openssl_version(options.max_version); v != 0) {
    SSL_CTX_set_max_proto_version(ctx, v);
  }
  if (options.verify) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    const bool loaded = options.ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx) == 1
                                                : SSL_CTX_load_verify_locations(
                                                      ctx, options.ca_file.c_str(), nullptr) == 1;
    if (!loaded) {
      return make_error(
          fmt::format("cannot load CA certificates{}: {}",
                      options.ca_file.empty() ? "" : " from " + options.ca_file, openssl_errors()),
          "pass a PEM bundle with --cacert");
    }
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  if (auto ok = set_cipher_suites(ctx, options.cipher_suites); !ok) return ok.error();
  const std::string alpn = alpn_wire(options.alpn);
  if (!alpn.empty() &&
      SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(alpn.data()),
                              static_cast<unsigned>(alpn.size())) != 0) {
    return make_error("cannot set ALPN protocols");
  }
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, on_new_session);
  for (const TlsClientCert& c : options.client_certs) {
    Cert cert;
    cert.domains = c.domains;
    FILE* f = std::fopen(c.cert_file.c_str(), "r");
    if (f == nullptr) return make_error("cannot read client certificate " + c.cert_file);
    cert.pair.first = PEM_read_X509(f, nullptr, nullptr, nullptr);
    while (X509* extra = PEM_read_X509(f, nullptr, nullptr, nullptr)) cert.chain.push_back(extra);
    std::fclose(f);
    ERR_clear_error();  // the loop above ends on a "no start line" error
    f = std::fopen(c.key_file.c_str(), "r");
    if (f == nullptr) return make_error("cannot read client key " + c.key_file);
    cert.pair.second = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    if (cert.pair.first == nullptr || cert.pair.second == nullptr) {
      return make_error(fmt::format("client certificate {} or key {} is not PEM: {}", c.cert_file,
                                    c.key_file, openssl_errors()));
    }
    if (X509_check_private_key(cert.pair.first, cert.pair.second) != 1) {
      return make_error(
          fmt::format("client key {} does not match certificate {}", c.key_file, c.cert_file));
    }
    context->certs_.push_back(std::move(cert));
  }
  return std::shared_ptr<const TlsClientContext>(std::move(context));
}

TlsClientContext::~TlsClientContext() {
  for (Cert& c : certs_) {
    X509_free(c.pair.first);
    EVP_PKEY_free(c.pair.second);
    for (X509* x : c.chain) X509_free(x);
  }
  SSL_CTX_free(ctx_);
}

const std::pair<X509*, EVP_PKEY*>* TlsClientContext::client_cert_for(
    std::string_view server_name) const {
  for (const Cert& c : certs_) {
    if (domain_matches(c.domains, server_name)) return &c.pair;
  }
  return nullptr;
}

void return_freed_handshake_memory() {
  static std::atomic<int64_t> trimmed_at{0};
  const int64_t ended = handshakes_ended.load(std::memory_order_relaxed);
  if (ended - trimmed_at.load(std::memory_order_relaxed) < kTrimAfterHandshakes) return;
  trimmed_at.store(ended, std::memory_order_relaxed);
  malloc_trim(0);
}

TlsTransport::TlsTransport(std::shared_ptr<const TlsClientContext> context)
    : context_(std::move(context)) {}

TlsTransport::~TlsTransport() {
  close();
  if (session_ != nullptr) SSL_SESSION_free(session_);
}

void TlsTransport::remember_session(SSL_SESSION* session) {
  if (session_ != nullptr) SSL_SESSION_free(session_);
  session_ = session;
  session_host_ = server_name_;
}

IoResult TlsTransport::connect(const Address& address, std::string_view server_name) {
  close();
  server_name_.assign(server_name);
  IoResult r = tcp::open(address, &fd_);
  if (r.status == IoStatus::kError) return r;
  ssl_ = SSL_new(context_->ctx());
  if (ssl_ == nullptr) {
    close();
    return IoResult::fail(TransportError::kTlsHandshake);
  }
  SSL_set_app_data(ssl_, this);
  SSL_set_fd(ssl_, fd_);
  SSL_set_connect_state(ssl_);
  if (!alpn_offer_.empty()) {
    SSL_set_alpn_protos(ssl_, reinterpret_cast<const unsigned char*>(alpn_offer_.data()),
                        static_cast<unsigned>(alpn_offer_.size()));
  }
  const bool ip = is_ip_literal(server_name_);
  if (!ip) SSL_set_tlsext_host_name(ssl_, server_name_.c_str());
  if (context_->verify()) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    if (ip) {
      X509_VERIFY_PARAM_set1_ip_asc(param, server_name_.c_str());
    } else {
      SSL_set1_host(ssl_, server_name_.c_str());
    }
  }
  if (const auto* cert = context_->client_cert_for(server_name_)) {
    SSL_use_certificate(ssl_, cert->first);
    SSL_use_PrivateKey(ssl_, cert->second);
  }
  if (session_ != nullptr && session_host_ == server_name_) SSL_set_session(ssl_, session_);
  return r;
}

IoResult TlsTransport::finish_connect() { return tcp::finish_connect(fd_); }

IoResult TlsTransport::handshake() {
  ERR_clear_error();
  const int ret = SSL_do_handshake(ssl_);
  if (ret == 1) {
    const unsigned char* proto = nullptr;
    unsigned length = 0;
    SSL_get0_alpn_selected(ssl_, &proto, &length);
    alpn_.assign(reinterpret_cast<const char*>(proto), length);
    resumed_ = SSL_session_reused(ssl_) == 1;
    handshakes_ended.fetch_add(1, std::memory_order_relaxed);
    return IoResult::done();
  }
  return ssl_failure(ret, /*handshaking=*/true);
}

IoResult TlsTransport::ssl_failure(int ret, bool handshaking) {
  const int saved_errno = errno;
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
      return IoResult::want_read();
    case SSL_ERROR_WANT_WRITE:
      return IoResult::want_write();
    case SSL_ERROR_ZERO_RETURN:
      return handshaking ? IoResult::fail(TransportError::kTlsHandshake) : IoResult::eof();
    case SSL_ERROR_SYSCALL: {
      ERR_clear_error();
      if (saved_errno == ECONNRESET || saved_errno == EPIPE) {
        return IoResult::fail(TransportError::kReset, saved_errno);
      }
      if (saved_errno == 0 || ret == 0) {  // EOF without close_notify
        return handshaking ? IoResult::fail(TransportError::kTlsHandshake) : IoResult::eof();
      }
      return IoResult::fail(
          handshaking ? TransportError::kTlsHandshake : TransportError::kReadError, saved_errno);
    }
    default: {
      const unsigned long e = ERR_peek_error();
      ERR_clear_error();
      if (handshaking && context_->verify()) {
        const long verify = SSL_get_verify_result(ssl_);
        if (verify != X509_V_OK) return IoResult::fail(classify_verify_result(verify));
      }
      return IoResult::fail(classify_ssl_reason(ERR_GET_REASON(e), handshaking));
    }
  }
}

IoResult TlsTransport::take_pending() {
  has_pending_ = false;
  return pending_;
}

// Reads records until the buffer is full or the socket is drained, so that a short read means
// "drained" as it does for plain TCP (SSL_read returns one record at a time).
IoResult TlsTransport::read(char* buffer, size_t capacity) {
  if (has_pending_) return take_pending();
  size_t total = 0;
  while (total < capacity) {
    ERR_clear_error();
    const int n = SSL_read(ssl_, buffer + total, static_cast<int>(capacity - total));
    if (n > 0) {
      total += static_cast<size_t>(n);
      continue;
    }
    IoResult r = ssl_failure(n, /*handshaking=*/false);
    if (total == 0) return r;
    if (r.status != IoStatus::kWantRead && r.status != IoStatus::kWantWrite) {
      pending_ = r;
      has_pending_ = true;
    }
    break;
  }
  return IoResult::done(total);
}

IoResult TlsTransport::write(const char* data, size_t size) {
  if (size == 0) return IoResult::done(0);
  ERR_clear_error();
  const int n = SSL_write(ssl_, data, static_cast<int>(std::min<size_t>(size, 1 << 30)));
  if (n > 0) return IoResult::done(static_cast<size_t>(n));
  IoResult r = ssl_failure(n, /*handshaking=*/false);
  if (r.status == IoStatus::kEof) return IoResult::fail(TransportError::kReset);
  if (r.status == IoStatus::kError && r.error == TransportError::kReadError) {
    r.error = TransportError::kWriteError;
  }
  return r;
}

void TlsTransport::close() {
  if (ssl_ != nullptr) {
    if (!SSL_is_init_finished(ssl_)) handshakes_ended.fetch_add(1, std::memory_order_relaxed);
    SSL_set_app_data(ssl_, nullptr);
    // No close_notify is sent (the load generator just drops the connection), but the session
    // stays resumable: OpenSSL marks a session "not resumable" when its connection ends
    // without a shutdown, and that would make every reconnect a full handshake.
    SSL_set_shutdown(ssl_, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  alpn_.clear();
  resumed_ = false;
  has_pending_ = false;
}

}  // namespace perfgate::net
