#include "dsl/check/overloads.hpp"

#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

namespace eco::dsl::check {

using model::Kind;
using model::Type;

namespace {

// A parameter or result pattern: a concrete kind, a type variable (A or B), or list/map of
// patterns. Written as text in the table below and parsed once.
struct Pat {
  enum class Form { concrete, var, list, map } form = Form::concrete;
  Kind kind = Kind::dyn;
  int var = 0;
  std::vector<Pat> sub;
};

struct Overload {
  std::string id;
  std::string function;
  bool member = false;
  std::vector<Pat> params;
  Pat result;
};

Pat parse_pat(std::string_view s) {
  static const std::map<std::string_view, Kind> kinds = {
      {"dyn", Kind::dyn},       {"null", Kind::null_type}, {"bool", Kind::bool_},   {"int", Kind::int_},
      {"uint", Kind::uint_},    {"double", Kind::double_}, {"string", Kind::string}, {"bytes", Kind::bytes},
      {"date", Kind::date},     {"timestamp", Kind::timestamp}, {"duration", Kind::duration}, {"type", Kind::type},
      {"enum", Kind::enum_}};
  Pat p;
  if (s == "A" || s == "B") {
    p.form = Pat::Form::var;
    p.var = s == "A" ? 0 : 1;
  } else if (s.starts_with("list(") && s.ends_with(")")) {  // list(A), list(int), ...
    p.form = Pat::Form::list;
    p.sub = {parse_pat(s.substr(5, s.size() - 6))};
  } else if (s == "map(A,B)") {
    p.form = Pat::Form::map;
    p.sub = {parse_pat("A"), parse_pat("B")};
  } else {
    p.kind = kinds.at(s);
  }
  return p;
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    // Commas inside map(A,B) do not separate parameters.
    std::size_t depth = 0, i = 0;
    for (; i < s.size(); ++i) {
      if (s[i] == '(') ++depth;
      if (s[i] == ')') --depth;
      if (s[i] == ' ' && depth == 0) break;
    }
    out.push_back(s.substr(0, i));
    s.remove_prefix(std::min(s.size(), i + 1));
  }
  return out;
}

std::vector<Overload> build_table() {
  std::vector<Overload> t;
  auto add = [&](std::string id, std::string fn, bool member, std::string_view params, std::string_view result) {
    Overload o{std::move(id), std::move(fn), member, {}, parse_pat(result)};
    for (auto p : split(params)) o.params.push_back(parse_pat(p));
    t.push_back(std::move(o));
  };
  auto suffix = [](std::string_view k) -> std::string {
    if (k == "int") return "int64";
    if (k == "uint") return "uint64";
    return std::string(k);
  };

  add("logical_not", "!_", false, "bool", "bool");
  add("not_strictly_false", "@not_strictly_false", false, "bool", "bool");
  add("negate_int64", "-_", false, "int", "int");
  add("negate_double", "-_", false, "double", "double");

  for (auto k : {"int", "uint", "double"}) {
    std::string s = suffix(k), ks(k), two = ks + " " + ks;
    add("add_" + s, "_+_", false, two, k);
    add("subtract_" + s, "_-_", false, two, k);
    add("multiply_" + s, "_*_", false, two, k);
    add("divide_" + s, "_/_", false, two, k);
  }
  add("modulo_int64", "_%_", false, "int int", "int");
  add("modulo_uint64", "_%_", false, "uint uint", "uint");
  add("add_string", "_+_", false, "string string", "string");
  add("add_bytes", "_+_", false, "bytes bytes", "bytes");
  add("add_list", "_+_", false, "list(A) list(A)", "list(A)");
  add("add_timestamp_duration", "_+_", false, "timestamp duration", "timestamp");
  add("add_duration_timestamp", "_+_", false, "duration timestamp", "timestamp");
  add("add_duration_duration", "_+_", false, "duration duration", "duration");
  add("subtract_timestamp_timestamp", "_-_", false, "timestamp timestamp", "duration");
  add("subtract_timestamp_duration", "_-_", false, "timestamp duration", "timestamp");
  add("subtract_duration_duration", "_-_", false, "duration duration", "duration");
  // EcoAudit: a date plus or minus a whole number of days (days(30) is a duration).
  add("add_date_duration", "_+_", false, "date duration", "date");
  add("add_duration_date", "_+_", false, "duration date", "date");
  add("subtract_date_duration", "_-_", false, "date duration", "date");

  static const std::array<std::pair<const char*, const char*>, 4> rel = {
      {{"_<_", "less"}, {"_<=_", "less_equals"}, {"_>_", "greater"}, {"_>=_", "greater_equals"}}};
  for (auto [fn, name] : rel) {
    for (auto k : {"bool", "int", "uint", "double", "string", "bytes", "timestamp", "duration", "date"})
      add(fmt::format("{}_{}", name, suffix(k)), fn, false, fmt::format("{0} {0}", k), "bool");
    // cel-spec's heterogeneous numeric ordering.
    for (auto a : {"int", "uint", "double"})
      for (auto b : {"int", "uint", "double"})
        if (std::string_view(a) != b)
          add(fmt::format("{}_{}_{}", name, suffix(a), suffix(b)), fn, false, fmt::format("{} {}", a, b), "bool");
  }

  for (auto [k, s] : {std::pair{"string", "string"}, {"bytes", "bytes"}, {"list(A)", "list"}, {"map(A,B)", "map"}}) {
    add(fmt::format("size_{}", s), "size", false, k, "int");
    add(fmt::format("{}_size", s), "size", true, k, "int");
  }
  // EcoAudit: aggregates over lists (sum of numbers; least and greatest of ordered values).
  for (auto k : {"int", "uint", "double"}) {
    add(fmt::format("sum_list_{}", suffix(k)), "sum", false, fmt::format("list({})", k), k);
    add(fmt::format("list_{}_sum", suffix(k)), "sum", true, fmt::format("list({})", k), k);
  }
  for (auto k : {"int", "uint", "double", "string", "date", "timestamp", "duration"})
    for (auto fn : {"min", "max"}) {
      add(fmt::format("{}_list_{}", fn, suffix(k)), fn, false, fmt::format("list({})", k), k);
      add(fmt::format("list_{}_{}", suffix(k), fn), fn, true, fmt::format("list({})", k), k);
    }
  add("contains_string", "contains", true, "string string", "bool");
  add("starts_with_string", "startsWith", true, "string string", "bool");
  add("ends_with_string", "endsWith", true, "string string", "bool");
  add("matches", "matches", false, "string string", "bool");
  add("matches_string", "matches", true, "string string", "bool");

  add("int64_to_int64", "int", false, "int", "int");
  add("uint64_to_int64", "int", false, "uint", "int");
  add("double_to_int64", "int", false, "double", "int");
  add("string_to_int64", "int", false, "string", "int");
  add("timestamp_to_int64", "int", false, "timestamp", "int");
  add("uint64_to_uint64", "uint", false, "uint", "uint");
  add("int64_to_uint64", "uint", false, "int", "uint");
  add("double_to_uint64", "uint", false, "double", "uint");
  add("string_to_uint64", "uint", false, "string", "uint");
  add("double_to_double", "double", false, "double", "double");
  add("int64_to_double", "double", false, "int", "double");
  add("uint64_to_double", "double", false, "uint", "double");
  add("string_to_double", "double", false, "string", "double");
  for (auto k : {"string", "int", "uint", "double", "bool", "bytes", "timestamp", "duration", "date"})
    add(fmt::format("{}_to_string", suffix(k)), "string", false, k, "string");
  add("bytes_to_bytes", "bytes", false, "bytes", "bytes");
  add("string_to_bytes", "bytes", false, "string", "bytes");
  add("bool_to_bool", "bool", false, "bool", "bool");
  add("string_to_bool", "bool", false, "string", "bool");
  add("timestamp_to_timestamp", "timestamp", false, "timestamp", "timestamp");
  add("string_to_timestamp", "timestamp", false, "string", "timestamp");
  add("int64_to_timestamp", "timestamp", false, "int", "timestamp");
  add("duration_to_duration", "duration", false, "duration", "duration");
  add("string_to_duration", "duration", false, "string", "duration");
  add("to_dyn", "dyn", false, "A", "dyn");
  add("type", "type", false, "A", "type");

  for (auto g : {"getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear",
                 "getHours", "getMinutes", "getSeconds", "getMilliseconds"}) {
    add(fmt::format("timestamp_to_{}", g), g, true, "timestamp", "int");
    add(fmt::format("timestamp_to_{}_with_tz", g), g, true, "timestamp string", "int");
  }
  for (auto g : {"getHours", "getMinutes", "getSeconds", "getMilliseconds"})
    add(fmt::format("duration_to_{}", g), g, true, "duration", "int");

  // EcoAudit's date extension.
  add("string_to_date", "date", false, "string", "date");
  add("int64_int64_int64_to_date", "date", false, "int int int", "date");
  add("enum_to_string", "string", false, "enum", "string");  // an enum value's name
  add("add_months_date_int64", "add_months", false, "date int", "date");
  add("date_add_months_int64", "add_months", true, "date int", "date");
  add("abs_int64", "abs", false, "int", "int");
  add("abs_uint64", "abs", false, "uint", "uint");
  add("abs_double", "abs", false, "double", "double");
  add("label", "label", false, "A", "string");
  add("date_to_date", "date", false, "date", "date");
  add("timestamp_to_date", "date", false, "timestamp", "date");
  add("timestamp_to_date_with_tz", "date", false, "timestamp string", "date");
  add("subtract_date_date", "_-_", false, "date date", "duration");
  add("date_to_timestamp", "timestamp", false, "date", "timestamp");
  add("date_to_int64", "int", false, "date", "int");
  for (auto g : {"getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear"})
    add(fmt::format("date_to_{}", g), g, true, "date", "int");
  add("int64_to_days", "days", false, "int", "duration");
  add("days_between_date_date", "days_between", false, "date date", "int");
  // param_at(P, DATE) is typed by the checker itself (P names a dated parameter); this entry
  // gives a call with the wrong number of arguments "no matching overload".
  add("param_at", "param_at", false, "dyn date", "dyn");
  // Working days by the ruleset's `calendar` (the checker requires one).
  add("add_working_days_date_int", "add_working_days", false, "date int", "date");
  add("working_days_between_date_date", "working_days_between", false, "date date", "int");
  return t;
}

const std::vector<Overload>& table() {
  static const std::vector<Overload> t = build_table();
  return t;
}

bool compatible(const Type& a, const Type& b) {
  if (a.is(Kind::dyn) || b.is(Kind::dyn) || a.is(Kind::error) || b.is(Kind::error)) return true;
  if (a.kind != b.kind) return false;
  if (a.params.size() != b.params.size()) return false;
  for (std::size_t i = 0; i < a.params.size(); ++i)
    if (!compatible(a.params[i], b.params[i])) return false;
  return a.enum_type == b.enum_type && a.record_type == b.record_type;
}

using Binds = std::array<std::optional<Type>, 2>;

bool match(const Pat& p, const Type& t, Binds& binds) {
  if (t.is(Kind::dyn) || t.is(Kind::error)) return true;
  switch (p.form) {
    case Pat::Form::var: {
      auto& b = binds[p.var];
      if (!b || b->is(Kind::dyn)) {
        b = t;
        return true;
      }
      return compatible(*b, t);
    }
    case Pat::Form::list:
      return t.is(Kind::list) && match(p.sub[0], t.params.empty() ? Type{} : t.params[0], binds);
    case Pat::Form::map:
      return t.is(Kind::map) && t.params.size() == 2 && match(p.sub[0], t.params[0], binds) &&
             match(p.sub[1], t.params[1], binds);
    case Pat::Form::concrete:
      return p.kind == Kind::dyn || p.kind == t.kind;
  }
  return false;
}

Type subst(const Pat& p, const Binds& binds) {
  switch (p.form) {
    case Pat::Form::var: return binds[p.var] ? *binds[p.var] : Type{};
    case Pat::Form::list: return Type::list(subst(p.sub[0], binds));
    case Pat::Form::map: return Type::map(subst(p.sub[0], binds), subst(p.sub[1], binds));
    case Pat::Form::concrete: return Type::of(p.kind);
  }
  return Type{};
}

}  // namespace

