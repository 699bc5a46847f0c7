// Private byte-stream layer of the record reader: files, memory and gzip
// sources, and the read buffer the parsers scan.
#ifndef VOC_SRC_READER_STREAM_H_
#define VOC_SRC_READER_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "voc/status.h"

namespace voc {
namespace internal {

// Size of the chunks read from a source.
inline constexpr size_t kReadChunkBytes = size_t{64} << 10;

// A sequential source of bytes.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `out`. Returns 0 at the end of the data or
  // after an error; status() tells which.
  virtual size_t Read(char* out, size_t n) = 0;
  virtual const Status& status() const = 0;
};

// Serves the bytes of `data`.
std::unique_ptr<ByteSource> MakeStringSource(std::string data);

// Opens `path` for reading ("-" is stdin). NotFound if it does not exist.
Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path);

// Opens bytes [begin, end) of the regular file `path` (end is clipped to
// the file's size). NotFound if it does not exist.
Result<std::unique_ptr<ByteSource>> OpenFileRange(const std::string& path, uint64_t begin, uint64_t end);

// Decompresses gzip data (one or more concatenated members) read from
// `compressed`, which first serves `prefix`. Corrupt or truncated data ends
// the stream with a DataLoss status naming the compressed byte offset.
std::unique_ptr<ByteSource> MakeGzipSource(std::string prefix, std::unique_ptr<ByteSource> compressed);

// Wraps `raw` in a gzip decompressor when its first bytes are the gzip magic
// (1f 8b); otherwise serves the bytes as they are.
Result<std::unique_ptr<ByteSource>> MaybeDecompress(std::unique_ptr<ByteSource> raw);

// A read buffer over a ByteSource with lookahead and push-back. The parsers
// scan `Available()` directly and `Skip()` what they consumed.
class InputBuffer {
 public:
  explicit InputBuffer(std::unique_ptr<ByteSource> source);

  // The buffered bytes not consumed yet (may be empty).
  std::string_view Available() const { return std::string_view(buf_.data() + pos_, end_ - pos_); }
  void Skip(size_t n) {
    pos_ += n;
    consumed_ += n;
  }
  // Reads more bytes when none are buffered. Returns false at the end.
  bool Refill();
  // Returns up to `n` buffered bytes from the cursor, reading more as needed.
  std::string_view Lookahead(size_t n);
  // Returns the next byte without consuming it, or -1 at the end.
  int Peek() {
    if (pos_ == end_ && !Refill()) return -1;
    return static_cast<unsigned char>(buf_[pos_]);
  }
  // Puts `bytes` back in front of the cursor; they are read again next.
  void Unread(std::string_view bytes);

  uint64_t consumed() const { return consumed_; }
  size_t capacity() const { return buf_.capacity(); }
  const Status& status() const { return source_->status(); }

 private:
  std::unique_ptr<ByteSource> source_;
  std::string buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  uint64_t consumed_ = 0;
  bool eof_ = false;
};

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_READER_STREAM_H_
