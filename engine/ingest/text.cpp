#include "engine/ingest/text.hpp"

#include <iconv.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "dsl/common/utf8.hpp"

namespace eco::engine::ingest {

namespace fs = std::filesystem;

std::string_view to_string(Encoding e) { return e == Encoding::utf8 ? "utf-8" : "gb18030"; }

std::optional<Encoding> parse_encoding(std::string_view name) {
  std::string n;
  for (char c : name) n += static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
  if (n == "utf-8" || n == "utf8") return Encoding::utf8;
  if (n == "gb18030") return Encoding::gb18030;
  return std::nullopt;
}

FileScan scan_file(const fs::path& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw std::runtime_error(fmt::format("cannot read: {}", std::strerror(errno)));
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  FileScan scan;
  std::vector<char> buf(1 << 20);
  std::string pending;        // bytes of a UTF-8 sequence cut by the chunk boundary
  std::uint64_t pending_at = 0;
  std::uint32_t line = 1;
  bool utf8_ok = true;
  for (;;) {
    std::size_t n = std::fread(buf.data(), 1, buf.size(), f.get());
    if (n == 0) {
      if (std::ferror(f.get())) throw std::runtime_error(fmt::format("read error: {}", std::strerror(errno)));
      break;
    }
    EVP_DigestUpdate(ctx.get(), buf.data(), n);
    std::string_view chunk(buf.data(), n);
    if (!scan.nul_at)
      if (auto p = chunk.find('\0'); p != std::string_view::npos) scan.nul_at = scan.bytes + p;
    if (utf8_ok) {
      std::string joined;
      std::string_view text = chunk;
      std::uint64_t base = scan.bytes;
      if (!pending.empty()) {
        joined = pending;
        joined.append(chunk);
        text = joined;
        base = pending_at;
        pending.clear();
      }
      std::size_t good = text.size();
      if (auto bad = dsl::utf8::find_invalid(text)) {
        good = *bad;
        // A sequence cut by the chunk boundary is only "invalid" until the next chunk comes;
        // find_invalid reports the first problem, so everything before it is valid.
        if (text.size() - *bad < 4 && static_cast<unsigned char>(text[*bad]) >= 0xC0) {
          pending.assign(text.substr(*bad));
          pending_at = base + *bad;
        } else {
          utf8_ok = false;
          scan.invalid_utf8_at = base + good;
        }
      }
      for (std::size_t i = 0; i < good; ++i) line += text[i] == '\n';
      if (!utf8_ok) scan.invalid_utf8_line = line;
    }
    scan.bytes += n;
  }
  if (utf8_ok && !pending.empty()) {  // the file ends inside a multi-byte sequence
    scan.invalid_utf8_at = pending_at;
    scan.invalid_utf8_line = line;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned i = 0; i < len; ++i) {
    scan.sha256 += kHex[md[i] >> 4];
    scan.sha256 += kHex[md[i] & 15];
  }
  return scan;
}

Gb18030Decoder::Gb18030Decoder() : cd_(iconv_open("UTF-8", "GB18030")) {
  if (cd_ == reinterpret_cast<void*>(-1)) throw std::runtime_error("iconv has no GB18030 converter");
}

Gb18030Decoder::~Gb18030Decoder() { iconv_close(static_cast<iconv_t>(cd_)); }

bool Gb18030Decoder::decode(std::string_view raw, std::string& out, bool last) {
  std::string input = std::move(carry_);
  carry_.clear();
  input.append(raw);
  std::uint64_t input_base = consumed_ - (input.size() - raw.size());
  char* in = input.data();
  std::size_t in_left = input.size();
  char buf[16384];
  while (in_left > 0) {
    char* o = buf;
    std::size_t o_left = sizeof buf;
    std::size_t rc = iconv(static_cast<iconv_t>(cd_), &in, &in_left, &o, &o_left);
    out.append(buf, static_cast<std::size_t>(o - buf));
    if (rc != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) continue;
    if (errno == EINVAL && !last) {  // incomplete sequence at the end: wait for more input
      carry_.assign(in, in_left);
      break;
    }
    error_offset_ = input_base + static_cast<std::uint64_t>(in - input.data());
    return false;
  }
  consumed_ += raw.size();
  return true;
}

std::optional<std::string> gb18030_to_utf8(std::string_view raw, std::uint64_t* error_offset) {
  Gb18030Decoder dec;
  std::string out;
  out.reserve(raw.size() * 3 / 2);
  if (!dec.decode(raw, out, true)) {
    if (error_offset) *error_offset = dec.error_offset();
    return std::nullopt;
  }
  return out;
}

}  // namespace eco::engine::ingest
