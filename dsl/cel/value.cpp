#include "dsl/cel/value.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "dsl/cel/time.hpp"

namespace eco::dsl::cel {

namespace {

constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

// Maps of more entries than this get a hash index; smaller ones are scanned, which is
// faster for the handful of keys typical rule data holds.
constexpr std::size_t kIndexThreshold = 8;

template <class T>
int three_way(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// int vs double, as cel-spec's reference implementations compare them: out-of-range doubles
// order first, otherwise the int is converted to double (so 2^63 - 1 equals 2^63.0).
// 2 when unordered (NaN).
int cmp_int_double(std::int64_t i, double d) {
  if (std::isnan(d)) return 2;
  if (d < -kTwo63) return 1;
  if (d > kTwo63) return -1;
  return three_way(static_cast<double>(i), d);
}

int cmp_uint_double(std::uint64_t u, double d) {
  if (std::isnan(d)) return 2;
  if (d < 0) return 1;
  if (d > kTwo64) return -1;
  return three_way(static_cast<double>(u), d);
}

int cmp_int_uint(std::int64_t i, std::uint64_t u) {
  if (i < 0) return -1;
  return three_way(static_cast<std::uint64_t>(i), u);
}

int cmp_numeric(const Value& a, const Value& b) {
  switch (a.kind()) {
    case ValueKind::int_:
      switch (b.kind()) {
        case ValueKind::int_: return three_way(a.as_int(), b.as_int());
        case ValueKind::uint_: return cmp_int_uint(a.as_int(), b.as_uint());
        default: return cmp_int_double(a.as_int(), b.as_double());
      }
    case ValueKind::uint_:
      switch (b.kind()) {
        case ValueKind::int_: return -cmp_int_uint(b.as_int(), a.as_uint());
        case ValueKind::uint_: return three_way(a.as_uint(), b.as_uint());
        default: return cmp_uint_double(a.as_uint(), b.as_double());
      }
    default:
      switch (b.kind()) {
        case ValueKind::int_: { int r = cmp_int_double(b.as_int(), a.as_double()); return r == 2 ? 2 : -r; }
        case ValueKind::uint_: { int r = cmp_uint_double(b.as_uint(), a.as_double()); return r == 2 ? 2 : -r; }
        default: {
          double x = a.as_double(), y = b.as_double();
          if (std::isnan(x) || std::isnan(y)) return 2;
          return three_way(x, y);
        }
      }
  }
}

bool is_texty(ValueKind k) { return k == ValueKind::string || k == ValueKind::enum_; }

bool valid_key_kind(ValueKind k) {
  return k == ValueKind::int_ || k == ValueKind::uint_ || k == ValueKind::bool_ || k == ValueKind::string ||
         k == ValueKind::enum_;
}

// A key comparable with map keys: doubles with an integral value act as int/uint keys.
bool normalise_key(const Value& k, Value& out) {
  if (k.kind() != ValueKind::double_) {
    out = k;
    return true;
  }
  double d = k.as_double();
  if (std::isnan(d) || std::trunc(d) != d) return false;
  if (d >= -kTwo63 && d < kTwo63) {
    out = Value::integer(static_cast<std::int64_t>(d));
    return true;
  }
  if (d >= 0 && d < kTwo64) {
    out = Value::uinteger(static_cast<std::uint64_t>(d));
    return true;
  }
  return false;
}

std::string quote(std::string_view s, bool bytes) {
  std::string out = bytes ? "b\"" : "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || (bytes && c >= 0x7f)) out += fmt::format("\\x{:02x}", c);
        else out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

// Maps with many entries carry a sorted (hash, position) index after their entries.
struct BigMapObject final : Object {
  std::vector<std::pair<Value, Value>> entries;
  std::vector<std::pair<std::size_t, std::uint32_t>> by_hash;
};

}  // namespace

std::string_view kind_name(ValueKind k) {
  switch (k) {
    case ValueKind::null_: return "null_type";
    case ValueKind::bool_: return "bool";
    case ValueKind::int_: return "int";
    case ValueKind::uint_: return "uint";
    case ValueKind::double_: return "double";
    case ValueKind::string: return "string";
    case ValueKind::bytes: return "bytes";
    case ValueKind::list: return "list";
    case ValueKind::map: return "map";
    case ValueKind::timestamp: return "google.protobuf.Timestamp";
    case ValueKind::duration: return "google.protobuf.Duration";
    case ValueKind::type: return "type";
    case ValueKind::date: return "date";
    case ValueKind::enum_: return "enum";
    case ValueKind::record: return "record";
    case ValueKind::error: return "error";
    case ValueKind::unknown: return "unknown";
  }
  return "?";
}

Value Value::timestamp(std::int64_t seconds, std::int64_t nanos) {
  seconds += nanos / 1'000'000'000;
  nanos %= 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    seconds -= 1;
  }
  Value v(ValueKind::timestamp);
  v.p_.i = seconds;
  v.aux32_ = static_cast<std::uint32_t>(nanos);
  return v;
}

Value Value::duration(std::int64_t seconds, std::int64_t nanos) {
  Value v = timestamp(seconds, nanos);
  v.kind_ = ValueKind::duration;
  return v;
}

Value Value::string(std::string s) { return owning(ValueKind::string, new StringObject(std::move(s))); }

Value Value::string_view(std::string_view s) {
  Value v(ValueKind::string);
  v.p_.s = s.data();
  v.aux32_ = static_cast<std::uint32_t>(s.size());
  return v;
}

Value Value::bytes(std::string s) { return owning(ValueKind::bytes, new StringObject(std::move(s))); }

Value Value::bytes_view(std::string_view s) {
  Value v = string_view(s);
  v.kind_ = ValueKind::bytes;
  return v;
}

Value Value::type(std::string_view name) {
  Value v = string_view(name);
  v.kind_ = ValueKind::type;
  return v;
}

Value Value::enumeration(std::uint16_t enum_index, std::string_view name) {
  Value v = string_view(name);
  v.kind_ = ValueKind::enum_;
  v.aux16_ = enum_index;
  return v;
}

Value Value::record(std::uint32_t record, std::uint64_t row) {
  Value v(ValueKind::record);
  v.aux32_ = record;
  v.p_.u = row;
  return v;
}

Value Value::list(std::vector<Value> items) {
  auto* o = new ListObject();
  o->items = std::move(items);
  return owning(ValueKind::list, o);
}

Value Value::record_list(std::uint32_t record, std::span<const std::uint32_t> rows) {
  Value v(ValueKind::list);
  v.aux16_ = static_cast<std::uint16_t>(record);
  v.aux32_ = static_cast<std::uint32_t>(rows.size());
  v.p_.rows = rows.data();
  return v;
}

Value Value::map(std::vector<std::pair<Value, Value>> entries) {
  for (auto& [k, val] : entries) {
    if (k.is_error_or_unknown()) return k;
    if (val.is_error_or_unknown()) return val;
    if (!valid_key_kind(k.kind())) return error(ErrorCode::invalid_argument, "unsupported key type");
  }
  if (entries.size() <= kIndexThreshold) {
    for (std::size_t i = 0; i < entries.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (equals(entries[i].first, entries[j].first))
          return error(ErrorCode::invalid_argument, "Failed with repeated key");
    auto* o = new MapObject();
    o->entries = std::move(entries);
    return owning(ValueKind::map, o);
  }
  auto* o = new BigMapObject();
  o->entries = std::move(entries);
  o->by_hash.reserve(o->entries.size());
  for (std::size_t i = 0; i < o->entries.size(); ++i)
    o->by_hash.emplace_back(hash_key(o->entries[i].first), static_cast<std::uint32_t>(i));
  std::sort(o->by_hash.begin(), o->by_hash.end());
  for (std::size_t i = 1; i < o->by_hash.size(); ++i) {
    for (std::size_t j = i; j > 0 && o->by_hash[j - 1].first == o->by_hash[i].first; --j) {
      if (equals(o->entries[o->by_hash[i].second].first, o->entries[o->by_hash[j - 1].second].first)) {
        delete o;
        return error(ErrorCode::invalid_argument, "Failed with repeated key");
      }
    }
  }
  Value v = owning(ValueKind::map, o);
  v.aux16_ = 1;  // indexed
  return v;
}

Value Value::error(ErrorCode code, std::string message) {
  auto* o = new ErrorObject();
  o->code = code;
  o->message = std::move(message);
  return owning(ValueKind::error, o);
}

Value Value::missing_field(FieldRef f, std::string message) {
  auto* o = new ErrorObject();
  o->code = ErrorCode::no_such_field;
  o->message = std::move(message);
  o->has_field = true;
  o->field = f;
  return owning(ValueKind::error, o);
}

Value Value::unknown(std::vector<FieldRef> fields, std::vector<std::string> names, std::vector<Reason> reasons) {
  auto* o = new UnknownObject();
  o->fields = std::move(fields);
  o->names = std::move(names);
  o->reasons = std::move(reasons);
  return owning(ValueKind::unknown, o);
}

std::size_t Value::list_size() const {
  if (!owned_) return aux32_;
  return static_cast<const ListObject*>(p_.obj)->items.size();
}

Value Value::list_at(std::size_t i) const {
  if (!owned_) return Value::record(aux16_, p_.rows[i]);
  return static_cast<const ListObject*>(p_.obj)->items[i];
}

std::span<const Value> Value::list_items() const {
  if (!owned_) return {};
  return static_cast<const ListObject*>(p_.obj)->items;
}

std::span<const std::pair<Value, Value>> Value::map_entries() const {
  if (aux16_) return static_cast<const BigMapObject*>(p_.obj)->entries;
  return static_cast<const MapObject*>(p_.obj)->entries;
}

std::size_t Value::map_size() const { return map_entries().size(); }

const Value* Value::map_find(const Value& key) const {
  Value k;
  if (!normalise_key(key, k) || !valid_key_kind(k.kind())) return nullptr;
  if (!aux16_) {
    for (const auto& [ek, ev] : static_cast<const MapObject*>(p_.obj)->entries)
      if (equals(ek, k)) return &ev;
    return nullptr;
  }
  const auto* o = static_cast<const BigMapObject*>(p_.obj);
  std::size_t h = hash_key(k);
  auto it = std::lower_bound(o->by_hash.begin(), o->by_hash.end(), std::pair<std::size_t, std::uint32_t>{h, 0});
  for (; it != o->by_hash.end() && it->first == h; ++it)
    if (equals(o->entries[it->second].first, k)) return &o->entries[it->second].second;
  return nullptr;
}

void ListBuilder::append(Value& list, Value item) {
  if (list.kind_ == ValueKind::list && list.owned_ &&
      list.p_.obj->refs.load(std::memory_order_acquire) == 1) {
    // Sole owner: nobody else can observe the change.
    const_cast<ListObject*>(static_cast<const ListObject*>(list.p_.obj))->items.push_back(std::move(item));
    return;
  }
  std::vector<Value> items;
  if (list.kind_ == ValueKind::list) {
    items.reserve(list.list_size() + 1);
    for (std::size_t i = 0; i < list.list_size(); ++i) items.push_back(list.list_at(i));
  }
  items.push_back(std::move(item));
  list = Value::list(std::move(items));
}

bool equals(const Value& a, const Value& b) {
  if (a.is_numeric()) return b.is_numeric() && cmp_numeric(a, b) == 0;
  switch (a.kind()) {
    case ValueKind::null_: return b.kind() == ValueKind::null_;
    case ValueKind::bool_: return b.kind() == ValueKind::bool_ && a.as_bool() == b.as_bool();
    case ValueKind::string:
    case ValueKind::enum_: return is_texty(b.kind()) && a.text() == b.text();
    case ValueKind::bytes: return b.kind() == ValueKind::bytes && a.text() == b.text();
    case ValueKind::type: return b.kind() == ValueKind::type && a.text() == b.text();
    case ValueKind::timestamp:
    case ValueKind::duration:
      return b.kind() == a.kind() && a.seconds() == b.seconds() && a.nanos() == b.nanos();
    case ValueKind::date: return b.kind() == ValueKind::date && a.as_date() == b.as_date();
    case ValueKind::record:
      return b.kind() == ValueKind::record && a.record_type() == b.record_type() && a.row() == b.row();
    case ValueKind::list: {
      if (b.kind() != ValueKind::list || a.list_size() != b.list_size()) return false;
      for (std::size_t i = 0; i < a.list_size(); ++i)
        if (!equals(a.list_at(i), b.list_at(i))) return false;
      return true;
    }
    case ValueKind::map: {
      if (b.kind() != ValueKind::map || a.map_size() != b.map_size()) return false;
      for (const auto& [k, v] : a.map_entries()) {
        const Value* w = b.map_find(k);
        if (!w || !equals(v, *w)) return false;
      }
      return true;
    }
    default: return false;
  }
}

int compare(const Value& a, const Value& b) {
  if (a.is_numeric() && b.is_numeric()) return cmp_numeric(a, b);
  if (a.kind() != b.kind()) return 3;
  switch (a.kind()) {
    case ValueKind::bool_: return three_way(a.as_bool(), b.as_bool());
    case ValueKind::string:
    case ValueKind::bytes: {
      int c = a.text().compare(b.text());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case ValueKind::timestamp:
    case ValueKind::duration:
      if (a.seconds() != b.seconds()) return three_way(a.seconds(), b.seconds());
      return three_way(a.nanos(), b.nanos());
    case ValueKind::date: return three_way(a.as_date().days, b.as_date().days);
    default: return 3;
  }
}

std::size_t hash_key(const Value& k) {
  switch (k.kind()) {
    case ValueKind::int_: return std::hash<std::int64_t>{}(k.as_int());
    case ValueKind::uint_:
      if (k.as_uint() <= static_cast<std::uint64_t>(INT64_MAX))
        return std::hash<std::int64_t>{}(static_cast<std::int64_t>(k.as_uint()));
      return std::hash<std::uint64_t>{}(k.as_uint()) ^ 0x9e3779b97f4a7c15ULL;
    case ValueKind::double_: {
      Value n;
      if (normalise_key(k, n)) return hash_key(n);
      return std::hash<double>{}(k.as_double());
    }
    case ValueKind::bool_: return k.as_bool() ? 0x51ed27 : 0x2545f4;
    case ValueKind::string:
    case ValueKind::enum_: return std::hash<std::string_view>{}(k.text());
    default: return 0;
  }
}

std::string_view type_name(const Value& v) { return kind_name(v.kind()); }

Value to_owned(const Value& v) {
  if (v.is(ValueKind::string) && !v.object()) return Value::string(std::string(v.text()));
  if (v.is(ValueKind::bytes) && !v.object()) return Value::bytes(std::string(v.text()));
  if (v.is(ValueKind::list) && !v.is_record_list()) {
    std::vector<Value> items;
    items.reserve(v.list_size());
    for (const auto& x : v.list_items()) items.push_back(to_owned(x));
    return Value::list(std::move(items));
  }
  if (v.is(ValueKind::map)) {
    std::vector<std::pair<Value, Value>> entries;
    for (const auto& [k, x] : v.map_entries()) entries.emplace_back(to_owned(k), to_owned(x));
    return Value::map(std::move(entries));
  }
  return v;
}

std::string debug_string(const Value& v) {
  switch (v.kind()) {
    case ValueKind::null_: return "null";
    case ValueKind::bool_: return v.as_bool() ? "true" : "false";
    case ValueKind::int_: return std::to_string(v.as_int());
    case ValueKind::uint_: return std::to_string(v.as_uint()) + "u";
    case ValueKind::double_: {
      double d = v.as_double();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "+infinity" : "-infinity";
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      std::string s(buf, r.ptr);
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
      return s;
    }
    case ValueKind::string: return quote(v.text(), false);
    case ValueKind::bytes: return quote(v.text(), true);
    case ValueKind::enum_: return quote(v.text(), false);
    case ValueKind::type: return std::string(v.text());
    case ValueKind::timestamp: return "timestamp(\"" + format_timestamp(v.seconds(), v.nanos()) + "\")";
    case ValueKind::duration: return "duration(\"" + format_duration(v.seconds(), v.nanos()) + "\")";
    case ValueKind::date: return "date(\"" + format_date(v.as_date()) + "\")";
    case ValueKind::record: return fmt::format("record({}, row {})", v.record_type(), v.row());
    case ValueKind::list: {
      std::string s = "[";
      for (std::size_t i = 0; i < v.list_size(); ++i) {
        if (i) s += ", ";
        s += debug_string(v.list_at(i));
      }
      return s + "]";
    }
    case ValueKind::map: {
      std::string s = "{";
      bool first = true;
      for (const auto& [k, val] : v.map_entries()) {
        if (!first) s += ", ";
        first = false;
        s += debug_string(k) + ": " + debug_string(val);
      }
      return s + "}";
    }
    case ValueKind::error: return "error(" + v.error_info().message + ")";
    case ValueKind::unknown: {
      std::string s = "unknown(";
      bool first = true;
      for (auto f : v.unknown_info().fields) {
        s += fmt::format("{}field {}.{}", first ? "" : ", ", f.record, f.field);
        first = false;
      }
      for (const auto& n : v.unknown_info().names) {
        s += (first ? "" : ", ") + n;
        first = false;
      }
      for (const auto& r : v.unknown_info().reasons) {
        // A reason the runtime found is shown by its kind and arguments (the engine words it).
        s += (first ? "reason " : ", reason ") +
             (r.kind == Reason::Kind::declared ? r.en : fmt::format("{}({})", to_string(r.kind), fmt::join(r.args, ", ")));
        first = false;
      }
      return s + ")";
    }
  }
  return "?";
}

Value merge_unknowns(const Value& a, const Value& b) {
  const auto& x = a.unknown_info();
  const auto& y = b.unknown_info();
  std::vector<FieldRef> fields = x.fields;
  for (auto f : y.fields)
    if (std::find(fields.begin(), fields.end(), f) == fields.end()) fields.push_back(f);
  std::vector<std::string> names = x.names;
  for (const auto& n : y.names)
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  std::vector<Reason> reasons = x.reasons;
  for (const auto& r : y.reasons)
    if (std::find(reasons.begin(), reasons.end(), r) == reasons.end()) reasons.push_back(r);
  return Value::unknown(std::move(fields), std::move(names), std::move(reasons));
}

}  // namespace eco::dsl::cel
