// Proves each TLS fixture behaves as tls_fixtures.h says, with independent clients: `openssl
// verify` for the certificates, curl (built on OpenSSL) for the servers.
#include "tests/support/tls_fixtures.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace perfgate::test_support {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs a shell command (every command here carries its own time limit).
Outcome run(const std::string& command) {
  Outcome outcome;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return outcome;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) outcome.output.append(buffer, n);
  const int status = pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

// curl with a 5 s limit; prints the body, then the status code and HTTP version on a last line.
Outcome curl(const std::string& url, const std::string& options) {
  return run("curl -sS --max-time 5 -w '\\n%{http_code} %{http_version}' " + options + " '" + url +
             "'");
}

std::string verify(const std::string& ca, const std::string& cert, const std::string& extra = "") {
  return run("openssl verify " + extra + " -CAfile " + ca + " " + cert).output;
}

class TlsFixturesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(certs_.ok()) << certs_.error(); }
  std::string trust() const { return "--cacert " + certs_.ca_path(); }
  TlsCertificates certs_;
};

TEST_F(TlsFixturesTest, CertificatesAreWhatTheirNamesSay) {
  const std::string ca = certs_.ca_path();
  EXPECT_NE(verify(ca, certs_.valid().cert, "-verify_hostname localhost").find(": OK"),
            std::string::npos);
  EXPECT_NE(verify(ca, certs_.valid().cert, "-verify_ip 127.0.0.1").find(": OK"),
            std::string::npos);
  EXPECT_NE(verify(ca, certs_.expired().cert).find("certificate has expired"), std::string::npos);
  EXPECT_NE(verify(ca, certs_.wrong_host().cert).find(": OK"), std::string::npos);
  EXPECT_NE(
      verify(ca, certs_.wrong_host().cert, "-verify_hostname localhost").find("hostname mismatch"),
      std::string::npos);
  EXPECT_EQ(verify(ca, certs_.self_signed().cert).find(": OK"), std::string::npos);
  EXPECT_NE(
      verify(certs_.client_ca_path(), certs_.client().cert, "-purpose sslclient").find(": OK"),
      std::string::npos);
  EXPECT_EQ(verify(ca, certs_.client().cert).find(": OK"), std::string::npos);
}

TEST_F(TlsFixturesTest, NginxServesTheValidCertificateOverBothVersions) {
  NginxTlsServer nginx(certs_, {.cert = certs_.valid()});
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  EXPECT_EQ(nginx.ca_path(), certs_.ca_path());
  const Outcome ok = curl(nginx.url(), trust());
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_EQ(ok.output, "hello from nginx\n\n200 1.1");
  EXPECT_EQ(curl(nginx.localhost_url(), trust()).exit_code, 0);
  EXPECT_EQ(curl(nginx.url(), trust() + " --tls-max 1.2").exit_code, 0);
  EXPECT_EQ(curl(nginx.url(), trust() + " --tlsv1.3").exit_code, 0);
  const Outcome untrusted = curl(nginx.url(), "");  // the system store knows nothing of our CA
  EXPECT_EQ(untrusted.exit_code, 60) << untrusted.output;
}

TEST_F(TlsFixturesTest, NginxWithBadCertificatesFailsVerificationForTheRightReason) {
  NginxTlsServer expired(certs_, {.cert = certs_.expired()});
  NginxTlsServer wrong_host(certs_, {.cert = certs_.wrong_host()});
  NginxTlsServer self_signed(certs_, {.cert = certs_.self_signed()});
  ASSERT_TRUE(expired.ok() && wrong_host.ok() && self_signed.ok())
      << expired.error() << wrong_host.error() << self_signed.error();
  const Outcome a = curl(expired.url(), trust());
  EXPECT_EQ(a.exit_code, 60);
  EXPECT_NE(a.output.find("expired"), std::string::npos) << a.output;
  const Outcome b = curl(wrong_host.url(), trust());
  EXPECT_EQ(b.exit_code, 60);
  EXPECT_NE(b.output.find("no alternative certificate subject name matches"), std::string::npos)
      << b.output;
  const Outcome c = curl(self_signed.url(), trust());
  EXPECT_EQ(c.exit_code, 60);
  EXPECT_NE(c.output.find("self-signed certificate"), std::string::npos) << c.output;
  EXPECT_EQ(curl(expired.url(), "-k").exit_code, 0);  // only verification fails
}

