#pragma once
// CEL runtime values: a small tagged value (16 bytes) that holds scalars inline, so that
// int, uint, double, bool, date, timestamp and duration results never allocate. Strings,
// bytes, enum names and type names are either views into stable storage (the compiled
// program, the record snapshot, the schema) or shared immutable heap strings; lists, maps,
// errors and unknowns live in shared immutable heap objects with an atomic reference count,
// so values can be read from several threads at once.
//
// Errors are values (CEL's rule): a failing operation returns a Value of kind `error`
// instead of throwing. Nothing in this folder throws on bad data.
#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dsl/common/date.hpp"

namespace eco::dsl::cel {

enum class ValueKind : std::uint8_t {
  null_,
  bool_,
  int_,
  uint_,
  double_,
  string,
  bytes,
  list,
  map,
  timestamp,  // seconds since the Unix epoch + nanos in [0, 1e9)
  duration,   // seconds + nanos in [0, 1e9) (floor representation)
  type,       // a type value: its CEL name ("int", "google.protobuf.Timestamp", "facility")
  date,       // EcoAudit: a calendar day (days since 1970-01-01)
  enum_,      // EcoAudit: a schema enum value; compares equal to its name
  record,     // EcoAudit: a row of a schema record type, read through a RecordAccessor
  error,
  unknown,
};

// CEL name of a kind, as `type()` reports it for the builtin kinds.
std::string_view kind_name(ValueKind k);

// Why an evaluation failed. Messages are for people; codes are for callers.
enum class ErrorCode : std::uint8_t {
  generic,
  no_matching_overload,
  no_such_field,     // a missing optional record field: carries (record, field)
  no_such_key,
  division_by_zero,
  modulus_by_zero,
  overflow,
  range,
  invalid_argument,
  unbound,           // unknown variable or function
  conversion,
  no_data,           // EcoAudit: an aggregate over no elements (min/max of an empty list)
  limit,             // EcoAudit: an evaluation limit exceeded (the verdict `error`, naming it)
};

// Evaluation limits (issue 17; docs/rule-language.md "Limits"): a value built beyond them, or an
// evaluation taking more comprehension steps, stops with a `limit` error that names the limit
// (one of the texts below), never by exhausting memory.
inline constexpr std::size_t kMaxStringBytes = std::size_t{1} << 20;  // a string or bytes value built
inline constexpr std::size_t kMaxListItems = 1'000'000;              // a list or map built
inline constexpr std::uint64_t kMaxSteps = 10'000'000;               // comprehension steps per evaluation
inline constexpr const char* kLimitString = "a string longer than 1 MiB";
inline constexpr const char* kLimitList = "a list or map of more than 1,000,000 elements";
inline constexpr const char* kLimitSteps = "more than 10,000,000 comprehension steps for one subject";

class Value;

// Base of every shared heap object. The count starts at one (the creating reference).
struct Object {
  mutable std::atomic<std::uint32_t> refs{1};
  virtual ~Object() = default;
};

struct StringObject final : Object {
  std::string text;
  explicit StringObject(std::string t) : text(std::move(t)) {}
};

// A field of a record that an evaluation needed and did not find.
struct FieldRef {
  std::uint32_t record = 0;
  std::uint32_t field = 0;
  friend bool operator==(const FieldRef&, const FieldRef&) = default;
};

struct ErrorObject final : Object {
  ErrorCode code = ErrorCode::generic;
  std::string message;
  bool has_field = false;  // code == no_such_field: which field was missing
  FieldRef field{};
};

// Why a value cannot be known, in words a person can act on. A `complete` or `valid`
// declaration's reason is the ruleset's words, in Chinese and English (`declared`). A reason
// the runtime itself finds (a calendar that lacks a year) carries its kind and arguments
// instead, and is worded by the engine's catalog (engine/findings/words.json) when a finding
// is written: the rule language's runtime writes no words of its own.
struct Reason {
  enum class Kind : std::uint8_t {
    declared,
    // args: the calendar's title (its name when untitled), its name, the year, the years held
    calendar_lacks_year,
  };
  std::string zh, en;  // declared only
  Kind kind = Kind::declared;
  std::vector<std::string> args;
  friend bool operator==(const Reason&, const Reason&) = default;
};

// The kind's name, as a debug string shows a reason of that kind.
inline const char* to_string(Reason::Kind k) {
  switch (k) {
    case Reason::Kind::declared: return "declared";
    case Reason::Kind::calendar_lacks_year: return "calendar_lacks_year";
  }
  return "declared";
}

// CEL's unknown: the result depends on data that is not there. Names what is missing.
struct UnknownObject final : Object {
  std::vector<FieldRef> fields;
  std::vector<std::string> names;  // other missing inputs (e.g. a dated parameter before its first entry)
  std::vector<Reason> reasons;     // why, when a declaration or the calendar says so
};

class Value {
 public:
  Value() noexcept : kind_(ValueKind::null_) { p_.u = 0; }
  ~Value() { release(); }
  Value(const Value& o) noexcept : kind_(o.kind_), owned_(o.owned_), aux16_(o.aux16_), aux32_(o.aux32_), p_(o.p_) {
    if (owned_) p_.obj->refs.fetch_add(1, std::memory_order_relaxed);
  }
  Value(Value&& o) noexcept : kind_(o.kind_), owned_(o.owned_), aux16_(o.aux16_), aux32_(o.aux32_), p_(o.p_) {
    o.owned_ = 0;
    o.kind_ = ValueKind::null_;
  }
  Value& operator=(const Value& o) noexcept {
    if (this != &o) {
      Value tmp(o);
      swap(tmp);
    }
    return *this;
  }
  Value& operator=(Value&& o) noexcept {
    if (this != &o) {
      release();
      kind_ = o.kind_; owned_ = o.owned_; aux16_ = o.aux16_; aux32_ = o.aux32_; p_ = o.p_;
      o.owned_ = 0;
      o.kind_ = ValueKind::null_;
    }
    return *this;
  }
  void swap(Value& o) noexcept {
    std::swap(kind_, o.kind_); std::swap(owned_, o.owned_); std::swap(aux16_, o.aux16_);
    std::swap(aux32_, o.aux32_); std::swap(p_, o.p_);
  }

