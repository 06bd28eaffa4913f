#pragma once
// Reading input files as text, in one pass: an InputFile opens only regular files (never
// blocking on a FIFO or device), hashes exactly the bytes it hands out (SHA-256) and says
// afterwards whether the file changed while it was read; a TextDecoder turns those bytes into
// UTF-8 text, deciding the encoding (UTF-8 or GB18030, glibc iconv) only when it is certain
// and refusing otherwise. Memory use is a chunk (plus at most kMaxUndecided bytes held while
// the encoding is undecided), whatever the file size.
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace eco::engine::ingest {

enum class Encoding : std::uint8_t { utf8, gb18030 };
std::string_view to_string(Encoding e);
// "utf-8"/"utf8" or "gb18030" (case-insensitive); nullopt otherwise.
std::optional<Encoding> parse_encoding(std::string_view name);

// Called before each read of an input file with the number of bytes read so far. A test seam:
// a test changes the file between reads, deterministically.
using ReadHook = std::function<void(const std::filesystem::path& file, std::uint64_t offset)>;

// Why `path` is not something an import may read ("a FIFO", "a character device", "a dangling
// symbolic link to 'x'", "a symbolic link loop", ...), following symbolic links; "" for a
// regular file; nullopt when the path does not exist at all (and is no symbolic link).
std::optional<std::string> not_regular_reason(const std::filesystem::path& path);

// One input file, opened for one sequential read.
class InputFile {
 public:
  // An input that cannot be read: `code` is the importer's error code (I001 unreadable,
  // I012 not a regular file).
  struct Error : std::runtime_error {
    Error(std::string c, const std::string& msg) : std::runtime_error(msg), code(std::move(c)) {}
    std::string code;
  };

  // Opens `path` without blocking (O_NONBLOCK: a FIFO or device cannot hang the open) and
  // refuses, by fstat of what was opened, anything but a regular file. Throws Error.
  explicit InputFile(std::filesystem::path path, ReadHook hook = {});
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Reads up to `n` bytes into `buf`; 0 at the end of the file. Every byte returned is hashed.
  // Throws Error (I001) on a read error.
  std::size_t read(char* buf, std::size_t n);

  std::uint64_t size_at_open() const { return static_cast<std::uint64_t>(opened_.st_size); }
  std::uint64_t bytes_read() const { return read_; }
  // The SHA-256 (lowercase hex) of the bytes read. Call once, after the last read.
  std::string sha256();
  // After reading to the end: "" when the file is the one that was opened, unchanged (size,
  // modification time, inode, and the bytes read equal the size at open); otherwise what
  // changed, phrased to follow "changed while it was being imported: ".
  std::string changes() const;

 private:
  std::filesystem::path path_;
  ReadHook hook_;
  int fd_ = -1;
  struct stat opened_ {};
  std::uint64_t read_ = 0;
  struct Digest;
  std::unique_ptr<Digest> digest_;
};

// An encoding error (or NUL byte) with its place: 1-based line and character column.
struct DecodeError {
  std::uint32_t line = 0, column = 0;
  std::string message;
};

// Turns the bytes of a file into UTF-8 text, chunk by chunk. With a forced encoding every
// byte must be valid in it. Without one (auto):
//  - a file that is valid UTF-8 is UTF-8;
//  - a file that is not valid UTF-8 is GB18030 only when all of it decodes as GB18030 and it
//    reads as Chinese GB text (at least 90% of its multi-byte characters are GB2312
//    characters, as real GB18030 data is; UTF-8 or Latin-1 bytes misread as GB18030 are not);
//  - anything else is an error at the first invalid UTF-8 sequence: a UTF-8 file with a few
//    bad bytes is refused, never re-read as GB18030.
// The decision is streamed: ASCII is passed on at once; from the first non-ASCII byte, bytes
// are held back until the encoding is clear (an invalid UTF-8 sequence, kUtf8Evidence valid
// multi-byte UTF-8 characters, or kMaxUndecided bytes). GB18030 chosen that way is confirmed
// at the end (finish() may still refuse it: the import is all or nothing). A NUL byte is an
// error in every encoding (binary data).
class TextDecoder {
 public:
  static constexpr std::size_t kUtf8Evidence = 32;
  static constexpr std::size_t kMaxUndecided = 1 << 20;

  explicit TextDecoder(std::optional<Encoding> forced = std::nullopt);
  ~TextDecoder();
  TextDecoder(const TextDecoder&) = delete;
  TextDecoder& operator=(const TextDecoder&) = delete;

  // Appends the UTF-8 text of the next raw bytes to `out` (possibly less, while undecided).
  // False on an error (error() says where); `out` then holds the text before it.
  bool feed(std::string_view raw, std::string& out);
  // Ends the input: appends what was held back; false on an error.
  bool finish(std::string& out);

  // The encoding decided (UTF-8 until something says otherwise).
  Encoding encoding() const;
  const DecodeError& error() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Converts a whole GB18030 text to UTF-8; nullopt (and the byte offset) when it is not GB18030.
std::optional<std::string> gb18030_to_utf8(std::string_view raw, std::uint64_t* error_offset = nullptr);

}  // namespace eco::engine::ingest
