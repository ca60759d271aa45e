// `perfgate run https://…` against real TLS servers the test starts on 127.0.0.1 (nginx with the
// fixture certificates, and tiny servers that reset mid-handshake or answer in plain text):
// verification on and off, a wrong hostname, expired and untrusted certificates, a required
// client certificate, TLS 1.2-only and 1.3-only servers, each classified — never a crash or a
// hang — and the handshake measured as its own phase.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/engine/child_process.h"
#include "tests/support/tls_fixtures.h"

namespace perfgate::test_support {
namespace {

using nlohmann::json;

// Exit 5: every request failed (cli/run_verdict.h); 0 otherwise.
json run_summary(const std::string& name, std::vector<std::string> args, int expected_exit = 0) {
  const std::string path =
      ::testing::TempDir() + "perfgate_tls_" + name + "_" + std::to_string(::getpid()) + ".json";
  std::filesystem::remove(path);
  args.insert(args.end(), {"-u", "2", "-d", "800ms", "--threads", "1", "--timeout", "3s",
                           "--summary-json", path});
  args.insert(args.begin(), "run");
  const RunOutcome r = run_perfgate(args);
  EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
  std::ifstream in(path);
  json summary = in ? json::parse(in, nullptr, false) : json();
  std::filesystem::remove(path);
  return summary;
}

int64_t requests(const json& s) { return s["metrics"]["http_reqs"]["count"].get<int64_t>(); }
int64_t errors(const json& s, const char* name) {
  return s["perfgate"]["errors"].value(name, int64_t{0});
}

// Every request failed with `error_class` (and there were some).
void expect_all_failed_as(const json& s, const char* error_class) {
  ASSERT_TRUE(s.is_object());
  EXPECT_GT(requests(s), 0);
  EXPECT_EQ(errors(s, error_class), requests(s)) << s["perfgate"]["errors"].dump();
}

class TlsRun : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(certs_.ok()) << certs_.error(); }
  TlsCertificates certs_;
};

TEST_F(TlsRun, VerifiedHandshakeThenKeepAlive) {
  NginxTlsServer nginx(certs_, {.cert = certs_.valid()});
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  const json s = run_summary("ok", {nginx.url(), "--cacert", certs_.ca_path()});
  ASSERT_TRUE(s.is_object());
  EXPECT_GT(requests(s), 20);
  EXPECT_EQ(s["metrics"]["http_req_failed"]["passes"].get<int64_t>(), 0);
  const json& tls = s["metrics"]["http_req_tls_handshaking"];
  ASSERT_TRUE(tls.is_object()) << "the handshake is its own phase";
  EXPECT_GT(tls["max"].get<double>(), 0.0);
  EXPECT_EQ(tls["med"].get<double>(), 0.0) << "keep-alive: most requests ran no handshake";
}

TEST_F(TlsRun, HostnameIsCheckedAgainstTheCertificate) {
  NginxTlsServer nginx(certs_, {.cert = certs_.valid()});
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  const json s = run_summary("localhost", {nginx.localhost_url(), "--cacert", certs_.ca_path()});
  EXPECT_EQ(s["metrics"]["http_req_failed"]["passes"].get<int64_t>(), 0);
}

TEST_F(TlsRun, UntrustedCertificateFailsUnlessVerificationIsOff) {
  NginxTlsServer nginx(certs_, {.cert = certs_.self_signed()});
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  expect_all_failed_as(run_summary("untrusted", {nginx.url(), "--cacert", certs_.ca_path()}, 5),
                       "tls_untrusted_certificate");
  const json off = run_summary("insecure", {nginx.url(), "--insecure-skip-tls-verify"});
  EXPECT_GT(requests(off), 0);
  EXPECT_EQ(off["metrics"]["http_req_failed"]["passes"].get<int64_t>(), 0);
}

TEST_F(TlsRun, ExpiredCertificate) {
  NginxTlsServer nginx(certs_, {.cert = certs_.expired()});
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  expect_all_failed_as(run_summary("expired", {nginx.url(), "--cacert", certs_.ca_path()}, 5),
                       "tls_certificate_expired");
}

