// Integration tests of `perfgate serve --tls`: the real binary, spoken to with a blocking OpenSSL
// client that verifies the server's certificate like any HTTPS client would.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "server/serve_test_support.h"
#include "tests/support/tls_fixtures.h"

namespace perfgate::server::testing {
namespace {

struct ClientOptions {
  int max_version = 0;                    // 0: TLS 1.3
  std::string alpn = "\x08http/1.1";      // wire format
  std::string verify_host = "localhost";  // "" : verify the IP 127.0.0.1 instead
};

// A blocking TLS connection to 127.0.0.1:port that trusts exactly `ca_file`.
class TlsClient {
 public:
  TlsClient(uint16_t port, const std::string& ca_file, const ClientOptions& options = {}) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr);
    if (options.max_version != 0) SSL_CTX_set_max_proto_version(ctx_, options.max_version);
    fd_ = connect_local(port);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set_alpn_protos(ssl_, reinterpret_cast<const unsigned char*>(options.alpn.data()),
                        static_cast<unsigned>(options.alpn.size()));
    if (options.verify_host.empty()) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), "127.0.0.1");
    } else {
      SSL_set1_host(ssl_, options.verify_host.c_str());
      SSL_set_tlsext_host_name(ssl_, options.verify_host.c_str());
    }
    connected_ = fd_ >= 0 && SSL_connect(ssl_) == 1;
    ERR_clear_error();
  }
  ~TlsClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    if (fd_ >= 0) close(fd_);
  }

  bool connected() const { return connected_; }
  std::string version() const { return SSL_get_version(ssl_); }
  std::string alpn() const {
    const unsigned char* data = nullptr;
    unsigned len = 0;
    SSL_get0_alpn_selected(ssl_, &data, &len);
    return std::string(reinterpret_cast<const char*>(data), len);
  }
  bool send(const std::string& data) {
    return SSL_write(ssl_, data.data(), static_cast<int>(data.size())) ==
           static_cast<int>(data.size());
  }
  // Everything until the server closes (or the 5 s receive timeout).
  std::string read_all() {
    std::string all;
    char buffer[16384];
    int n = 0;
    while ((n = SSL_read(ssl_, buffer, sizeof buffer)) > 0) all.append(buffer, n);
    ERR_clear_error();
    return all;
  }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool connected_ = false;
};

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string closing_get(const std::string& target) {
  return get_request(target, "Connection: close\r\n");
}

class ServeTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cert_ = "/tmp/perfgate-serve-tls-test-" + std::to_string(getpid()) + ".pem";
    server_ = new ServeProcess("--threads 2 --tls --write-cert " + cert_);
  }
  static void TearDownTestSuite() {
    delete server_;
    unlink(cert_.c_str());
  }
  void SetUp() override { ASSERT_TRUE(server_->started()) << "no URL from perfgate serve --tls"; }

  static ServeProcess* server_;
  static std::string cert_;
};
ServeProcess* ServeTlsTest::server_ = nullptr;
std::string ServeTlsTest::cert_;

TEST_F(ServeTlsTest, PrintsAnHttpsUrl) {
  EXPECT_EQ(server_->url(), "https://127.0.0.1:" + std::to_string(server_->port()));
}

TEST_F(ServeTlsTest, ServesOverTls13And12WithACertificateForLocalhostAndItsAddress) {
  for (int max : {0, TLS1_2_VERSION}) {
    for (const std::string host : {"localhost", ""}) {
      TlsClient client(server_->port(), cert_, {.max_version = max, .verify_host = host});
      ASSERT_TRUE(client.connected()) << max << " " << host;
      EXPECT_EQ(client.version(), max == 0 ? "TLSv1.3" : "TLSv1.2");
      EXPECT_EQ(client.alpn(), "http/1.1");
      ASSERT_TRUE(client.send(closing_get("/")));
      const std::string answer = client.read_all();
      EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer;
      EXPECT_NE(answer.find("\r\n\r\nhello from perfgate\n"), std::string::npos);
    }
  }
}

TEST_F(ServeTlsTest, KeepsConnectionsAliveAndAnswersPipelinedRequestsInOrder) {
  TlsClient client(server_->port(), cert_);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send(get_request("/status/201") + get_request("/delay/30") +
                          get_request("/bytes/1000000") + closing_get("/status/418")));
  const std::string answer = client.read_all();
  const size_t a = answer.find("HTTP/1.1 201");
  const size_t b = answer.find("HTTP/1.1 200 OK\r\nContent-Type: text/plain");
  const size_t c = answer.find("Content-Length: 1000000");
  const size_t d = answer.find("HTTP/1.1 418");
  ASSERT_TRUE(a != std::string::npos && b != std::string::npos && c != std::string::npos &&
              d != std::string::npos)
      << answer.substr(0, 500);
  EXPECT_TRUE(a < b && b < c && c < d);
  EXPECT_GT(answer.size(), 1000000u);
}

TEST_F(ServeTlsTest, AlpnWithoutHttp11IsServedAsHttp11) {
  TlsClient client(server_->port(), cert_, {.alpn = "\x06spdy/3"});
  ASSERT_TRUE(client.connected());
  EXPECT_EQ(client.alpn(), "");
  ASSERT_TRUE(client.send(closing_get("/")));
  EXPECT_EQ(client.read_all().rfind("HTTP/1.1 200 OK", 0), 0u);
}

TEST_F(ServeTlsTest, PlainHttpAndBrokenHandshakesAreClosedAndTheServerCarriesOn) {
  const int plain = connect_local(server_->port());
  ASSERT_TRUE(send_all(plain, closing_get("/")));
  ResponseReader reader(plain);
  EXPECT_FALSE(reader.next());  // no HTTP answer on the TLS port, just a close
  close(plain);
  const int half = connect_local(server_->port());
  ASSERT_TRUE(send_all(half, std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)));
  close(half);  // gone mid-handshake
  TlsClient client(server_->port(), cert_);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send(closing_get("/")));
  EXPECT_EQ(client.read_all().rfind("HTTP/1.1 200 OK", 0), 0u);
}

TEST_F(ServeTlsTest, OtherCertificatesAreNotTrusted) {
  test_support::TlsCertificates certs;
  ASSERT_TRUE(certs.ok()) << certs.error();
  TlsClient client(server_->port(), certs.ca_path());
  EXPECT_FALSE(client.connected());
}

TEST(ServeTlsFiles, ServesTheCertificateAndKeyGiven) {
  test_support::TlsCertificates certs;
  ASSERT_TRUE(certs.ok()) << certs.error();
  ServeProcess server("--threads 1 --cert " + certs.valid().cert + " --key " + certs.valid().key);
  ASSERT_TRUE(server.started());
  EXPECT_EQ(server.url().rfind("https://", 0), 0u);
  TlsClient client(server.port(), certs.ca_path());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send(closing_get("/json")));
  EXPECT_NE(client.read_all().find("\"service\":\"perfgate\""), std::string::npos);
}

TEST(ServeTlsFiles, AKeyThatDoesNotMatchIsAStartError) {
  test_support::TlsCertificates certs;
  ASSERT_TRUE(certs.ok()) << certs.error();
  ServeProcess server("--tls --cert " + certs.valid().cert + " --key " + certs.expired().key);
  EXPECT_FALSE(server.started());
  EXPECT_EQ(server.stop(SIGTERM), 1);
  ServeProcess missing("--tls --cert /nonexistent.pem --key /nonexistent.pem");
  EXPECT_FALSE(missing.started());
  EXPECT_EQ(missing.stop(SIGTERM), 2);
}

}  // namespace
}  // namespace perfgate::server::testing
