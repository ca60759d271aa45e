#include "server/tls_server_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstring>
#include <string_view>

namespace perfgate::server {
namespace {

Error openssl_error(const std::string& what) {
  char text[256] = "unknown error";
  if (unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return make_error(what + ": " + text);
}

// Picks h2 (when offered by both sides) or http/1.1 from the client's ALPN list. A client that
// offers neither gets no ALPN answer and is spoken to in HTTP/1.1.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in,
                unsigned int in_len, void* arg) {
  const bool offer_h2 = arg != nullptr;
  const unsigned char* http11 = nullptr;
  for (unsigned i = 0; i < in_len;) {
    const unsigned len = in[i];
    if (i + 1 + len > in_len) break;
    const std::string_view name(reinterpret_cast<const char*>(in + i + 1), len);
    if (offer_h2 && name == "h2") {
      *out = in + i + 1;
      *out_len = static_cast<unsigned char>(len);
      return SSL_TLSEXT_ERR_OK;
    }
    if (name == "http/1.1") http11 = in + i + 1;
    i += 1 + len;
  }
  if (http11 == nullptr) return SSL_TLSEXT_ERR_NOACK;
  *out = http11;
  *out_len = 8;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

TlsServerContext::~TlsServerContext() { SSL_CTX_free(ctx_); }

Result<std::unique_ptr<TlsServerContext>> TlsServerContext::make(bool offer_h2) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return openssl_error("cannot create TLS context");
  std::unique_ptr<TlsServerContext> context(new TlsServerContext(ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                            SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // A client closing without close_notify is an ordinary end of input, not an error.
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_alpn_select_cb(ctx, select_alpn, offer_h2 ? context.get() : nullptr);
  return context;
}

Result<std::unique_ptr<TlsServerContext>> TlsServerContext::from_files(const std::string& cert_path,
                                                                       const std::string& key_path,
                                                                       bool offer_h2) {
  Result<std::unique_ptr<TlsServerContext>> context = make(offer_h2);
  if (!context) return context;
  SSL_CTX* ctx = (*context)->ctx_;
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_path.c_str()) != 1) {
    return openssl_error("cannot load certificate " + cert_path);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_path.c_str(), SSL_FILETYPE_PEM) != 1) {
    return openssl_error("cannot load key " + key_path);
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return openssl_error("key " + key_path + " does not match certificate " + cert_path);
  }
  return context;
}

Result<std::unique_ptr<TlsServerContext>> TlsServerContext::from_pem(const KeyAndCertificate& pem,
                                                                     bool offer_h2) {
  Result<std::unique_ptr<TlsServerContext>> context = make(offer_h2);
  if (!context) return context;
  BIO* cert_bio = BIO_new_mem_buf(pem.cert_pem.data(), static_cast<int>(pem.cert_pem.size()));
  BIO* key_bio = BIO_new_mem_buf(pem.key_pem.data(), static_cast<int>(pem.key_pem.size()));
  X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  const bool ok = cert != nullptr && key != nullptr &&
                  SSL_CTX_use_certificate((*context)->ctx_, cert) == 1 &&
                  SSL_CTX_use_PrivateKey((*context)->ctx_, key) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  BIO_free(cert_bio);
  BIO_free(key_bio);
  if (!ok) return openssl_error("cannot use the generated certificate");
  return context;
}

SSL* TlsServerContext::new_session(int fd) const {
  SSL* ssl = SSL_new(ctx_);
  if (ssl == nullptr) return nullptr;
  if (SSL_set_fd(ssl, fd) != 1) {
    SSL_free(ssl);
    return nullptr;
  }
  SSL_set_accept_state(ssl);
  return ssl;
}

std::string_view negotiated_protocol(const SSL* ssl) {
  const unsigned char* data = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(ssl, &data, &len);
  return data == nullptr ? std::string_view()
                         : std::string_view(reinterpret_cast<const char*>(data), len);
}

}  // namespace perfgate::server
