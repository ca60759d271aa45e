// TlsServerContext: the OpenSSL server context `perfgate serve --tls` shares between its
// workers: the certificate and key, TLS 1.2 and 1.3 only, ALPN (h2 when HTTP/2 is offered, else
// http/1.1), no server-side session cache (TLS 1.3 resumption uses stateless tickets, so memory
// does not grow with clients), and SSL_MODE_RELEASE_BUFFERS so an idle connection gives its
// 16 KiB record buffers back.
//
// Thread-safety: immutable after creation; new_session() may be called from any worker thread
// at once (OpenSSL's SSL_CTX is safe for concurrent SSL_new).
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "core/result.h"
#include "server/tls_certificate.h"

namespace perfgate::server {

class TlsServerContext {
 public:
  // From PEM files (a certificate chain and its key).
  static Result<std::unique_ptr<TlsServerContext>> from_files(const std::string& cert_path,
                                                              const std::string& key_path,
                                                              bool offer_h2);
  // From PEM text held in memory (the self-signed certificate made at start).
  static Result<std::unique_ptr<TlsServerContext>> from_pem(const KeyAndCertificate& pem,
                                                            bool offer_h2);
  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

  // A server-side session for an accepted socket, in accept state; nullptr when OpenSSL is out
  // of memory. The caller frees it with SSL_free (which does not close `fd`).
  SSL* new_session(int fd) const;

 private:
  explicit TlsServerContext(SSL_CTX* ctx) : ctx_(ctx) {}
  static Result<std::unique_ptr<TlsServerContext>> make(bool offer_h2);

  SSL_CTX* ctx_;
};

// The ALPN protocol a finished handshake chose: "h2", "http/1.1", or "" when none was.
std::string_view negotiated_protocol(const SSL* ssl);

}  // namespace perfgate::server