TEST_F(TlsFixturesTest, NginxHonoursVersionLimits) {
  NginxTlsServer only12(certs_, {.cert = certs_.valid(), .versions = TlsVersions::k12Only});
  NginxTlsServer only13(certs_, {.cert = certs_.valid(), .versions = TlsVersions::k13Only});
  ASSERT_TRUE(only12.ok() && only13.ok()) << only12.error() << only13.error();
  EXPECT_EQ(curl(only12.url(), trust() + " --tls-max 1.2").exit_code, 0);
  EXPECT_EQ(curl(only12.url(), trust() + " --tlsv1.3").exit_code, 35);
  EXPECT_EQ(curl(only13.url(), trust() + " --tlsv1.3").exit_code, 0);
  EXPECT_EQ(curl(only13.url(), trust() + " --tls-max 1.2").exit_code, 35);
}

TEST_F(TlsFixturesTest, NginxRequiresTheClientCertificateWhenAsked) {
  NginxTlsServer nginx(certs_, {.cert = certs_.valid(), .require_client_cert = true});
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  const Outcome without = curl(nginx.url(), trust());
  EXPECT_NE(without.output.find("400 1.1"), std::string::npos) << without.output;
  const std::string with_cert = " --cert " + certs_.client().cert + " --key " + certs_.client().key;
  const Outcome with = curl(nginx.url(), trust() + with_cert);
  EXPECT_EQ(with.output, "hello from nginx\n\n200 1.1");
  // A certificate from a CA nginx does not trust for clients is refused too.
  const std::string wrong_cert = " --cert " + certs_.valid().cert + " --key " + certs_.valid().key;
  EXPECT_NE(curl(nginx.url(), trust() + wrong_cert).output.find("400 1.1"), std::string::npos);
}

TEST_F(TlsFixturesTest, NginxOffersHttp2WhenAsked) {
  NginxTlsServer nginx(certs_, {.cert = certs_.valid(), .http2 = true});
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  EXPECT_EQ(curl(nginx.url(), trust() + " --http2").output, "hello from nginx\n\n200 2");
  EXPECT_EQ(curl(nginx.url(), trust() + " --http1.1").output, "hello from nginx\n\n200 1.1");
}

TEST_F(TlsFixturesTest, ServersStopInTheirDestructors) {
  int port = 0;
  {
    NginxTlsServer nginx(certs_, {.cert = certs_.valid()});
    ASSERT_TRUE(nginx.ok()) << nginx.error();
    port = nginx.port();
  }
  const Outcome after = curl("https://127.0.0.1:" + std::to_string(port) + "/", trust());
  EXPECT_EQ(after.exit_code, 7) << after.output;  // connection refused
}

TEST_F(TlsFixturesTest, ResetServerResetsMidHandshake) {
  ResetServer server(certs_.ca_path());
  ASSERT_TRUE(server.ok());
  const Outcome outcome = curl(server.url(), trust());
  EXPECT_EQ(outcome.exit_code, 35) << outcome.output;
  EXPECT_NE(outcome.output.find("reset"), std::string::npos) << outcome.output;
  EXPECT_EQ(server.connections_seen(), 1);
}

TEST_F(TlsFixturesTest, PlainHttpServerAnswersPlainHttpOnTheTlsPort) {
  PlainHttpServer server(certs_.ca_path());
  ASSERT_TRUE(server.ok());
  const Outcome tls = curl(server.url(), trust());
  EXPECT_EQ(tls.exit_code, 35) << tls.output;
  EXPECT_NE(tls.output.find("wrong version number"), std::string::npos) << tls.output;
  const Outcome plain = curl("http://127.0.0.1:" + std::to_string(server.port()) + "/", "");
  EXPECT_NE(plain.output.find("400 1.1"), std::string::npos) << plain.output;
}

}  // namespace
}  // namespace perfgate::test_support
