#pragma once
// Field values as imported: the conversion of a cell's text to a field's type, the checks
// some fields carry (统一社会信用代码, hazardous-waste codes), and the value model the writer
// binds to SQLite.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/model/schema.hpp"

namespace eco::engine::ingest {

// A stored value: missing, an integer (int, bool), a double, or text (string, enum, date).
struct Value {
  enum class Kind : std::uint8_t { null, integer, real, text } kind = Kind::null;
  std::int64_t i = 0;
  double d = 0;
  std::string s;

  bool is_null() const { return kind == Kind::null; }
  void set_null() { kind = Kind::null; }
  void set_int(std::int64_t v) { kind = Kind::integer; i = v; }
  void set_real(double v) { kind = Kind::real; d = v; }
  void set_text(std::string_view v) { kind = Kind::text; s.assign(v); }
  friend bool operator==(const Value& a, const Value& b);
};

// The identity of a record without a declared key: a 64-bit hash of its values (in field order)
// with their kinds, stored in `_hash` (docs/store.md). The import computes it for new rows, a
// migration again for rows whose values it changed.
std::int64_t content_hash(const std::vector<Value>& vals);

// Extra checks a field gets beyond its type (the schema's `validate NAME`, dsl::model::Validator).
enum class Check : std::uint8_t { none, uscc, hw_category };

// Converts `text` (already trimmed by the reader) to field `f`'s type into `out`. An empty
// text is a missing value. Returns "" on success, otherwise the problem, phrased to follow
// "field 'x': " (e.g. "'2023-02-30' is not a date that exists (YYYY-MM-DD)").
std::string convert_text(const dsl::model::Field& f, Check check, std::string_view text, Value& out);

// True when `code` is an 18-character 统一社会信用代码 whose check character is right
// (GB 32100-2015: characters 0-9 A-H J-N P-R T U W-Y, weights 3^i mod 31).
bool valid_uscc(std::string_view code);
// The check character an 17-character USCC prefix needs, or 0 for a prefix with bad characters.
char uscc_check_char(std::string_view first17);

// True for the hazardous-waste categories of the national list: HW01-HW40, HW45-HW50.
bool valid_waste_code(std::string_view code);

// Parses a boolean as data writes it: true/false, 是/否, 1/0 (ASCII words case-insensitive).
std::optional<bool> parse_bool(std::string_view text);

}  // namespace eco::engine::ingest
