#include "core/read_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace perfgate {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string_view kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

Error too_large(const std::string& path, std::int64_t max_bytes, std::string_view what) {
  return make_error(
      fmt::format("{}: {} is larger than the {} limit", path, what, format_limit(max_bytes)),
      "see docs/limits.md for the size limit of each kind of input");
}

// Reads until EOF or until more than `max_bytes` arrived (then returns max_bytes + 1 bytes).
Result<std::string> read_up_to(int fd, const std::string& path, std::string_view what,
                               std::int64_t max_bytes, std::int64_t size_hint) {
  std::string out;
  if (size_hint > 0) out.reserve(static_cast<size_t>(std::min(size_hint, max_bytes) + 1));
  char buffer[65536];
  while (static_cast<std::int64_t>(out.size()) <= max_bytes) {
    const std::int64_t room = max_bytes + 1 - static_cast<std::int64_t>(out.size());
    const ssize_t n =
        ::read(fd, buffer, static_cast<size_t>(std::min<std::int64_t>(room, sizeof buffer)));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(
          fmt::format("{}: cannot read the {}: {}", path, what, std::strerror(errno)));
    }
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace

std::string format_limit(std::int64_t bytes) {
  if (bytes >= kMiB && bytes % kMiB == 0) return fmt::format("{} MiB", bytes / kMiB);
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{} KiB", bytes / 1024);
  return fmt::format("{} bytes", bytes);
}

Result<std::string> read_file_bounded(const std::string& path, std::int64_t max_bytes,
                                      std::string_view what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return make_error(fmt::format("{}: cannot read the {}: {}", path, what, std::strerror(errno)));
  }
  // Devices are refused before open(): opening some has side effects, and /dev/zero never ends.
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
    return make_error(
        fmt::format("{}: the {} is not a regular file ({})", path, what, kind_of(st.st_mode)),
        "give the path of a file; a pipe such as <(cmd) is read up to the limit");
  }
  if (S_ISREG(st.st_mode) && st.st_size > max_bytes) return too_large(path, max_bytes, what);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return make_error(fmt::format("{}: cannot read the {}: {}", path, what, std::strerror(errno)));
  }
  auto text = read_up_to(fd.get(), path, what, max_bytes, S_ISREG(st.st_mode) ? st.st_size : 0);
  if (!text) return text.error();
  // A file that grew after stat(), or a pipe that kept writing.
  if (static_cast<std::int64_t>(text->size()) > max_bytes) return too_large(path, max_bytes, what);
  return text;
}

}  // namespace perfgate