TEST_F(TlsRun, WrongHostname) {
  NginxTlsServer nginx(certs_, {.cert = certs_.wrong_host()});
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  expect_all_failed_as(run_summary("wrong_host", {nginx.url(), "--cacert", certs_.ca_path()}, 5),
                       "tls_hostname_mismatch");
}

TEST_F(TlsRun, VersionBoundsMeetTheServer) {
  NginxTlsServer tls12(certs_, {.cert = certs_.valid(), .versions = TlsVersions::k12Only});
  NginxTlsServer tls13(certs_, {.cert = certs_.valid(), .versions = TlsVersions::k13Only});
  ASSERT_TRUE(tls12.ok() && tls13.ok()) << tls12.error() << tls13.error();
  const std::string ca = certs_.ca_path();
  EXPECT_EQ(errors(run_summary("12", {tls12.url(), "--cacert", ca}), "tls_protocol_version"), 0);
  EXPECT_EQ(errors(run_summary("13", {tls13.url(), "--cacert", ca}), "tls_protocol_version"), 0);
  expect_all_failed_as(
      run_summary("13on12", {tls12.url(), "--cacert", ca, "--tls-version", "tls1.3"}, 5),
      "tls_protocol_version");
  expect_all_failed_as(
      run_summary("12on13", {tls13.url(), "--cacert", ca, "--tls-version", "tls1.2"}, 5),
      "tls_protocol_version");
}

TEST_F(TlsRun, ClientCertificateRequired) {
  NginxTlsServer nginx(certs_, {.cert = certs_.valid(), .require_client_cert = true});
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  const std::string ca = certs_.ca_path();
  const json without = run_summary("no_client_cert", {nginx.url(), "--cacert", ca}, 5);
  ASSERT_TRUE(without.is_object());
  EXPECT_EQ(without["metrics"]["http_req_failed"]["passes"].get<int64_t>(), requests(without))
      << "nginx answers 400 without a client certificate";
  const json with = run_summary(
      "client_cert",
      {nginx.url(), "--cacert", ca, "--cert", certs_.client().cert, "--key", certs_.client().key});
  EXPECT_GT(requests(with), 0);
  EXPECT_EQ(with["metrics"]["http_req_failed"]["passes"].get<int64_t>(), 0);
}

TEST_F(TlsRun, ResetMidHandshakeIsAReset) {
  ResetServer server(certs_.ca_path());
  ASSERT_TRUE(server.ok());
  expect_all_failed_as(run_summary("reset", {server.url(), "--cacert", certs_.ca_path()}, 5),
                       "reset");
}

TEST_F(TlsRun, PlainHttpOnATlsPort) {
  PlainHttpServer server(certs_.ca_path());
  ASSERT_TRUE(server.ok());
  expect_all_failed_as(run_summary("plain", {server.url(), "--cacert", certs_.ca_path()}, 5),
                       "tls_not_tls");
}

TEST_F(TlsRun, PlanWithTlsOptions) {
  NginxTlsServer nginx(certs_, {.cert = certs_.self_signed()});
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  const std::string plan_path =
      ::testing::TempDir() + "tls_plan_" + std::to_string(::getpid()) + ".yaml";
  std::ofstream(plan_path) << "options:\n  insecureSkipTLSVerify: true\n"
                              "  tlsVersion: {min: tls1.2, max: tls1.3}\n"
                              "  vus: 1\n  iterations: 5\n"
                              "flows:\n  default:\n    - url: "
                           << nginx.url() << "\n      checks: {status: 200}\n";
  const std::string summary = plan_path + ".json";
  const RunOutcome r = run_perfgate({"run", plan_path, "--summary-json", summary});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::ifstream in(summary);
  const json s = json::parse(in, nullptr, false);
  ASSERT_TRUE(s.is_object()) << r.out << r.err;
  EXPECT_EQ(requests(s), 5);
  EXPECT_EQ(s["metrics"]["http_req_failed"]["passes"].get<int64_t>(), 0);
  std::filesystem::remove(plan_path);
  std::filesystem::remove(summary);
}

}  // namespace
}  // namespace perfgate::test_support
