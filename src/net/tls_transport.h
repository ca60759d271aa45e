// TLS client transport on OpenSSL: TLS 1.2 and 1.3 over a non-blocking TcpTransport socket,
// driven by the event loop (SSL_do_handshake / SSL_read / SSL_write answering WANT_READ and
// WANT_WRITE), with SNI, ALPN, certificate verification against the system store or a CA file,
// client certificates per domain (k6's tlsAuth), version bounds, cipher suites by their IANA
// names (k6's tlsCipherSuites), and session resumption: each connection slot keeps the last
// session its server issued and offers it when it reconnects.
//
// TlsClientContext is built once before a run (it reads files and may fail: errors as values);
// it owns the SSL_CTX and is shared read-only by every worker thread (OpenSSL allows SSL_new
// from many threads on one configured SSL_CTX).
//
// Thread-safety: a TlsTransport belongs to one thread; TlsClientContext is immutable after
// create() and safe to share.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "net/transport.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;
typedef struct ssl_session_st SSL_SESSION;
typedef struct x509_st X509;
typedef struct evp_pkey_st EVP_PKEY;

namespace perfgate::net {

enum class TlsVersion : uint8_t { kDefault, kTls1_0, kTls1_1, kTls1_2, kTls1_3 };

// A client certificate and the server names it is presented to (k6's tlsAuth entry).
struct TlsClientCert {
  std::vector<std::string> domains;  // empty: every server
  std::string cert_file;             // PEM, may hold the chain
  std::string key_file;              // PEM
};

struct TlsClientOptions {
  bool verify = true;   // false: k6's insecureSkipTLSVerify
  std::string ca_file;  // PEM bundle; empty: the system store
  TlsVersion min_version = TlsVersion::kTls1_2;
  TlsVersion max_version = TlsVersion::kDefault;  // kDefault: the newest OpenSSL has
  std::vector<std::string> cipher_suites;         // IANA names; empty: OpenSSL's defaults
  std::vector<TlsClientCert> client_certs;
  std::vector<std::string> alpn = {"http/1.1"};  // offered in order of preference
};

// "tls1.2" -> kTls1_2 ("tls1.0", "tls1.1", "tls1.2", "tls1.3"), as k6 spells them.
Result<TlsVersion> parse_tls_version(std::string_view text);

class TlsClientContext {
 public:
  static Result<std::shared_ptr<const TlsClientContext>> create(const TlsClientOptions& options);
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  SSL_CTX* ctx() const { return ctx_; }
  bool verify() const { return verify_; }
  // The client certificate for `server_name`, or null.
  const std::pair<X509*, EVP_PKEY*>* client_cert_for(std::string_view server_name) const;

 private:
  TlsClientContext() = default;
  struct Cert {
    std::vector<std::string> domains;
    std::pair<X509*, EVP_PKEY*> pair{nullptr, nullptr};
    std::vector<X509*> chain;
  };
  SSL_CTX* ctx_ = nullptr;
  bool verify_ = true;
  std::vector<Cert> certs_;
  friend class TlsTransport;
};

class TlsTransport final : public Transport {
 public:
  explicit TlsTransport(std::shared_ptr<const TlsClientContext> context);
  ~TlsTransport() override;
  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

  IoResult connect(const Address& address, std::string_view server_name) override;
  IoResult finish_connect() override;
  IoResult handshake() override;
  IoResult read(char* buffer, size_t capacity) override;
  IoResult write(const char* data, size_t size) override;
  void close() override;
  int fd() const override { return fd_; }
  bool secure() const override { return true; }
  void offer_protocols(std::string_view alpn_wire) override { alpn_offer_ = alpn_wire; }
  std::string_view negotiated_protocol() const override { return alpn_; }
  bool resumed() const override { return resumed_; }

  // OpenSSL's new-session callback lands here (TLS 1.3 tickets arrive after the handshake).
  void remember_session(SSL_SESSION* session);

 private:
  IoResult ssl_failure(int ret, bool handshaking);
  IoResult take_pending();

  std::shared_ptr<const TlsClientContext> context_;
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  SSL_SESSION* session_ = nullptr;  // the last session the server issued to this slot
  std::string session_host_;        // ... for this server name
  std::string server_name_;
  std::string alpn_;
  std::string_view alpn_offer_;  // empty: the context's list
  bool resumed_ = false;
  IoResult pending_{IoStatus::kDone};  // an EOF/error seen after bytes were returned
  bool has_pending_ = false;
};

// Hands the memory freed by finished TLS handshakes back to the OS (malloc_trim) when at least
// kTrimAfterHandshakes handshakes ended since the last call that trimmed. Why: each handshake
// holds ~40 KB of transient buffers (OpenSSL's 16 KiB message buffer, record buffers, key
// shares); when thousands of connections open at once those are freed after the handshakes but
// stay in the process, interleaved with the live connection state, so 10,000 idle TLS
// connections kept ~48 KB of RSS each (docs/benchmarks.md). Call it from one thread now and
// then (the plan coordinator does, once a second); it is cheap when nothing is to be trimmed.
void return_freed_handshake_memory();
inline constexpr int64_t kTrimAfterHandshakes = 256;

class TlsTransportFactory final : public TransportFactory {
 public:
  explicit TlsTransportFactory(std::shared_ptr<const TlsClientContext> context)
      : context_(std::move(context)) {}
  std::unique_ptr<Transport> make() const override {
    return std::make_unique<TlsTransport>(context_);
  }

 private:
  std::shared_ptr<const TlsClientContext> context_;
};

}  // namespace perfgate::net
