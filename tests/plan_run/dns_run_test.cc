// Name resolution during a run, hermetic: a DNS server and an HTTP server run on threads of this
// test (DNS on 127.0.0.1, HTTP on 127.0.0.2 and [::1]) and perfgate is pointed at the DNS server
// with PERFGATE_DNS_SERVERS, so no name ever leaves the machine.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "plan_test_support.h"

namespace perfgate::test_support {
namespace {

void put16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}

// UDP DNS on 127.0.0.1:0: A records from a table (TTL 300), NXDOMAIN for other names, an empty
// answer for AAAA queries of known names. Counts queries per name.
class TestDns {
 public:
  explicit TestDns(std::map<std::string, std::string> a_records) : records_(std::move(a_records)) {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TestDns() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  std::string servers() const { return "127.0.0.1:" + std::to_string(port_); }
  int queries(const std::string& name) {
    std::lock_guard lock(mutex_);
    return queries_[name];
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      char packet[512];
      sockaddr_storage from{};
      socklen_t from_len = sizeof from;
      const ssize_t n =
          recvfrom(fd_, packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
      if (n <= 12) continue;
      const std::string reply = answer(std::string(packet, static_cast<size_t>(n)));
      sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), from_len);
    }
  }
  std::string answer(const std::string& query) {
    size_t at = 12;
    std::string name;
    while (at < query.size() && query[at] != 0) {
      const size_t len = static_cast<uint8_t>(query[at]);
      name += (name.empty() ? "" : ".") + query.substr(at + 1, len);
      at += len + 1;
    }
    const bool type_a = at + 2 < query.size() && query[at + 1] == 0 && query[at + 2] == 1;
    {
      std::lock_guard lock(mutex_);
      ++queries_[name];
    }
    auto it = records_.find(name);
    const bool answered = it != records_.end() && type_a;
    std::string out = query.substr(0, 2);
    put16(out, it == records_.end() ? 0x8583 : 0x8580);  // NXDOMAIN or NOERROR
    put16(out, 1);
    put16(out, answered ? 1 : 0);
    put16(out, 0);
    put16(out, 0);
    out += query.substr(12, at + 5 - 12);
    if (answered) {
      put16(out, 0xC00C);
      put16(out, 1);
      put16(out, 1);
      put16(out, 0);
      put16(out, 300);
      put16(out, 4);
      in_addr ip{};
      inet_pton(AF_INET, it->second.c_str(), &ip);
      out.append(reinterpret_cast<const char*>(&ip), 4);
    }
    return out;
  }

  std::map<std::string, std::string> records_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::map<std::string, int> queries_;
  std::thread thread_;
};

// HTTP/1.1 keep-alive on `ip`:0: "/hop" answers 302 to http://<redirect_host>:<port>/final,
// anything else 200 "final". One thread per connection.
class TestHttp {
 public:
  TestHttp(const char* ip, std::string redirect_host) : redirect_host_(std::move(redirect_host)) {
    sockaddr_storage storage{};
    socklen_t len;
    if (std::string(ip).find(':') != std::string::npos) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
      a->sin6_family = AF_INET6;
      inet_pton(AF_INET6, ip, &a->sin6_addr);
      len = sizeof *a;
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&storage);
      a->sin_family = AF_INET;
      inet_pton(AF_INET, ip, &a->sin_addr);
      len = sizeof *a;
    }
    fd_ = socket(storage.ss_family, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&storage), len) != 0 || listen(fd_, 64) != 0) return;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&storage), &len);
    port_ =
        ntohs(storage.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~TestHttp() {
    stop_ = true;
    if (accept_thread_.joinable()) accept_thread_.join();
    for (std::thread& t : connections_) t.join();
    close(fd_);
  }
  int port() const { return port_; }
  int requests() const { return requests_; }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      const int client = accept(fd_, nullptr, nullptr);
      if (client >= 0) connections_.emplace_back([this, client] { serve(client); });
    }
  }
  void serve(int fd) {
    std::string buffer;
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      char chunk[4096];
      const ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) break;
      buffer.append(chunk, static_cast<size_t>(n));
      size_t end;
      while ((end = buffer.find("\r\n\r\n")) != std::string::npos) {
        const bool hop = buffer.find("GET /hop ") == 0;
        buffer.erase(0, end + 4);
        ++requests_;
        const std::string response =
            hop ? "HTTP/1.1 302 Found\r\nLocation: http://" + redirect_host_ + ":" +
                      std::to_string(port_) + "/final\r\nContent-Length: 0\r\n\r\n"
                : std::string("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nfinal\n");
        if (write(fd, response.data(), response.size()) < 0) break;
      }
    }
    close(fd);
  }

  std::string redirect_host_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread accept_thread_;
  std::vector<std::thread> connections_;
};

class DnsRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("PERFGATE_DNS_SERVERS", dns_.servers().c_str(), 1);
    ASSERT_GT(http_.port(), 0);
  }
  void TearDown() override { ::unsetenv("PERFGATE_DNS_SERVERS"); }
  PlanRun run(const std::string& name, const std::string& url, const std::string& env = "{}") {
    return run_plan_text(name,
                         "options:\n"
                         "  scenarios:\n"
                         "    s: {executor: per-vu-iterations, vus: 2, iterations: 3, env: " +
                             env +
                             "}\n"
                             "flows:\n"
                             "  default:\n"
                             "    - name: page\n"
                             "      url: " +
                             url +
                             "\n"
                             "      checks: {status: 200, bodyContains: final}\n",
                         "http://unused", {"--threads", "1"});
  }

  TestDns dns_{{{"first.test", "127.0.0.2"}, {"second.test", "127.0.0.2"}}};
  TestHttp http_{"127.0.0.2", "second.test"};
};

int64_t count(const nlohmann::json& summary, const std::string& metric, const char* field) {
  return summary["metrics"][metric][field].get<int64_t>();
}

// first.test is resolved before the run (a literal URL), second.test only appears in a
// Location header: it is resolved during the run, once, and the redirect is followed.
TEST_F(DnsRunTest, ARedirectToAHostNotSeenBeforeTheRunIsFollowed) {
  PlanRun r = run("redirect", "http://first.test:" + std::to_string(http_.port()) + "/hop");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count(r.summary, "http_reqs", "count"), 12);  // 6 iterations: a hop and the answer
  EXPECT_EQ(count(r.summary, "checks", "passes"), 12);    // two checks a final answer
  EXPECT_EQ(count(r.summary, "checks", "fails"), 0);
  EXPECT_EQ(r.summary["perfgate"]["errors"]["dns_error"].get<int64_t>(), 0);
  EXPECT_EQ(http_.requests(), 12);
  // One worker, one lookup (A and AAAA): the cache answers the other five redirects.
  EXPECT_GE(dns_.queries("second.test"), 1);
  EXPECT_LE(dns_.queries("second.test"), 2);
}

// A host that comes from a variable is resolved during the run.
TEST_F(DnsRunTest, ARenderedHostIsResolvedDuringTheRun) {
  PlanRun r = run("rendered", "'http://{{HOST}}:" + std::to_string(http_.port()) + "/final'",
                  "{HOST: second.test}");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count(r.summary, "http_reqs", "count"), 6);
  EXPECT_EQ(count(r.summary, "checks", "fails"), 0);
  EXPECT_LE(dns_.queries("second.test"), 2);
}

// A name that does not resolve fails each request as dns_error; the run goes on to its end.
TEST_F(DnsRunTest, ANameThatDoesNotResolveIsADnsError) {
  PlanRun r = run("nxdomain", "'http://{{HOST}}:" + std::to_string(http_.port()) + "/final'",
                  "{HOST: missing.test}");
  ASSERT_TRUE(r.summary.is_object()) << r.out << r.err;
  EXPECT_EQ(count(r.summary, "http_reqs", "count"), 6);
  EXPECT_EQ(r.summary["perfgate"]["errors"]["dns_error"].get<int64_t>(), 6);
  EXPECT_EQ(count(r.summary, "http_req_failed", "passes"), 6);
  EXPECT_EQ(http_.requests(), 0);
  EXPECT_GE(dns_.queries("missing.test"), 1);
}

// IPv6: a [::1] URL, and a name whose only address is ::1 (from CARES_HOSTS, the test's hosts
// file), both reach a server listening on ::1 only.
TEST_F(DnsRunTest, IPv6LiteralsAndNames) {
  TestHttp v6("::1", "six.test");
  ASSERT_GT(v6.port(), 0);
  const std::string hosts = temp_path("hosts");
  std::ofstream(hosts) << "::1 six.test\n";
  ::setenv("CARES_HOSTS", hosts.c_str(), 1);
  PlanRun literal = run("v6_literal", "http://[::1]:" + std::to_string(v6.port()) + "/final");
  PlanRun named = run("v6_name", "http://six.test:" + std::to_string(v6.port()) + "/hop");
  ::unsetenv("CARES_HOSTS");
  std::filesystem::remove(hosts);
  ASSERT_EQ(literal.exit_code, 0) << literal.out << literal.err;
  EXPECT_EQ(count(literal.summary, "checks", "passes"), 12);
  ASSERT_EQ(named.exit_code, 0) << named.out << named.err;
  EXPECT_EQ(count(named.summary, "checks", "passes"), 12);  // redirected to six.test again
  EXPECT_EQ(v6.requests(), 6 + 12);
}

}  // namespace
}  // namespace perfgate::test_support
