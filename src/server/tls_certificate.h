// TLS certificates made with the OpenSSL API: an EC P-256 key and an X.509 v3 certificate,
// self-signed or signed by an issuer, with the subject alternative names, validity window and
// key usages asked for. `perfgate serve --tls` makes its self-signed certificate with it, and the
// TLS test fixtures (tests/support/tls_fixtures.h) make their CA, valid, expired, wrong-host and
// client certificates with it.
//
// Thread-safety: free functions without shared state; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace perfgate::server {

struct CertificateSpec {
  std::string common_name = "localhost";
  std::vector<std::string> dns_names;     // subjectAltName DNS entries
  std::vector<std::string> ip_addresses;  // subjectAltName IP entries ("127.0.0.1", "::1")
  bool is_ca = false;                     // basicConstraints CA:TRUE, keyCertSign
  bool client_auth = false;               // extendedKeyUsage clientAuth (else serverAuth)
  int64_t not_before_s = -3600;           // validity start, seconds relative to now
  int64_t not_after_s = 365 * 86400;      // validity end, seconds relative to now
};

// A private key and its certificate, both PEM-encoded.
struct KeyAndCertificate {
  std::string key_pem;
  std::string cert_pem;
};

// Makes a new key and a certificate for `spec`, signed by `issuer` (whose certificate becomes
// the issuer name and authority key id) or self-signed when `issuer` is null.
Result<KeyAndCertificate> make_certificate(const CertificateSpec& spec,
                                           const KeyAndCertificate* issuer = nullptr);

// The certificate `perfgate serve --tls` makes at start: self-signed, CN localhost, SANs
// localhost, 127.0.0.1 and ::1, valid from an hour ago for 30 days.
Result<KeyAndCertificate> make_localhost_certificate();

// Writes `content` to `path` with the given permission bits (replacing the file).
Result<void> write_pem_file(const std::string& path, const std::string& content,
                            unsigned mode = 0644);

}  // namespace perfgate::server
