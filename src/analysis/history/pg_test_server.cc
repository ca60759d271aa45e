#include "analysis/history/pg_test_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/history/database.h"

namespace perfgate::analysis::history {
namespace {

constexpr const char* kBinaryDirs[] = {"/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin",
                                       "/usr/lib/postgresql/15/bin"};
constexpr int kStartAttempts = 3;  // a free port can be taken between probing and binding

// A port the kernel just reported free on 127.0.0.1.
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

// "runuser -u postgres -- " when running as root: PostgreSQL refuses to run as root.
std::string as_server_user() { return geteuid() == 0 ? "runuser -u postgres -- " : ""; }

std::string tail_of(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  return text.size() > 1500 ? text.substr(text.size() - 1500) : text;
}

Result<void> run(const std::string& command, const std::string& log) {
  const int rc = std::system((command + " >>" + log + " 2>&1").c_str());
  if (rc != 0) {
    return make_error(fmt::format("'{}' failed (status {}); log:\n{}", command, rc, tail_of(log)));
  }
  return {};
}

}  // namespace

std::string PgTestServer::binary_dir() {
  for (const char* dir : kBinaryDirs) {
    if (access((std::string(dir) + "/pg_ctl").c_str(), X_OK) == 0 &&
        access((std::string(dir) + "/initdb").c_str(), X_OK) == 0) {
      return dir;
    }
  }
  return {};
}

Result<std::unique_ptr<PgTestServer>> PgTestServer::start() {
  char pattern[] = "/tmp/perfgate-pg-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return make_error("mkdtemp failed for the PostgreSQL test dir");
  std::unique_ptr<PgTestServer> server(new PgTestServer(pattern, 0));
  if (geteuid() == 0) {
    const passwd* user = getpwnam("postgres");
    if (user == nullptr) return make_error("running as root but there is no 'postgres' user");
    if (chown(pattern, user->pw_uid, user->pw_gid) != 0) {
      return make_error(fmt::format("cannot chown {} to postgres", pattern));
    }
  }
  if (auto initdb = server->run_initdb(); !initdb) return initdb.error();
  Result<void> started = make_error("no attempt");
  for (int attempt = 0; attempt < kStartAttempts && !started; ++attempt) {
    server->port_ = free_port();
    started = server->run_pg_ctl_start();
  }
  if (!started) return started.error();
  server->started_ = true;
  return server;
}

Result<void> PgTestServer::run_initdb() {
  return run(fmt::format("{}{}/initdb -D {}/data -A trust -U postgres --no-sync -E UTF8",
                         as_server_user(), binary_dir(), dir_),
             dir_ + "/setup.log");
}

Result<void> PgTestServer::run_pg_ctl_start() {
  // fsync off: a test database need not survive a power cut, and it is much faster.
  return run(fmt::format("{}{}/pg_ctl -D {}/data -l {}/server.log -w -t 30 -o \"-k {} -h "
                         "127.0.0.1 -p {} -F\" start",
                         as_server_user(), binary_dir(), dir_, dir_, dir_, port_),
             dir_ + "/setup.log");
}

PgTestServer::~PgTestServer() {
  if (started_) {
    (void)run(fmt::format("{}{}/pg_ctl -D {}/data -m immediate -w stop", as_server_user(),
                          binary_dir(), dir_),
              "/dev/null");
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string PgTestServer::uri(const std::string& database) const {
  return fmt::format("postgresql://postgres@127.0.0.1:{}/{}", port_, database);
}

Result<std::string> PgTestServer::create_database() {
  auto admin = open_postgres(uri("postgres"));
  if (!admin) return admin.error();
  const std::string name = fmt::format("perfgate_test_{}", ++databases_);
  if (auto created = (*admin)->run_script("CREATE DATABASE " + name); !created) {
    return created.error();
  }
  return uri(name);
}

}  // namespace perfgate::analysis::history
