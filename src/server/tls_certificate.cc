#include "server/tls_certificate.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace perfgate::server {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Free>;
using CertPtr = std::unique_ptr<X509, Free>;
using BioPtr = std::unique_ptr<BIO, Free>;

Error openssl_error(const std::string& what) {
  char text[256] = "unknown error";
  if (unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return make_error(what + ": " + text);
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

// "DNS:a,DNS:b,IP:127.0.0.1" from the spec's names.
std::string subject_alt_names(const CertificateSpec& spec) {
  std::string names;
  for (const auto& dns : spec.dns_names) names += (names.empty() ? "DNS:" : ",DNS:") + dns;
  for (const auto& ip : spec.ip_addresses) names += (names.empty() ? "IP:" : ",IP:") + ip;
  return names;
}

bool add_extension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

bool add_extensions(X509* cert, X509* issuer_cert, const CertificateSpec& spec) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer_cert, cert, nullptr, nullptr, 0);
  const std::string names = subject_alt_names(spec);
  const bool ok = add_extension(cert, &ctx, NID_basic_constraints,
                                spec.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
                  add_extension(cert, &ctx, NID_key_usage,
                                spec.is_ca ? "critical,keyCertSign,cRLSign"
                                           : "critical,digitalSignature,keyAgreement") &&
                  (spec.is_ca || add_extension(cert, &ctx, NID_ext_key_usage,
                                               spec.client_auth ? "clientAuth" : "serverAuth")) &&
                  add_extension(cert, &ctx, NID_subject_key_identifier, "hash") &&
                  (issuer_cert == cert ||
                   add_extension(cert, &ctx, NID_authority_key_identifier, "keyid:always")) &&
                  (names.empty() || add_extension(cert, &ctx, NID_subject_alt_name, names));
  return ok;
}

bool set_serial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return false;
  bytes[0] &= 0x7f;  // positive
  BIGNUM* serial = BN_bin2bn(bytes, sizeof bytes, nullptr);
  const bool ok = serial != nullptr && BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert));
  BN_free(serial);
  return ok;
}

Result<KeyAndCertificate> to_pem(EVP_PKEY* key, X509* cert) {
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) ||
      !PEM_write_bio_X509(cert_bio.get(), cert)) {
    return openssl_error("cannot encode certificate");
  }
  return KeyAndCertificate{bio_text(key_bio.get()), bio_text(cert_bio.get())};
}

struct Issuer {
  KeyPtr key;
  CertPtr cert;
};

Result<Issuer> read_issuer(const KeyAndCertificate& pem) {
  BioPtr key_bio(BIO_new_mem_buf(pem.key_pem.data(), static_cast<int>(pem.key_pem.size())));
  BioPtr cert_bio(BIO_new_mem_buf(pem.cert_pem.data(), static_cast<int>(pem.cert_pem.size())));
  Issuer issuer{KeyPtr(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr)),
                CertPtr(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr))};
  if (!issuer.key || !issuer.cert) return openssl_error("cannot read issuer");
  return issuer;
}

}  // namespace

Result<KeyAndCertificate> make_certificate(const CertificateSpec& spec,
                                           const KeyAndCertificate* issuer_pem) {
  Issuer issuer;
  if (issuer_pem != nullptr) {
    Result<Issuer> read = read_issuer(*issuer_pem);
    if (!read) return read.error();
    issuer = std::move(*read);
  }
  KeyPtr key(EVP_EC_gen("P-256"));
  CertPtr cert(X509_new());
  if (!key || !cert) return openssl_error("cannot make key");
  X509* signer_cert = issuer.cert ? issuer.cert.get() : cert.get();
  EVP_PKEY* signer_key = issuer.key ? issuer.key.get() : key.get();
  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto* cn = reinterpret_cast<const unsigned char*>(spec.common_name.c_str());
  const bool ok = X509_set_version(cert.get(), 2) && set_serial(cert.get()) &&
                  X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.not_before_s) &&
                  X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.not_after_s) &&
                  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0) &&
                  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer_cert)) &&
                  X509_set_pubkey(cert.get(), key.get()) &&
                  add_extensions(cert.get(), signer_cert, spec) &&
                  X509_sign(cert.get(), signer_key, EVP_sha256()) > 0;
  if (!ok) return openssl_error("cannot make certificate");
  return to_pem(key.get(), cert.get());
}

Result<KeyAndCertificate> make_localhost_certificate() {
  CertificateSpec spec;
  spec.common_name = "localhost";
  spec.dns_names = {"localhost"};
  spec.ip_addresses = {"127.0.0.1", "::1"};
  spec.not_after_s = 30 * 86400;
  return make_certificate(spec);
}

Result<void> write_pem_file(const std::string& path, const std::string& content, unsigned mode) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return make_error("cannot write " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int saved = errno;
      close(fd);
      return make_error("cannot write " + path + ": " + std::strerror(saved));
    }
    done += static_cast<size_t>(n);
  }
  if (close(fd) != 0) return make_error("cannot write " + path + ": " + std::strerror(errno));
  return {};
}

}  // namespace perfgate::server