  // ---- construction (scalars never allocate) ----
  static Value null() { return Value(); }
  static Value boolean(bool b) { Value v(ValueKind::bool_); v.p_.b = b; return v; }
  static Value integer(std::int64_t i) { Value v(ValueKind::int_); v.p_.i = i; return v; }
  static Value uinteger(std::uint64_t u) { Value v(ValueKind::uint_); v.p_.u = u; return v; }
  static Value dbl(double d) { Value v(ValueKind::double_); v.p_.d = d; return v; }
  static Value date(Date d) { Value v(ValueKind::date); v.p_.i = d.days; return v; }
  // Timestamp/duration from seconds and nanos (any sign); normalised to nanos in [0, 1e9).
  static Value timestamp(std::int64_t seconds, std::int64_t nanos = 0);
  static Value duration(std::int64_t seconds, std::int64_t nanos = 0);
  // A string owning its text (allocates).
  static Value string(std::string s);
  // A string viewing text that outlives every copy of the value (no allocation).
  static Value string_view(std::string_view s);
  static Value bytes(std::string s);
  static Value bytes_view(std::string_view s);
  // A type value named by text that outlives the value (static names, schema names).
  static Value type(std::string_view name);
  // An enum value: `name` must outlive the value (the schema's EnumValue::name).
  static Value enumeration(std::uint16_t enum_index, std::string_view name);
  // A record row of record type `record`.
  static Value record(std::uint32_t record, std::uint64_t row);
  // A list owning its elements.
  static Value list(std::vector<Value> items);
  // A list of rows of record type `record` whose indices live in stable storage.
  static Value record_list(std::uint32_t record, std::span<const std::uint32_t> rows);
  // A map from entries; fails (returns an error value) on a repeated or unsupported key.
  static Value map(std::vector<std::pair<Value, Value>> entries);
  static Value error(ErrorCode code, std::string message);
  // CEL `no such field` for a missing optional record field.
  static Value missing_field(FieldRef f, std::string message);
  static Value unknown(std::vector<FieldRef> fields, std::vector<std::string> names = {},
                       std::vector<Reason> reasons = {});

  // ---- inspection ----
  ValueKind kind() const { return kind_; }
  bool is(ValueKind k) const { return kind_ == k; }
  bool is_error() const { return kind_ == ValueKind::error; }
  bool is_unknown() const { return kind_ == ValueKind::unknown; }
  // Error or unknown: a value that operations propagate instead of computing with.
  bool is_error_or_unknown() const { return kind_ >= ValueKind::error; }
  bool is_numeric() const { return kind_ == ValueKind::int_ || kind_ == ValueKind::uint_ || kind_ == ValueKind::double_; }

