#include "dsl/check/overloads.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "dsl/cel/functions.hpp"

namespace eco::dsl::check {

using model::Kind;
using model::Type;

namespace {

// A parameter or result pattern: a concrete kind, a type variable (A or B), or list/map of
// patterns. Written as text in the registry (dsl/cel/functions.hpp) and parsed once.
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

// The registry's signatures, parsed once.
std::vector<Overload> build_table() {
  std::vector<Overload> t;
  for (const cel::Overload& o : cel::overloads()) {
    Overload p{o.id, o.function, o.member, {}, parse_pat(o.result)};
    for (auto param : split(o.params)) p.params.push_back(parse_pat(param));
    t.push_back(std::move(p));
  }
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
