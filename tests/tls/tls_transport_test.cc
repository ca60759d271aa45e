// TlsTransport on its own against nginx over TLS (fixture certificates): the handshake, one
// request and response, and that a reconnect resumes the session the server issued — a
// connection dropped without close_notify must not make the next handshake a full one.
#include "net/tls_transport.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <string>

#include "tests/support/tls_fixtures.h"

namespace perfgate::net {
namespace {

using test_support::NginxTlsServer;
using test_support::TlsCertificates;
using test_support::TlsVersions;

// Calls `step` until it is done, waiting on the fd as it asks (bounded: 200 waits of 50 ms).
template <typename Step>
IoResult drive(Transport& t, Step step) {
  for (int i = 0; i < 200; ++i) {
    const IoResult r = step();
    if (r.status != IoStatus::kWantRead && r.status != IoStatus::kWantWrite) return r;
    pollfd p{t.fd(), static_cast<short>(r.status == IoStatus::kWantRead ? POLLIN : POLLOUT), 0};
    ::poll(&p, 1, 50);
  }
  return IoResult::fail(TransportError::kConnectTimeout);
}

// Connects, handshakes, sends one GET and reads its whole response (which carries TLS 1.3's
// session tickets); returns whether the handshake resumed a session.
bool one_exchange(Transport& t, const Address& address) {
  const IoResult c = t.connect(address, "localhost");
  EXPECT_NE(c.status, IoStatus::kError);
  if (c.status == IoStatus::kWantWrite) {
    EXPECT_EQ(drive(t, [&] { return t.finish_connect(); }).status, IoStatus::kDone);
  }
  EXPECT_EQ(drive(t, [&] { return t.handshake(); }).status, IoStatus::kDone);
  const bool resumed = t.resumed();
  const std::string request = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(drive(t, [&] { return t.write(request.data(), request.size()); }).bytes,
            request.size());
  std::string response;
  char buffer[4096];
  for (;;) {
    const IoResult r = drive(t, [&] { return t.read(buffer, sizeof buffer); });
    if (r.status != IoStatus::kDone) break;
    response.append(buffer, r.bytes);
  }
  EXPECT_NE(response.find("200 OK"), std::string::npos) << response;
  t.close();
  return resumed;
}

TEST(TlsTransport, ReconnectResumesTheSession) {
  for (TlsVersions versions : {TlsVersions::k12Only, TlsVersions::k13Only}) {
    TlsCertificates certs;
    ASSERT_TRUE(certs.ok()) << certs.error();
    NginxTlsServer nginx(certs, {.cert = certs.valid(), .versions = versions});
    ASSERT_TRUE(nginx.ok()) << nginx.error();
    TlsClientOptions options;
    options.ca_file = certs.ca_path();
    auto context = TlsClientContext::create(options);
    ASSERT_TRUE(context) << context.error().describe();
    TlsTransport transport(*context);
    const Address address = *resolve("127.0.0.1", static_cast<uint16_t>(nginx.port()));
    EXPECT_FALSE(one_exchange(transport, address)) << "the first handshake is a full one";
    EXPECT_TRUE(one_exchange(transport, address)) << "the reconnect resumes";
    EXPECT_TRUE(one_exchange(transport, address));
  }
}

TEST(TlsTransport, NegotiatesHttp11ByAlpn) {
  TlsCertificates certs;
  ASSERT_TRUE(certs.ok()) << certs.error();
  NginxTlsServer nginx(certs, {.cert = certs.valid(), .http2 = true});
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  TlsClientOptions options;
  options.ca_file = certs.ca_path();
  auto context = TlsClientContext::create(options);
  ASSERT_TRUE(context);
  TlsTransport transport(*context);
  const Address address = *resolve("127.0.0.1", static_cast<uint16_t>(nginx.port()));
  ASSERT_NE(transport.connect(address, "localhost").status, IoStatus::kError);
  drive(transport, [&] { return transport.finish_connect(); });
  ASSERT_EQ(drive(transport, [&] { return transport.handshake(); }).status, IoStatus::kDone);
  EXPECT_EQ(transport.negotiated_protocol(), "http/1.1") << "only http/1.1 is offered today";
}

TEST(TlsTransport, UnknownCipherSuiteIsAnErrorBeforeAnyConnection) {
  TlsClientOptions options;
  options.cipher_suites = {"TLS_NOT_A_SUITE"};
  auto context = TlsClientContext::create(options);
  ASSERT_FALSE(context);
  EXPECT_NE(context.error().message.find("TLS_NOT_A_SUITE"), std::string::npos);
  options.cipher_suites = {"TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"};
  EXPECT_TRUE(TlsClientContext::create(options));
}

}  // namespace
}  // namespace perfgate::net
