// Atomic file output (voc/files.h).
#include "voc/files.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace voc {

namespace {

// Writes all of `data` to `fd` and closes it; the error names `shown`.
Status WriteFd(int fd, std::string_view data, const std::string& shown) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      return DataLossError("cannot write " + shown + ": " + std::strerror(err));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  if (::close(fd) != 0 && errno != EINTR)
    return DataLossError("cannot write " + shown + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  namespace fs = std::filesystem;
  if (path.empty()) return InvalidArgumentError("empty output path");
  fs::path p(path);
  std::error_code ec;
  // A device, FIFO or socket (/dev/null, /dev/stdout, /dev/full), directly or
  // through symlinks, is written in place: renaming a regular file over it
  // would replace the device itself.
  const fs::file_status st = fs::status(p, ec);
  if (!ec && fs::exists(st) && !fs::is_regular_file(st)) {
    if (fs::is_directory(st)) return InvalidArgumentError("cannot write " + path + ": is a directory");
    const int fd = ::open(p.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return InternalError("cannot write " + path + ": " + std::strerror(errno));
    return WriteFd(fd, data, path);
  }
  // A symlink is written through (its target, existing or not, is replaced;
  // the link is kept).
  for (int hops = 0; fs::is_symlink(fs::symlink_status(p, ec)); ++hops) {
    if (hops == 40) return InvalidArgumentError("cannot write " + path + ": too many symlinks");
    const fs::path link = fs::read_symlink(p, ec);
    if (ec) return InternalError("cannot resolve symlink " + path + ": " + ec.message());
    p = link.is_absolute() ? link : p.parent_path() / link;
  }
  fs::path dir = p.parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ec))
    return NotFoundError("cannot write " + path + ": directory " + dir.string() + " does not exist");
  static thread_local std::mt19937_64 rng(std::random_device{}());
  fs::path tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 16; ++attempt) {
    tmp = dir / ("." + p.filename().string() + ".tmp" + std::to_string(::getpid()) + "-" +
                 std::to_string(rng() % 1000000000ULL));
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) return InternalError("cannot write " + tmp.string() + ": " + std::strerror(errno));
  Status written = WriteFd(fd, data, path);
  if (!written.ok()) {
    fs::remove(tmp, ec);
    return written;
  }
  fs::rename(tmp, p, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return InternalError("cannot rename " + tmp.string() + " to " + path + ": " + ec.message());
  }
  return Status::Ok();
}

}  // namespace voc
