#pragma once
// Reading input files as text: one streaming pass that hashes a file (SHA-256), finds NUL
// bytes (binary files) and checks whether it is valid UTF-8; and a streaming decoder that
// turns GB18030 into UTF-8 with iconv. Memory use is one chunk, whatever the file size.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace eco::engine::ingest {

enum class Encoding : std::uint8_t { utf8, gb18030 };
std::string_view to_string(Encoding e);
// "utf-8"/"utf8" or "gb18030" (case-insensitive); nullopt otherwise.
std::optional<Encoding> parse_encoding(std::string_view name);

struct FileScan {
  std::string sha256;                        // hex
  std::uint64_t bytes = 0;
  std::optional<std::uint64_t> nul_at;       // offset of the first NUL byte
  std::optional<std::uint64_t> invalid_utf8_at;  // offset of the first invalid UTF-8 sequence
  std::uint32_t invalid_utf8_line = 0;       // its 1-based line
};

// Reads the whole file once. Throws std::runtime_error when it cannot be read.
FileScan scan_file(const std::filesystem::path& path);

// Incremental GB18030 -> UTF-8 conversion (glibc iconv). Feed raw chunks; a multi-byte
// sequence split across chunks is carried over.
class Gb18030Decoder {
 public:
  Gb18030Decoder();
  ~Gb18030Decoder();
  Gb18030Decoder(const Gb18030Decoder&) = delete;
  Gb18030Decoder& operator=(const Gb18030Decoder&) = delete;

  // Appends the UTF-8 text of `raw` to `out`. Returns false on an invalid sequence, with
  // error_offset() the offset (from the start of all input fed) of its first byte. `last`
  // marks the final chunk (an incomplete sequence at its end is then an error).
  bool decode(std::string_view raw, std::string& out, bool last);
  std::uint64_t error_offset() const { return error_offset_; }

 private:
  void* cd_;
  std::string carry_;
  std::uint64_t consumed_ = 0;
  std::uint64_t error_offset_ = 0;
};

// Converts a whole GB18030 text to UTF-8; nullopt (and the byte offset) when it is not GB18030.
std::optional<std::string> gb18030_to_utf8(std::string_view raw, std::uint64_t* error_offset = nullptr);

}  // namespace eco::engine::ingest
