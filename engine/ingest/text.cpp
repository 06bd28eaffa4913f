#include "engine/ingest/text.hpp"

#include <fcntl.h>
#include <iconv.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "engine/ingest/codes.hpp"

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

// ---- Input files ---------------------------------------------------------------------------

namespace {

std::string kind_of(mode_t m) {
  if (S_ISFIFO(m)) return "a FIFO (named pipe)";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISDIR(m)) return "a folder";
  return "not a regular file";
}

}  // namespace

std::optional<std::string> not_regular_reason(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return S_ISREG(st.st_mode) ? "" : kind_of(st.st_mode);
  int err = errno;
  struct stat lst {};
  bool is_link = ::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode);
  if (err == ELOOP) return "a symbolic link loop";
  if (is_link && err == ENOENT) {
    std::error_code ec;
    fs::path target = fs::read_symlink(path, ec);
    return fmt::format("a dangling symbolic link (to '{}', which does not exist)", ec ? "?" : target.string());
  }
  if (err == ENOENT || err == ENOTDIR) return std::nullopt;
  return fmt::format("cannot be examined: {}", std::strerror(err));
}

struct InputFile::Digest {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

InputFile::InputFile(fs::path path, ReadHook hook)
    : path_(std::move(path)), hook_(std::move(hook)), digest_(std::make_unique<Digest>()) {
  // Look before opening: opening some devices has effects of its own (a tape rewinds).
  if (auto why = not_regular_reason(path_); why && !why->empty()) throw Error(code::kNotRegular, "not a regular file: " + *why);
  fd_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd_ < 0) throw Error(code::kFile, fmt::format("cannot be read: {}", std::strerror(errno)));
  // The path may have been swapped for something else between the look and the open.
  if (::fstat(fd_, &opened_) != 0 || !S_ISREG(opened_.st_mode)) {
    std::string kind = kind_of(opened_.st_mode);
    ::close(fd_);
    fd_ = -1;
    throw Error(code::kNotRegular, "not a regular file: " + kind);
  }
  // A regular file never blocks; clear the flag so reads behave plainly.
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
  EVP_DigestInit_ex(digest_->ctx.get(), EVP_sha256(), nullptr);
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t InputFile::read(char* buf, std::size_t n) {
  if (hook_) hook_(path_, read_);
  for (;;) {
    ssize_t got = ::read(fd_, buf, n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw Error(code::kFile, fmt::format("read error: {}", std::strerror(errno)));
    EVP_DigestUpdate(digest_->ctx.get(), buf, static_cast<std::size_t>(got));
    read_ += static_cast<std::uint64_t>(got);
    return static_cast<std::size_t>(got);
  }
}

std::string InputFile::sha256() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(digest_->ctx.get(), md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string InputFile::changes() const {
  std::vector<std::string> what;
  auto same_time = [](const struct timespec& a, const struct timespec& b) {
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
  };
  struct stat now {};
  if (::fstat(fd_, &now) == 0) {
    if (now.st_size != opened_.st_size)
      what.push_back(fmt::format("its size went from {} to {} bytes", opened_.st_size, now.st_size));
    if (!same_time(now.st_mtim, opened_.st_mtim)) what.push_back("it was modified");
  }
  if (read_ != static_cast<std::uint64_t>(opened_.st_size))
    what.push_back(fmt::format("{} bytes were read of the {} it had when opened", read_, opened_.st_size));
  struct stat named {};
  if (::stat(path_.c_str(), &named) != 0)
    what.push_back("it was removed");
  else if (named.st_ino != opened_.st_ino || named.st_dev != opened_.st_dev)
    what.push_back("another file was put in its place");
  std::string out;
  for (const auto& w : what) out += (out.empty() ? "" : "; ") + w;
  return out;
}

// ---- Encodings -----------------------------------------------------------------------------

namespace {

// Streaming UTF-8 validation with the place of the first invalid sequence.
struct Utf8Scan {
  std::uint64_t off = 0;
  std::uint32_t line = 1, col = 0;  // col: characters completed on the line
  int need = 0;                      // continuation bytes still expected
  unsigned char lo = 0x80, hi = 0xBF;
  std::uint64_t seq_off = 0;
  std::uint32_t seq_col = 0;
  unsigned char seq_byte = 0;
  std::uint64_t multibyte = 0;       // valid multi-byte characters
  std::uint64_t multibyte_before_bad = 0;
  bool invalid = false;
  std::uint64_t bad_off = 0;
  std::uint32_t bad_line = 0, bad_col = 0;
  unsigned char bad_byte = 0;

  void fail(std::uint64_t o, std::uint32_t c, unsigned char b) {
    if (invalid) return;
    invalid = true;
    multibyte_before_bad = multibyte;
    bad_off = o;
    bad_line = line;
    bad_col = c + 1;
    bad_byte = b;
  }
  void start(unsigned char b) {
    seq_off = off;
    seq_col = col;
    seq_byte = b;
    lo = 0x80, hi = 0xBF;
    if (b < 0x80) {
      if (b == '\n') {
        ++line;
        col = 0;
      } else {
        ++col;
      }
    } else if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;  // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      fail(off, col, b);
      ++col;
    }
  }
  void scan(std::string_view s) {
    for (char ch : s) {
      auto b = static_cast<unsigned char>(ch);
      if (need > 0) {
        if (b >= lo && b <= hi) {
          lo = 0x80, hi = 0xBF;
          if (--need == 0) {
            ++multibyte;
            ++col;
          }
          ++off;
          continue;
        }
        fail(seq_off, seq_col, seq_byte);  // a sequence cut short
        need = 0;
        ++col;
      }
      start(b);
      ++off;
    }
  }
  void finish() {
    if (need > 0) fail(seq_off, seq_col, seq_byte);  // the file ends inside a sequence
  }
};

// The byte structure of GB18030 (1, 2 or 4 bytes a character), counting how many two-byte
// characters lie in the GB2312 area (both bytes A1-FE), where real Chinese text lives.
struct GbScan {
  int state = 0;
  unsigned char lead = 0;
  bool invalid = false;
  std::uint64_t off = 0, bad_off = 0;  // bytes scanned; where it first went wrong
  std::uint64_t two = 0, gb2312 = 0, four = 0;
  void scan(std::string_view s) {
    for (char ch : s) {
      auto b = static_cast<unsigned char>(ch);
      if (!invalid) bad_off = off;
      ++off;
      switch (state) {
        case 0:
          if (b < 0x80) break;
          if (b == 0x80 || b == 0xFF) invalid = true;
          lead = b;
          state = 1;
          break;
        case 1:
          if (b >= 0x30 && b <= 0x39) {
            state = 2;
            break;
          }
          if ((b >= 0x40 && b <= 0x7E) || (b >= 0x80 && b <= 0xFE)) {
            ++two;
            if (lead >= 0xA1 && b >= 0xA1) ++gb2312;
          } else {
            invalid = true;
          }
          state = 0;
          break;
        case 2:
          if (b < 0x81 || b == 0xFF) invalid = true;
          state = 3;
          break;
        default:
          if (b < 0x30 || b > 0x39) invalid = true;
          ++four;
          state = 0;
      }
    }
  }
  void finish() {
    if (state != 0) invalid = true;
  }
  // Reads as Chinese text: at least 90% of the multi-byte characters are GB2312 characters.
  bool looks_chinese() const { return (two + four) > 0 && gb2312 * 10 >= (two + four) * 9; }
};

// Line and character column of the UTF-8 text handed out so far.
struct Place {
  std::uint32_t line = 1, col = 0;
  void advance(std::string_view s) {
    for (char ch : s) {
      if (ch == '\n') {
        ++line;
        col = 0;
      } else if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) {
        ++col;
      }
    }
  }
};

class Iconv {
 public:
  Iconv() : cd_(iconv_open("UTF-8", "GB18030")) {
    if (cd_ == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv has no GB18030 converter");
  }
  ~Iconv() { iconv_close(cd_); }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;

  // Converts `raw` (after what was carried over), appending to `out`. False on an invalid
  // sequence: `bad` is then its offset from the start of all input fed.
  bool convert(std::string_view raw, std::string& out, bool last, std::uint64_t& bad) {
    std::string input = std::move(carry_);
    carry_.clear();
    input.append(raw);
    std::uint64_t base = fed_ - (input.size() - raw.size());
    fed_ += raw.size();
    char* in = input.data();
    std::size_t in_left = input.size();
    char buf[16384];
    while (in_left > 0) {
      char* o = buf;
      std::size_t o_left = sizeof buf;
      std::size_t rc = iconv(cd_, &in, &in_left, &o, &o_left);
      out.append(buf, static_cast<std::size_t>(o - buf));
      if (rc != static_cast<std::size_t>(-1)) break;
      if (errno == E2BIG) continue;
      if (errno == EINVAL && !last) {  // a sequence cut by the chunk boundary: wait for more
        carry_.assign(in, in_left);
        break;
      }
      bad = base + static_cast<std::uint64_t>(in - input.data());
      return false;
    }
    return true;
  }

 private:
  iconv_t cd_;
  std::string carry_;
  std::uint64_t fed_ = 0;
};

}  // namespace

struct TextDecoder::State {
  enum class Mode : std::uint8_t { undecided, utf8, gb18030 };
  std::optional<Encoding> forced;
  Mode mode = Mode::undecided;
  Utf8Scan u;
  GbScan g;
  Place out_place;          // of the text handed out
  std::uint64_t out_raw = 0;  // raw bytes handed out (as text) so far
  std::string first2;       // the file's first two bytes (a UTF-16 byte-order mark?)
  std::string pending;      // raw bytes held back while undecided
  std::uint64_t pending_at = 0;  // raw offset of pending's first byte
  std::unique_ptr<Iconv> iconv;
  std::uint64_t gb_base = 0;  // raw offset where GB18030 decoding started
  bool failed = false;
  DecodeError error;

  bool fail(std::uint32_t line, std::uint32_t col, std::string msg) {
    failed = true;
    error = DecodeError{line, col, std::move(msg)};
    return false;
  }

  // Hands out UTF-8 text, refusing a NUL.
  bool emit(std::string_view text, std::string& out) {
    if (auto nul = text.find('\0'); nul != std::string_view::npos) {
      out_place.advance(text.substr(0, nul));
      out.append(text.substr(0, nul));
      // Offsets are of the raw bytes, which the text equals except after GB18030 decoding.
      return fail(out_place.line, out_place.col + 1,
                  iconv ? std::string("binary data, not text (a NUL byte)")
                        : fmt::format("binary data, not text (NUL byte at offset {})", out_raw + nul));
    }
    out_place.advance(text);
    out.append(text);
    out_raw += text.size();
    return true;
  }

  // GB18030 bytes to UTF-8 text.
  bool gb(std::string_view raw, std::string& out, bool last) {
    if (!iconv) {
      iconv = std::make_unique<Iconv>();
      gb_base = out_raw;
    }
    std::string text;
    std::uint64_t bad = 0;
    bool ok = iconv->convert(raw, text, last, bad);
    if (!emit(text, out)) return false;
    if (ok) return true;
    std::uint64_t at = gb_base + bad;
    if (forced)
      return fail(out_place.line, out_place.col + 1, fmt::format("not valid GB18030 (byte offset {})", at));
    return fail(u.bad_line, u.bad_col,
                fmt::format("neither UTF-8 (byte 0x{:02X} at byte offset {}) nor GB18030 (line {} column {})",
                            u.bad_byte, u.bad_off, out_place.line, out_place.col + 1));
  }

  bool utf16() const { return u.bad_off == 0 && (first2 == "\xFF\xFE" || first2 == "\xFE\xFF"); }

  std::string utf8_problem() const {
    if (utf16())
      return "UTF-16 text (its byte-order mark is at the start): only UTF-8 and GB18030 are read; save it as UTF-8";
    return fmt::format("not valid UTF-8 (byte 0x{:02X} at byte offset {})", u.bad_byte, u.bad_off);
  }

  bool damaged_utf8() {
    return fail(u.bad_line, u.bad_col,
                utf8_problem() + " in a file that is UTF-8 before it: a damaged file is refused, not re-read in "
                                 "another encoding; repair it, or name its encoding with --encoding");
  }

  // Ends the undecided phase with what the scans say so far. The outcome must not depend on
  // how the bytes were chunked, so a chunk that holds both a reason to take UTF-8 (evidence,
  // the cap, GB18030 ruled out) and a bad UTF-8 byte after it is judged by what came first.
  bool decide(std::string& out, bool at_end) {
    if (u.invalid) {
      if (utf16()) return fail(u.bad_line, u.bad_col, utf8_problem());
      if (u.multibyte_before_bad >= kUtf8Evidence || u.bad_off - pending_at >= kMaxUndecided ||
          (g.invalid && g.bad_off < u.bad_off))
        return damaged_utf8();
      // GB18030 from here on; where it fails too, gb() says "neither".
      mode = Mode::gb18030;
      std::string raw = std::move(pending);
      pending.clear();
      return gb(raw, out, at_end);
    }
    if (g.invalid || u.multibyte >= kUtf8Evidence || pending.size() >= kMaxUndecided || at_end) {
      mode = Mode::utf8;
      std::string raw = std::move(pending);
      pending.clear();
      return emit(raw, out);
    }
    return true;
  }

  bool feed(std::string_view raw, std::string& out) {
    if (failed) return false;
    if (first2.size() < 2) first2.append(raw.substr(0, 2 - first2.size()));
    if (forced == Encoding::gb18030) return gb(raw, out, false);
    u.scan(raw);
    if (forced == Encoding::utf8 || mode == Mode::utf8) {
      if (u.invalid) {
        // Hand out the valid text before the bad byte, so that its rows are not lost to
        // other checks; then stop.
        std::uint64_t valid = u.bad_off > out_raw ? u.bad_off - out_raw : 0;
        if (!emit(raw.substr(0, std::min<std::uint64_t>(valid, raw.size())), out)) return false;
        return forced ? fail(u.bad_line, u.bad_col, utf8_problem()) : damaged_utf8();
      }
      return emit(raw, out);
    }
    g.scan(raw);
    if (mode == Mode::gb18030) return gb(raw, out, false);
    // Undecided: ASCII reads the same in both encodings, so it goes out at once.
    if (pending.empty()) {
      std::size_t i = 0;
      while (i < raw.size() && static_cast<unsigned char>(raw[i]) < 0x80) ++i;
      if (!emit(raw.substr(0, i), out)) return false;
      raw.remove_prefix(i);
      if (raw.empty()) return true;
      pending_at = out_raw;
    }
    pending.append(raw);
    return decide(out, false);
  }

  bool finish(std::string& out) {
    if (failed) return false;
    if (forced == Encoding::gb18030) return gb("", out, true);
    u.finish();
    if (forced == Encoding::utf8 || mode == Mode::utf8) {
      if (u.invalid) return forced ? fail(u.bad_line, u.bad_col, utf8_problem()) : damaged_utf8();
      return true;
    }
    g.finish();
    if (mode == Mode::undecided && !decide(out, true)) return false;
    if (mode == Mode::utf8) return true;
    if (!gb("", out, true)) return false;
    if (!g.looks_chinese())
      return fail(u.bad_line, u.bad_col,
                  utf8_problem() + fmt::format("; it would decode as GB18030, but only {} of its {} multi-byte "
                                               "characters are common Chinese (GB2312) characters, so its encoding "
                                               "is not certain: repair the file, or name its encoding with "
                                               "--encoding gb18030",
                                               g.gb2312, g.two + g.four));
    return true;
  }
};

TextDecoder::TextDecoder(std::optional<Encoding> forced) : s_(std::make_unique<State>()) {
  s_->forced = forced;
  if (forced == Encoding::utf8) s_->mode = State::Mode::utf8;
  if (forced == Encoding::gb18030) s_->mode = State::Mode::gb18030;
}

TextDecoder::~TextDecoder() = default;

bool TextDecoder::feed(std::string_view raw, std::string& out) { return s_->feed(raw, out); }
bool TextDecoder::finish(std::string& out) { return s_->finish(out); }
Encoding TextDecoder::encoding() const {
  return s_->mode == State::Mode::gb18030 ? Encoding::gb18030 : Encoding::utf8;
}
const DecodeError& TextDecoder::error() const { return s_->error; }

std::optional<std::string> gb18030_to_utf8(std::string_view raw, std::uint64_t* error_offset) {
  Iconv cv;
  std::string out;
  out.reserve(raw.size() * 3 / 2);
  std::uint64_t bad = 0;
  if (!cv.convert(raw, out, true, bad)) {
    if (error_offset) *error_offset = bad;
    return std::nullopt;
  }
  return out;
}

}  // namespace eco::engine::ingest
