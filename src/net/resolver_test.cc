// The resolver against a DNS responder that runs on the same event loop as the resolver: every
// answer can only arrive if resolution never blocks the loop.
#include "net/resolver.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace perfgate::net {
namespace {

// A UDP DNS server on 127.0.0.1:0 answering A/AAAA from a table, NXDOMAIN for other names.
class LoopDns final : public IoHandler {
 public:
  struct Record {
    uint16_t type;  // 1 = A, 28 = AAAA
    std::string rdata;
    uint32_t ttl;
  };
  explicit LoopDns(EventLoop& loop) : loop_(loop) {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    (void)loop_.add(fd_, EPOLLIN, this);
  }
  ~LoopDns() override {
    loop_.remove(fd_);
    close(fd_);
  }
  std::string servers() const { return "127.0.0.1:" + std::to_string(port_); }
  void add_a(const std::string& name, const char* ip, uint32_t ttl) {
    std::string rdata(4, '\0');
    inet_pton(AF_INET, ip, rdata.data());
    records_[name].push_back({1, rdata, ttl});
  }
  void add_aaaa(const std::string& name, const char* ip, uint32_t ttl) {
    std::string rdata(16, '\0');
    inet_pton(AF_INET6, ip, rdata.data());
    records_[name].push_back({28, rdata, ttl});
  }
  int queries(const std::string& name) const {
    auto it = queries_.find(name);
    return it == queries_.end() ? 0 : it->second;
  }

  void on_io(uint32_t) override {
    char packet[512];
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    ssize_t n;
    while ((n = recvfrom(fd_, packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&from),
                         &from_len)) > 12) {
      const std::string reply = answer(std::string(packet, static_cast<size_t>(n)));
      sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), from_len);
    }
  }

 private:
  static void put16(std::string& out, uint16_t v) {
    out.push_back(static_cast<char>(v >> 8));
    out.push_back(static_cast<char>(v & 0xff));
  }
  std::string answer(const std::string& query) {
    size_t at = 12;
    std::string name;
    while (at < query.size() && query[at] != 0) {
      const size_t len = static_cast<uint8_t>(query[at]);
      if (!name.empty()) name += '.';
      name += query.substr(at + 1, len);
      at += len + 1;
    }
    const size_t question_end = at + 5;  // the root label, type and class
    const uint16_t type = static_cast<uint16_t>((static_cast<uint8_t>(query[at + 1]) << 8) |
                                                static_cast<uint8_t>(query[at + 2]));
    ++queries_[name];
    std::vector<Record> matching;
    auto it = records_.find(name);
    if (it != records_.end()) {
      for (const Record& r : it->second) {
        if (r.type == type) matching.push_back(r);
      }
    }
    std::string out = query.substr(0, 2);                // the id
    put16(out, it == records_.end() ? 0x8583 : 0x8580);  // NXDOMAIN or NOERROR
    put16(out, 1);
    put16(out, static_cast<uint16_t>(matching.size()));
    put16(out, 0);
    put16(out, 0);
    out += query.substr(12, question_end - 12);
    for (const Record& r : matching) {
      put16(out, 0xC00C);  // the name: a pointer to the question's
      put16(out, r.type);
      put16(out, 1);
      put16(out, static_cast<uint16_t>(r.ttl >> 16));
      put16(out, static_cast<uint16_t>(r.ttl & 0xffff));
      put16(out, static_cast<uint16_t>(r.rdata.size()));
      out += r.rdata;
    }
    return out;
  }

  EventLoop& loop_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::map<std::string, std::vector<Record>> records_;
  std::map<std::string, int> queries_;
};

struct Waiter final : ResolveWaiter {
  int calls = 0;
  std::string address, error;
  void on_resolved(const Address* a, const std::string& e) override {
    ++calls;
    address = a ? a->to_string() : "";
    error = e;
  }
};

class ResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hosts_ =
        (std::filesystem::temp_directory_path() / ("perfgate_hosts_" + std::to_string(getpid())))
            .string();
    std::ofstream(hosts_) << "127.0.0.3 fromfile.test\n::1 v6file.test\n";
    setenv("CARES_HOSTS", hosts_.c_str(), 1);
    setenv("PERFGATE_DNS_SERVERS", dns_.servers().c_str(), 1);
    auto created = Resolver::create(loop_, options_);
    ASSERT_TRUE(created) << created.error().describe();
    resolver_ = std::move(*created);
  }
  void TearDown() override {
    resolver_.reset();
    unsetenv("CARES_HOSTS");
    unsetenv("PERFGATE_DNS_SERVERS");
    std::filesystem::remove(hosts_);
  }
  // Resolves through the loop; returns "ip:port" or "error: ...".
  std::string lookup(const std::string& host, uint16_t port) {
    Waiter waiter;
    Address address;
    switch (resolver_->resolve(host, port, &waiter, &address)) {
      case Resolver::Status::kReady:
        return address.to_string();
      case Resolver::Status::kFailed:
        return "error: " + resolver_->error();
      case Resolver::Status::kPending:
        break;
    }
    EXPECT_EQ(waiter.calls, 0) << "never called back from inside resolve()";
    for (int i = 0; i < 200 && waiter.calls == 0; ++i) loop_.poll(20 * kNanosPerMilli);
    EXPECT_EQ(waiter.calls, 1);
    return waiter.calls == 1 && waiter.error.empty() ? waiter.address : "error: " + waiter.error;
  }

  SteadyClock clock_;
  EventLoop loop_{clock_};
  LoopDns dns_{loop_};
  DnsOptions options_;
  std::string hosts_;
  std::unique_ptr<Resolver> resolver_;
};

