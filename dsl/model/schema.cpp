#include "dsl/model/schema.hpp"

#include <fmt/format.h>

namespace eco::dsl::model {

bool operator==(const Type& a, const Type& b) {
  return a.kind == b.kind && a.params == b.params && a.enum_type == b.enum_type &&
         a.record_type == b.record_type;
}

std::string to_string(const Type& t) {
  switch (t.kind) {
    case Kind::dyn: return "dyn";
    case Kind::error: return "<error>";
    case Kind::null_type: return "null_type";
    case Kind::bool_: return "bool";
    case Kind::int_: return "int";
    case Kind::uint_: return "uint";
    case Kind::double_: return "double";
    case Kind::string: return "string";
    case Kind::bytes: return "bytes";
    case Kind::date: return "date";
    case Kind::timestamp: return "google.protobuf.Timestamp";
    case Kind::duration: return "google.protobuf.Duration";
    case Kind::list: return fmt::format("list({})", t.params.empty() ? "dyn" : to_string(t.params[0]));
    case Kind::map:
      return t.params.size() == 2 ? fmt::format("map({}, {})", to_string(t.params[0]), to_string(t.params[1]))
                                  : "map(dyn, dyn)";
    case Kind::enum_: return t.enum_type ? t.enum_type->name : "enum";
    case Kind::record: return t.record_type ? t.record_type->name : "record";
    case Kind::type: return "type";
  }
  return "dyn";
}

int EnumType::find(std::string_view value) const {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i].name == value) return static_cast<int>(i);
  return -1;
}

int RecordType::find_field(std::string_view n) const {
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == n) return static_cast<int>(i);
  return -1;
}

int RecordType::find_reverse(std::string_view n) const {
  for (std::size_t i = 0; i < reverse_lists.size(); ++i)
    if (reverse_lists[i].name == n) return static_cast<int>(i);
  return -1;
}

const RecordType* Schema::find_record(std::string_view n) const {
  for (const auto& r : records)
    if (r.name == n) return &r;
  return nullptr;
}

const Field* Schema::find_field_path(std::string_view path) const {
  const auto dot = path.find('.');
  if (dot == std::string_view::npos) return nullptr;
  const RecordType* r = find_record(path.substr(0, dot));
  if (!r) return nullptr;
  const int f = r->find_field(path.substr(dot + 1));
  return f < 0 ? nullptr : &r->fields[static_cast<std::size_t>(f)];
}

const EnumType* Schema::find_enum(std::string_view n) const {
  for (const auto& e : enums)
    if (e.name == n) return &e;
  return nullptr;
}

}  // namespace eco::dsl::model

namespace eco::dsl::model {

const char* to_string(Validator v) {
  switch (v) {
    case Validator::none: return "";
    case Validator::uscc: return "uscc";
    case Validator::hw_category: return "hw_category";
  }
  return "";
}

std::optional<Validator> parse_validator(std::string_view name) {
  for (Validator v : {Validator::uscc, Validator::hw_category})
    if (name == to_string(v)) return v;
  return std::nullopt;
}

}  // namespace eco::dsl::model
