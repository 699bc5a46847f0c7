// Byte sources (memory, file, gzip) and the read buffer of the record reader.
#include "io/reader_stream.h"

#include <sys/stat.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <utility>

namespace voc {
namespace internal {
namespace {

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  size_t Read(char* out, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(out, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  const Status& status() const override { return status_; }

 private:
  std::string data_;
  size_t pos_ = 0;
  Status status_;
};

class FileSource : public ByteSource {
 public:
  FileSource(std::FILE* file, std::string path, bool owned)
      : file_(file), path_(std::move(path)), owned_(owned) {}
  ~FileSource() override {
    if (owned_) std::fclose(file_);
  }
  size_t Read(char* out, size_t n) override {
    if (done_) return 0;
    size_t k = std::fread(out, 1, n, file_);
    if (k < n) {
      if (std::ferror(file_)) {
        status_ = DataLossError("read error on '" + path_ + "': " + std::strerror(errno));
        done_ = true;
      } else if (std::feof(file_)) {
        done_ = true;
      }
    }
    return k;
  }
  const Status& status() const override { return status_; }

 private:
  std::FILE* file_;
  std::string path_;
  bool owned_;
  bool done_ = false;
  Status status_;
};

// Serves at most `left` bytes of a file, from where it is positioned.
class LimitedFileSource : public ByteSource {
 public:
  LimitedFileSource(std::FILE* file, std::string path, uint64_t left)
      : file_(file, path, true), left_(left) {}
  size_t Read(char* out, size_t n) override {
    if (left_ == 0) return 0;
    const size_t k = file_.Read(out, static_cast<size_t>(std::min<uint64_t>(n, left_)));
    left_ -= k;
    return k;
  }
  const Status& status() const override { return file_.status(); }

 private:
  FileSource file_;
  uint64_t left_;
};

// Serves `prefix` and then the bytes of `rest`.
class PrefixedSource : public ByteSource {
 public:
  PrefixedSource(std::string prefix, std::unique_ptr<ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}
  size_t Read(char* out, size_t n) override {
    if (pos_ < prefix_.size()) {
      size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(out, prefix_.data() + pos_, k);
      pos_ += k;
      if (pos_ == prefix_.size()) {
        std::string().swap(prefix_);
        pos_ = 0;
      }
      return k;
    }
    return rest_->Read(out, n);
  }
  const Status& status() const override { return rest_->status(); }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

class GzipSource : public ByteSource {
 public:
  GzipSource(std::string prefix, std::unique_ptr<ByteSource> in)
      : in_(std::move(in)), inbuf_(std::move(prefix)) {
    std::memset(&zs_, 0, sizeof(zs_));
    // 15 window bits + 16: gzip wrapper only.
    if (inflateInit2(&zs_, 15 + 16) != Z_OK) {
      status_ = InternalError("cannot initialise zlib");
      done_ = true;
    }
    fed_ = inbuf_.size();
    zs_.next_in = reinterpret_cast<Bytef*>(inbuf_.data());
    zs_.avail_in = static_cast<uInt>(inbuf_.size());
  }
  ~GzipSource() override { inflateEnd(&zs_); }

  size_t Read(char* out, size_t n) override {
    if (done_ || n == 0) return 0;
    zs_.next_out = reinterpret_cast<Bytef*>(out);
    zs_.avail_out = static_cast<uInt>(n);
    while (zs_.avail_out > 0) {
      if (zs_.avail_in == 0 && !in_eof_) {
        inbuf_.resize(kReadChunkBytes);
        size_t k = in_->Read(inbuf_.data(), inbuf_.size());
        fed_ += k;
        zs_.next_in = reinterpret_cast<Bytef*>(inbuf_.data());
        zs_.avail_in = static_cast<uInt>(k);
        if (k == 0) {
          in_eof_ = true;
          if (!in_->status().ok()) {
            status_ = in_->status();
            done_ = true;
            break;
          }
        }
      }
      if (zs_.avail_in == 0 && in_eof_) {
        if (in_member_) {
          status_ = DataLossError("gzip data truncated at byte offset " + std::to_string(Offset()));
        }
        done_ = true;
        break;
      }
      if (!in_member_) {
        if (members_ > 0 && inflateReset(&zs_) != Z_OK) {
          status_ = InternalError("cannot reset zlib");
          done_ = true;
          break;
        }
        in_member_ = true;
        ++members_;
      }
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
        continue;
      }
      if (rc == Z_OK) continue;
      if (rc == Z_BUF_ERROR && zs_.avail_in == 0) continue;  // needs more input
      std::string why = zs_.msg ? zs_.msg : ("zlib error " + std::to_string(rc));
      status_ = DataLossError("corrupt gzip data at byte offset " + std::to_string(Offset()) + ": " + why);
      done_ = true;
      break;
    }
    return n - zs_.avail_out;
  }
  const Status& status() const override { return status_; }

 private:
  uint64_t Offset() const { return fed_ - zs_.avail_in; }

  std::unique_ptr<ByteSource> in_;
  std::string inbuf_;
  z_stream zs_;
  uint64_t fed_ = 0;  // compressed bytes handed to zlib so far
  int members_ = 0;
  bool in_member_ = false;
  bool in_eof_ = false;
  bool done_ = false;
  Status status_;
};

}  // namespace

std::unique_ptr<ByteSource> MakeStringSource(std::string data) {
  return std::make_unique<StringSource>(std::move(data));
}

Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path) {
  if (path == "-") return std::unique_ptr<ByteSource>(new FileSource(stdin, "<stdin>", false));
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return NotFoundError("input file '" + path + "' not found");
    return InvalidArgumentError("cannot open '" + path + "': " + std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) return InvalidArgumentError("'" + path + "' is a directory");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    int err = errno;
    if (err == ENOENT) return NotFoundError("input file '" + path + "' not found");
    return InvalidArgumentError("cannot open '" + path + "': " + std::strerror(err));
  }
  return std::unique_ptr<ByteSource>(new FileSource(f, path, true));
}

Result<std::unique_ptr<ByteSource>> OpenFileRange(const std::string& path, uint64_t begin, uint64_t end) {
  auto whole = OpenFileSource(path);  // the same errors as for the whole file
  if (!whole.ok()) return whole.status();
  whole->reset();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return InvalidArgumentError("cannot open '" + path + "': " + std::strerror(errno));
  if (::fseeko(f, static_cast<off_t>(begin), SEEK_SET) != 0) {
    const int err = errno;
    std::fclose(f);
    return InvalidArgumentError("cannot seek in '" + path + "': " + std::strerror(err));
  }
  return std::unique_ptr<ByteSource>(new LimitedFileSource(f, path, end > begin ? end - begin : 0));
}

std::unique_ptr<ByteSource> MakeGzipSource(std::string prefix, std::unique_ptr<ByteSource> compressed) {
  return std::make_unique<GzipSource>(std::move(prefix), std::move(compressed));
}

Result<std::unique_ptr<ByteSource>> MaybeDecompress(std::unique_ptr<ByteSource> raw) {
  std::string prefix(2, '\0');
  size_t got = 0;
  while (got < 2) {
    size_t k = raw->Read(prefix.data() + got, 2 - got);
    if (k == 0) break;
    got += k;
  }
  if (got == 0 && !raw->status().ok()) return raw->status();
  prefix.resize(got);
  if (got == 2 && static_cast<unsigned char>(prefix[0]) == 0x1f &&
      static_cast<unsigned char>(prefix[1]) == 0x8b) {
    return MakeGzipSource(std::move(prefix), std::move(raw));
  }
  return std::unique_ptr<ByteSource>(new PrefixedSource(std::move(prefix), std::move(raw)));
}

InputBuffer::InputBuffer(std::unique_ptr<ByteSource> source) : source_(std::move(source)) {}

bool InputBuffer::Refill() {
  if (pos_ < end_) return true;
  if (eof_) return false;
  pos_ = end_ = 0;
  if (buf_.size() < kReadChunkBytes) buf_.resize(kReadChunkBytes);
  size_t k = source_->Read(buf_.data(), buf_.size());
  if (k == 0) {
    eof_ = true;
    return false;
  }
  end_ = k;
  return true;
}

std::string_view InputBuffer::Lookahead(size_t n) {
  while (end_ - pos_ < n && !eof_) {
    // Move the unread bytes to the front and read more behind them.
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    size_t want = std::max(n, end_ + kReadChunkBytes);
    if (buf_.size() < want) buf_.resize(want);
    size_t k = source_->Read(buf_.data() + end_, buf_.size() - end_);
    if (k == 0) {
      eof_ = true;
      break;
    }
    end_ += k;
  }
  return std::string_view(buf_.data() + pos_, std::min(n, end_ - pos_));
}

void InputBuffer::Unread(std::string_view bytes) {
  if (bytes.empty()) return;
  if (pos_ >= bytes.size()) {
    pos_ -= bytes.size();
    std::memcpy(buf_.data() + pos_, bytes.data(), bytes.size());
  } else {
    std::string joined;
    joined.reserve(bytes.size() + (end_ - pos_));
    joined.append(bytes);
    joined.append(buf_.data() + pos_, end_ - pos_);
    buf_.swap(joined);
    pos_ = 0;
    end_ = buf_.size();
    if (buf_.size() < kReadChunkBytes) buf_.resize(kReadChunkBytes);
  }
  consumed_ -= bytes.size();
}

}  // namespace internal
}  // namespace voc