TEST_F(ResolverTest, LiteralsNeedNoLookup) {
  Waiter waiter;
  Address address;
  ASSERT_EQ(resolver_->resolve("10.1.2.3", 80, &waiter, &address), Resolver::Status::kReady);
  EXPECT_EQ(address.to_string(), "10.1.2.3:80");
  ASSERT_EQ(resolver_->resolve("::1", 443, &waiter, &address), Resolver::Status::kReady);
  EXPECT_EQ(address.to_string(), "[::1]:443");
  ASSERT_EQ(resolver_->resolve("[::1]", 8080, &waiter, &address), Resolver::Status::kReady);
  EXPECT_EQ(address.to_string(), "[::1]:8080");
  EXPECT_EQ(resolver_->cache().size(), 0u);
}

TEST_F(ResolverTest, NamesFromTheHostsFile) {
  EXPECT_EQ(lookup("fromfile.test", 8080), "127.0.0.3:8080");
  EXPECT_EQ(lookup("v6file.test", 80), "[::1]:80");
  EXPECT_EQ(dns_.queries("fromfile.test"), 0);
}

TEST_F(ResolverTest, NamesFromDnsAreCachedAndWaitersShareOneLookup) {
  dns_.add_a("new.test", "127.0.0.2", 300);
  Waiter a, b;
  Address address;
  ASSERT_EQ(resolver_->resolve("new.test", 80, &a, &address), Resolver::Status::kPending);
  ASSERT_EQ(resolver_->resolve("new.test", 81, &b, &address), Resolver::Status::kPending);
  EXPECT_EQ(resolver_->pending_lookups(), 1u);
  for (int i = 0; i < 200 && b.calls == 0; ++i) loop_.poll(20 * kNanosPerMilli);
  EXPECT_EQ(a.address, "127.0.0.2:80");
  EXPECT_EQ(b.address, "127.0.0.2:81");
  const int queries = dns_.queries("new.test");
  EXPECT_GE(queries, 1);  // A, and AAAA
  // Cached now: answered at once, no new query.
  ASSERT_EQ(resolver_->resolve("new.test", 82, &a, &address), Resolver::Status::kReady);
  EXPECT_EQ(address.to_string(), "127.0.0.2:82");
  EXPECT_EQ(dns_.queries("new.test"), queries);
}

TEST_F(ResolverTest, AnExpiredAnswerIsLookedUpAgain) {
  dns_.add_a("brief.test", "127.0.0.4", 1);  // a one-second TTL
  EXPECT_EQ(lookup("brief.test", 80), "127.0.0.4:80");
  const int queries = dns_.queries("brief.test");
  Waiter waiter;
  Address address;
  EXPECT_EQ(resolver_->resolve("brief.test", 80, &waiter, &address), Resolver::Status::kReady);
  usleep(1'050'000);
  EXPECT_EQ(lookup("brief.test", 80), "127.0.0.4:80");
  EXPECT_GT(dns_.queries("brief.test"), queries);
}

TEST_F(ResolverTest, IPv6AnswersAndTheIPv4Preference) {
  dns_.add_aaaa("six.test", "::1", 60);
  EXPECT_EQ(lookup("six.test", 443), "[::1]:443");
  dns_.add_a("dual.test", "127.0.0.5", 60);
  dns_.add_aaaa("dual.test", "::1", 60);
  EXPECT_EQ(lookup("dual.test", 80), "127.0.0.5:80");
}

TEST_F(ResolverTest, UnknownNamesFailAndTheFailureIsCached) {
  const std::string result = lookup("missing.test", 80);
  EXPECT_EQ(result.rfind("error: ", 0), 0u) << result;
  EXPECT_NE(result.find("missing.test"), std::string::npos) << result;
  Waiter waiter;
  Address address;
  EXPECT_EQ(resolver_->resolve("missing.test", 80, &waiter, &address), Resolver::Status::kFailed);
}

TEST_F(ResolverTest, ACancelledWaiterIsNotCalled) {
  dns_.add_a("slow.test", "127.0.0.6", 60);
  Waiter gone, kept;
  Address address;
  ASSERT_EQ(resolver_->resolve("slow.test", 80, &gone, &address), Resolver::Status::kPending);
  ASSERT_EQ(resolver_->resolve("slow.test", 80, &kept, &address), Resolver::Status::kPending);
  resolver_->cancel(&gone);
  for (int i = 0; i < 200 && kept.calls == 0; ++i) loop_.poll(20 * kNanosPerMilli);
  EXPECT_EQ(kept.calls, 1);
  EXPECT_EQ(gone.calls, 0);
}

TEST(ResolveBlocking, ResolvesLiteralsAndLocalhost) {
  auto literal = resolve_blocking("127.0.0.1", 9);
  ASSERT_TRUE(literal) << literal.error().describe();
  EXPECT_EQ(literal->to_string(), "127.0.0.1:9");
  auto localhost = resolve_blocking("localhost", 9);  // /etc/hosts: IPv4 preferred
  ASSERT_TRUE(localhost) << localhost.error().describe();
  EXPECT_EQ(localhost->to_string(), "127.0.0.1:9");
}

}  // namespace
}  // namespace perfgate::net
