#pragma once
// Static types of the checker and the kinds of runtime values: CEL's types plus EcoAudit's
// `date`, enums and record types from the schema.
#include <memory>
#include <string>
#include <vector>

namespace eco::dsl::model {

struct EnumType;
struct RecordType;

enum class Kind : std::uint8_t {
  dyn,        // not known statically (CEL's dyn)
  error,      // the checker already reported a problem here; suppresses follow-on errors
  null_type,
  bool_,
  int_,
  uint_,
  double_,
  string,
  bytes,
  date,       // EcoAudit extension: a calendar day
  timestamp,
  duration,
  list,
  map,
  enum_,      // a schema enum; its values compare with their names (strings)
  record,     // a schema record type, selected like a CEL message
  type,       // the type of a type value (`type(x)`)
};

// A type. Compound types (list, map) hold their parameters; enum and record types point
// into the Schema that owns them (which outlives every Type referring to it).
struct Type {
  Kind kind = Kind::dyn;
  std::vector<Type> params;             // list: {elem}; map: {key, value}
  const EnumType* enum_type = nullptr;
  const RecordType* record_type = nullptr;

  static Type of(Kind k) { return Type{k, {}, nullptr, nullptr}; }
  static Type list(Type elem) { return Type{Kind::list, {std::move(elem)}, nullptr, nullptr}; }
  static Type map(Type k, Type v) { return Type{Kind::map, {std::move(k), std::move(v)}, nullptr, nullptr}; }
  static Type enumeration(const EnumType* e) { return Type{Kind::enum_, {}, e, nullptr}; }
  static Type record(const RecordType* r) { return Type{Kind::record, {}, nullptr, r}; }

  bool is(Kind k) const { return kind == k; }
  bool is_numeric() const { return kind == Kind::int_ || kind == Kind::uint_ || kind == Kind::double_; }
  friend bool operator==(const Type& a, const Type& b);
};

// CEL-style name: "int", "list(string)", "map(string, int)", "county" (enum), "facility".
std::string to_string(const Type& t);

}  // namespace eco::dsl::model