  bool as_bool() const { return p_.b; }
  std::int64_t as_int() const { return p_.i; }
  std::uint64_t as_uint() const { return p_.u; }
  double as_double() const { return p_.d; }
  Date as_date() const { return Date{static_cast<std::int32_t>(p_.i)}; }
  std::int64_t seconds() const { return p_.i; }        // timestamp, duration
  std::int32_t nanos() const { return static_cast<std::int32_t>(aux32_); }
  // Text of a string, bytes, enum (its name) or type (its name) value.
  std::string_view text() const {
    if (owned_) return static_cast<const StringObject*>(p_.obj)->text;
    return {p_.s, aux32_};
  }
  std::uint16_t enum_index() const { return aux16_; }
  std::uint32_t record_type() const { return kind_ == ValueKind::record ? aux32_ : aux16_; }
  std::uint64_t row() const { return p_.u; }

  // Lists: owned element vectors or record-row views.
  std::size_t list_size() const;
  Value list_at(std::size_t i) const;
  bool is_record_list() const { return kind_ == ValueKind::list && !owned_; }
  // The element vector of an owned list (empty span for a record list).
  std::span<const Value> list_items() const;

  // Maps.
  std::size_t map_size() const;
  std::span<const std::pair<Value, Value>> map_entries() const;
  // Looks a key up with CEL's numeric key equivalence (1 == 1u == 1.0); nullptr when absent.
  const Value* map_find(const Value& key) const;

  const ErrorObject& error_info() const { return *static_cast<const ErrorObject*>(p_.obj); }
  const UnknownObject& unknown_info() const { return *static_cast<const UnknownObject*>(p_.obj); }

  // The owned heap object when this value holds one (for in-place updates by its only owner).
  const Object* object() const { return owned_ ? p_.obj : nullptr; }

 private:
  explicit Value(ValueKind k) noexcept : kind_(k) { p_.u = 0; }
  void release() noexcept {
    if (owned_ && p_.obj->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete p_.obj;
    owned_ = 0;
  }
  static Value owning(ValueKind k, const Object* obj) { Value v(k); v.owned_ = 1; v.p_.obj = obj; return v; }
  friend class ListBuilder;

  ValueKind kind_;
  std::uint8_t owned_ = 0;     // p_.obj holds one reference
  std::uint16_t aux16_ = 0;    // enum index; record type of a record list
  std::uint32_t aux32_ = 0;    // view length; nanos; record type; record-list length
  union Payload {
    bool b;
    std::int64_t i;
    std::uint64_t u;
    double d;
    const char* s;
    const Object* obj;
    const std::uint32_t* rows;
  } p_;
};

struct ListObject final : Object {
  std::vector<Value> items;
};

struct MapObject final : Object {
  std::vector<std::pair<Value, Value>> entries;
};

// Appends to a list that has a single owner without copying it (comprehension accumulators).
class ListBuilder {
 public:
  // Appends `item` to `list` in place when `list` is the only reference to its elements,
  // else copies them first. `list` must be a list value (or null, which starts a new list).
  static void append(Value& list, Value item);
};

// CEL equality: heterogeneous numeric equality (1 == 1u == 1.0), strings equal enum values
// of the same name, lists and maps compared deeply, different kinds unequal. Neither
// argument may be an error or unknown (callers propagate those first).
bool equals(const Value& a, const Value& b);

// CEL ordering: -1, 0, 1, or 2 when the pair is unordered (NaN) and 3 when the kinds have no
// ordering (no matching overload).
int compare(const Value& a, const Value& b);

// Hash consistent with equals() for map keys (int, uint, bool, string, enum).
std::size_t hash_key(const Value& k);

// Name of a value's type as `type()` returns it (schema-specific kinds: "date", "record", "enum").
std::string_view type_name(const Value& v);

// A readable rendering for tests, traces and messages: 1, 2u, 1.5, "s", b"..", [1, 2],
// {"k": 1}, timestamp("..."), duration("..."), date("2022-10-31"), error(...), unknown(...).
std::string debug_string(const Value& v);

// A copy of `v` that owns all of its text, also inside lists and maps: strings and bytes
// viewing storage that may go away (a program's constants, a snapshot) are copied.
Value to_owned(const Value& v);

// Adds the missing inputs of b to the unknown a (both unknown).
Value merge_unknowns(const Value& a, const Value& b);

}  // namespace eco::dsl::cel