CallResolution resolve_call(std::string_view function, bool member, const std::vector<Type>& args) {
  CallResolution r;
  bool known = false, known_here = false;
  std::vector<const Overload*> hits;
  std::vector<Type> results;
  for (const auto& o : table()) {
    if (o.function != function) continue;
    known = true;
    if (o.member != member) continue;
    known_here = true;
    if (o.params.size() != args.size()) continue;
    Binds binds;
    bool ok = true;
    for (std::size_t i = 0; i < args.size() && ok; ++i) ok = match(o.params[i], args[i], binds);
    if (!ok) continue;
    hits.push_back(&o);
    results.push_back(subst(o.result, binds));
  }
  for (const auto& a : args)
    if (a.is(Kind::error)) {
      r.status = CallResolution::Status::error_operand;
      r.result = Type::of(Kind::error);
      return r;
    }
  if (!known) {
    r.status = CallResolution::Status::unknown_function;
    return r;
  }
  if (!known_here) {
    r.status = CallResolution::Status::wrong_style;
    return r;
  }
  if (hits.empty()) {
    r.status = CallResolution::Status::no_match;
    return r;
  }
  r.result = results[0];
  for (const auto& t : results)
    if (!(t == r.result)) r.result = Type{};
  r.overload = hits.size() == 1 ? hits[0]->id : std::string(function);
  return r;
}

std::vector<std::string> function_names() {
  std::set<std::string> names;
  for (const auto& o : table())
    if (std::isalpha(static_cast<unsigned char>(o.function[0])))
      names.insert(o.function);
  names.insert("has");
  return {names.begin(), names.end()};
}

std::string display_function(std::string_view f) {
  static const std::map<std::string_view, std::string_view> ops = {
      {"_+_", "+"},   {"_-_", "-"},   {"_*_", "*"},   {"_/_", "/"},   {"_%_", "%"},  {"-_", "-"},
      {"!_", "!"},    {"_<_", "<"},   {"_<=_", "<="}, {"_>_", ">"},   {"_>=_", ">="}, {"_==_", "=="},
      {"_!=_", "!="}, {"_&&_", "&&"}, {"_||_", "||"}, {"@in", "in"}, {"_[_]", "[]"}, {"_?_:_", "?:"},
      {"@not_strictly_false", "&&"}};
  if (auto it = ops.find(f); it != ops.end()) return fmt::format("operator '{}'", it->second);
  return fmt::format("'{}'", f);
}

}  // namespace eco::dsl::check
