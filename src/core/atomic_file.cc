#include "core/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/read_file.h"

namespace perfgate {
namespace {

std::string directory_of(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

Error io_error(std::string_view what, const std::string& path) {
  return make_error(fmt::format("cannot {} {}: {}", what, path, std::strerror(errno)));
}

}  // namespace

Result<void> write_file_atomically(const std::string& path, std::string_view content) {
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("create", tmp);
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error e = io_error("write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return e;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    Error e = io_error("flush", tmp);
    ::unlink(tmp.c_str());
    return e;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e = io_error("rename into", path);
    ::unlink(tmp.c_str());
    return e;
  }
  return {};
}

Result<void> check_writable(const std::string& path) {
  const std::string dir = directory_of(path);
  if (!std::filesystem::is_directory(dir)) {
    return make_error(fmt::format("cannot write {}: directory {} does not exist", path, dir),
                      "create the directory first or choose another path");
  }
  if (::access(dir.c_str(), W_OK) != 0) return io_error("write into directory", dir);
  if (std::filesystem::is_directory(path)) {
    return make_error(fmt::format("cannot write {}: it is a directory", path));
  }
  return {};
}

Result<std::string> read_file(const std::string& path) {
  return read_file_bounded(path, kMaxOtherFileBytes);
}

}  // namespace perfgate
