#include "engine/ingest/values.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "dsl/common/date.hpp"
#include "dsl/common/utf8.hpp"

namespace eco::engine::ingest {

using dsl::model::Field;
using dsl::model::Kind;

// FNV-1a: the bytes of each value with its kind.
std::int64_t content_hash(const std::vector<Value>& vals) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ULL;
  };
  for (const auto& v : vals) {
    auto k = static_cast<unsigned char>(v.kind);
    mix(&k, 1);
    if (v.kind == Value::Kind::integer) mix(&v.i, sizeof v.i);
    if (v.kind == Value::Kind::real) mix(&v.d, sizeof v.d);
    if (v.kind == Value::Kind::text) {
      std::uint64_t n = v.s.size();
      mix(&n, sizeof n);
      mix(v.s.data(), v.s.size());
    }
  }
  return static_cast<std::int64_t>(h);
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::null: return true;
    case Value::Kind::integer: return a.i == b.i;
    case Value::Kind::real: return a.d == b.d;
    case Value::Kind::text: return a.s == b.s;
  }
  return false;
}

namespace {
constexpr std::string_view kUsccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kUsccWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Values are quoted in messages; very long cells are shortened so one bad cell cannot make a
// message unreadable.
std::string show(std::string_view text) {
  if (text.size() > 80) {
    std::size_t cut = 77;  // not inside a multi-byte character
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return fmt::format("'{}…'", text.substr(0, cut));
  }
  return fmt::format("'{}'", text);
}

std::string allowed_values(const dsl::model::EnumType& e) {
  std::string out;
  for (const auto& v : e.values) {
    if (!out.empty()) out += ", ";
    out += v.name;
  }
  return out;
}
}  // namespace

char uscc_check_char(std::string_view first17) {
  if (first17.size() != 17) return 0;
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    auto pos = kUsccChars.find(first17[i]);
    if (pos == std::string_view::npos) return 0;
    sum += static_cast<int>(pos) * kUsccWeights[i];
  }
  int c = 31 - sum % 31;
  if (c == 31) c = 0;
  return kUsccChars[c];
}

bool valid_uscc(std::string_view code) {
  if (code.size() != 18) return false;
  char c = uscc_check_char(code.substr(0, 17));
  return c != 0 && c == code[17];
}

bool valid_waste_code(std::string_view code) {
  if (code.size() != 4 || code[0] != 'H' || code[1] != 'W') return false;
  if (code[2] < '0' || code[2] > '9' || code[3] < '0' || code[3] > '9') return false;
  int n = (code[2] - '0') * 10 + (code[3] - '0');
  return (n >= 1 && n <= 40) || (n >= 45 && n <= 50);
}

std::optional<bool> parse_bool(std::string_view t) {
  if (t == "1" || t == "是" || iequals(t, "true")) return true;
  if (t == "0" || t == "否" || iequals(t, "false")) return false;
  return std::nullopt;
}

std::string convert_text(const Field& f, Check check, std::string_view text, Value& out) {
  if (text.empty()) {
    out.set_null();
    return {};
  }
  switch (f.type.kind) {
    case Kind::string:
      if (check == Check::uscc && !valid_uscc(text)) {
        // Counted in characters: a full-width digit is one character of the 18, not three.
        std::size_t chars = dsl::utf8::count_chars(text);
        if (chars != 18)
          return fmt::format("{} is not a 统一社会信用代码 (needs 18 characters, has {})", show(text), chars);
        if (text.size() != 18) {
          std::size_t pos = 0, n = 0;
          while (pos < text.size() && static_cast<unsigned char>(text[pos]) < 0x80) ++pos, ++n;
          std::size_t start = pos;
          dsl::utf8::decode(text, pos);
          return fmt::format("{} is not a 统一社会信用代码: character {} '{}' is not one of 0-9 and A-Y without "
                             "I O S V Z (a full-width or other non-ASCII character)",
                             show(text), n + 1, text.substr(start, pos - start));
        }
        char want = uscc_check_char(text.substr(0, 17));
        if (want == 0)
          return fmt::format("{} is not a 统一社会信用代码 (only 0-9 and A-Y without I O S V Z are allowed)",
                             show(text));
        return fmt::format("{} is not a valid 统一社会信用代码: check character is '{}', GB 32100-2015 gives '{}'",
                           show(text), text[17], want);
      }
      if (check == Check::hw_category && !valid_waste_code(text))
        return fmt::format("{} is not a hazardous-waste category (HW01-HW40 or HW45-HW50)", show(text));
      out.set_text(text);
      return {};
    case Kind::enum_: {
      const auto* e = f.type.enum_type;
      if (e && e->find(text) < 0)
        return fmt::format("{} is not a value of {}; allowed: {}", show(text), e->name, allowed_values(*e));
      out.set_text(text);
      return {};
    }
    case Kind::int_:
    case Kind::uint_: {
      std::int64_t v = 0;
      const char* b = text.data();
      const char* e = b + text.size();
      if (*b == '+') ++b;
      auto [p, ec] = std::from_chars(b, e, v);
      if (ec == std::errc::result_out_of_range) return fmt::format("{} is out of the integer range", show(text));
      if (ec != std::errc() || p != e) return fmt::format("{} is not an integer", show(text));
      if (f.type.kind == Kind::uint_ && v < 0) return fmt::format("{} is negative", show(text));
      out.set_int(v);
      return {};
    }
    case Kind::double_: {
      double v = 0;
      const char* b = text.data();
      const char* e = b + text.size();
      if (*b == '+') ++b;
      auto [p, ec] = std::from_chars(b, e, v);
      if (ec != std::errc() || p != e || !std::isfinite(v)) return fmt::format("{} is not a number", show(text));
      out.set_real(v);
      return {};
    }
    case Kind::bool_: {
      auto v = parse_bool(text);
      if (!v) return fmt::format("{} is not a boolean (true/false, 是/否, 1/0)", show(text));
      out.set_int(*v ? 1 : 0);
      return {};
    }
    case Kind::date: {
      if (!dsl::parse_date(text)) {
        bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-';
        return shaped ? fmt::format("{} is not a date that exists", show(text))
                      : fmt::format("{} is not a date (YYYY-MM-DD)", show(text));
      }
      out.set_text(text);
      return {};
    }
    case Kind::timestamp:
    case Kind::duration:
      out.set_text(text);
      return {};
    default: return fmt::format("field type {} cannot be imported", dsl::model::to_string(f.type));
  }
}

}  // namespace eco::engine::ingest
