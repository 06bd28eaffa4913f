#include "dsl/ast/expr.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "dsl/common/utf8.hpp"

namespace eco::dsl::ast {

namespace {

ExprPtr clone_ptr(const ExprPtr& e) { return e ? std::make_unique<Expr>(clone(*e)) : nullptr; }

std::vector<Expr> clone_all(const std::vector<Expr>& v) {
  std::vector<Expr> out;
  out.reserve(v.size());
  for (const auto& e : v) out.push_back(clone(e));
  return out;
}

// CEL-syntax string literal: printable text as is, the rest escaped.
void quote(std::string& out, std::string_view s, bool bytes) {
  out += bytes ? "b\"" : "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80)) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void dump_constant(std::string& out, const Constant& c) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, NullValue>) {
          out += "null";
        } else if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          out += std::to_string(v);
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
          out += std::to_string(v) + "u";
        } else if constexpr (std::is_same_v<T, double>) {
          char buf[40];
          auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
          std::string s(buf, res.ptr);
          if (std::isfinite(v) && s.find_first_of(".e") == std::string::npos) s += ".0";
          out += s;
        } else if constexpr (std::is_same_v<T, std::string>) {
          quote(out, v, false);
        } else if constexpr (std::is_same_v<T, Bytes>) {
          quote(out, v.data, true);
        } else {
          out += "(date " + format_date(v) + ")";
        }
      },
      c.value);
}

void dump_to(std::string& out, const Expr& e) {
  std::visit(
      [&](const auto& k) {
        using T = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<T, Constant>) {
          dump_constant(out, k);
        } else if constexpr (std::is_same_v<T, Ident>) {
          out += "(ident " + std::string(k.leading_dot ? "." : "") + k.name + ")";
        } else if constexpr (std::is_same_v<T, Select>) {
          out += k.test_only ? "(has " : "(select ";
          dump_to(out, *k.operand);
          out += " " + k.field + ")";
        } else if constexpr (std::is_same_v<T, Call>) {
          out += "(call " + k.function;
          if (k.target) {
            out += " (target ";
            dump_to(out, *k.target);
            out += ")";
          }
          for (const auto& a : k.args) {
            out += " ";
            dump_to(out, a);
          }
          out += ")";
        } else if constexpr (std::is_same_v<T, CreateList>) {
          out += "(list";
          for (const auto& a : k.elements) {
            out += " ";
            dump_to(out, a);
          }
          out += ")";
        } else if constexpr (std::is_same_v<T, CreateMap>) {
          out += "(map";
          for (const auto& en : k.entries) {
            out += " (";
            dump_to(out, *en.key);
            out += " ";
            dump_to(out, *en.value);
            out += ")";
          }
          out += ")";
        } else if constexpr (std::is_same_v<T, CreateStruct>) {
          out += "(struct " + k.type_name;
          for (const auto& f : k.fields) {
            out += " (" + f.field + " ";
            dump_to(out, *f.value);
            out += ")";
          }
          out += ")";
        } else {
          out += "(comprehension " + (k.macro.empty() ? std::string("-") : k.macro) + " " +
                 k.iter_var + " ";
          dump_to(out, *k.iter_range);
          out += " " + k.accu_var + " ";
          for (const ExprPtr* p : {&k.accu_init, &k.loop_condition, &k.loop_step, &k.result}) {
            dump_to(out, **p);
            out += p == &k.result ? ")" : " ";
          }
        }
      },
      e.kind);
}

}  // namespace

Expr clone(const Expr& e) {
  Expr out;
  out.id = e.id;
  out.range = e.range;
  out.kind = std::visit(
      [](const auto& k) -> decltype(Expr::kind) {
        using T = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<T, Constant> || std::is_same_v<T, Ident>) {
          return k;
        } else if constexpr (std::is_same_v<T, Select>) {
          return Select{clone_ptr(k.operand), k.field, k.test_only};
        } else if constexpr (std::is_same_v<T, Call>) {
          return Call{clone_ptr(k.target), k.function, clone_all(k.args)};
        } else if constexpr (std::is_same_v<T, CreateList>) {
          return CreateList{clone_all(k.elements)};
        } else if constexpr (std::is_same_v<T, CreateMap>) {
          CreateMap m;
          for (const auto& en : k.entries) m.entries.push_back({clone_ptr(en.key), clone_ptr(en.value)});
          return m;
        } else if constexpr (std::is_same_v<T, CreateStruct>) {
          CreateStruct s{k.type_name, {}};
          for (const auto& f : k.fields) s.fields.push_back({f.field, clone_ptr(f.value), f.range});
          return s;
        } else {
          return Comprehension{k.iter_var,         clone_ptr(k.iter_range),
                               k.accu_var,         clone_ptr(k.accu_init),
                               clone_ptr(k.loop_condition), clone_ptr(k.loop_step),
                               clone_ptr(k.result), k.macro};
        }
      },
      e.kind);
  return out;
}

ExprPtr clone(const ExprPtr& e) { return clone_ptr(e); }

std::string dump(const Expr& e) {
  std::string out;
  dump_to(out, e);
  return out;
}

}  // namespace eco::dsl::ast

namespace eco::dsl::ast {

namespace {

const char* infix(std::string_view f) {
  static const std::pair<std::string_view, const char*> ops[] = {
      {"_+_", "+"},   {"_-_", "-"},   {"_*_", "*"},   {"_/_", "/"},   {"_%_", "%"},
      {"_<_", "<"},   {"_<=_", "<="}, {"_>_", ">"},   {"_>=_", ">="}, {"_==_", "=="},
      {"_!=_", "!="}, {"_&&_", "&&"}, {"_||_", "||"}, {"@in", "in"}};
  for (const auto& [name, op] : ops)
    if (name == f) return op;
  return nullptr;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out + "\"";
}

// CEL's binary operator precedence (higher binds tighter); 0 for anything else.
int precedence(const Expr& e) {
  const auto* c = e.as<Call>();
  if (!c) return 0;
  const std::string& f = c->function;
  if (f == "_?_:_") return 1;
  if (f == "_||_") return 2;
  if (f == "_&&_") return 3;
  if (f == "_<_" || f == "_<=_" || f == "_>_" || f == "_>=_" || f == "_==_" || f == "_!=_" || f == "@in") return 4;
  if (f == "_+_" || f == "_-_") return 5;
  if (f == "_*_" || f == "_/_" || f == "_%_") return 6;
  return 0;
}

// An operand of an operator of precedence `parent`: parenthesised when it binds less tightly
// (or as tightly, on the right, or under a unary operator or a selection).
std::string to_cel_nested(const Expr& e, int parent = 7, bool right = false) {
  std::string t = to_cel(e);
  const int p = precedence(e);
  if (p && (p < parent || (right && p == parent))) return "(" + t + ")";
  return t;
}

}  // namespace

std::string to_cel(const Expr& e) {
  if (const auto* k = e.as<Constant>()) {
    return std::visit(
        [](const auto& v) -> std::string {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, NullValue>) return "null";
          else if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
          else if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(v);
          else if constexpr (std::is_same_v<T, std::uint64_t>) return std::to_string(v) + "u";
          else if constexpr (std::is_same_v<T, double>) {
            char buf[32];
            auto r = std::to_chars(buf, buf + sizeof buf, v);
            std::string t(buf, r.ptr);
            if (t.find_first_of(".eEn") == std::string::npos) t += ".0";
            return t;
          } else if constexpr (std::is_same_v<T, std::string>) return quoted(v);
          else if constexpr (std::is_same_v<T, Bytes>) return "b" + quoted(v.data);
          else return format_date(v);
        },
        k->value);
  }
  if (const auto* i = e.as<Ident>()) return (i->leading_dot ? "." : "") + i->name;
  if (const auto* s = e.as<Select>()) {
    std::string t = to_cel_nested(*s->operand) + "." + s->field;
    return s->test_only ? "has(" + t + ")" : t;
  }
  if (const auto* c = e.as<Call>()) {
    if (const char* op = infix(c->function); op && c->args.size() == 2) {
      const int p = precedence(e);
      return to_cel_nested(c->args[0], p) + " " + op + " " + to_cel_nested(c->args[1], p, true);
    }
    if (c->function == "!_" && c->args.size() == 1) return "!" + to_cel_nested(c->args[0]);
    if (c->function == "-_" && c->args.size() == 1) return "-" + to_cel_nested(c->args[0]);
    if (c->function == "_?_:_" && c->args.size() == 3)
      return to_cel_nested(c->args[0], 2) + " ? " + to_cel_nested(c->args[1], 2) + " : " + to_cel_nested(c->args[2], 1);
    if (c->function == "_[_]" && c->args.size() == 2) return to_cel_nested(c->args[0]) + "[" + to_cel(c->args[1]) + "]";
    // (global calls and method calls write their arguments whole)
    std::string t = c->target ? to_cel_nested(*c->target) + "." + c->function + "(" : c->function + "(";
    for (std::size_t i = 0; i < c->args.size(); ++i) t += (i ? ", " : "") + to_cel(c->args[i]);
    return t + ")";
  }
  if (const auto* l = e.as<CreateList>()) {
    std::string t = "[";
    for (std::size_t i = 0; i < l->elements.size(); ++i) t += (i ? ", " : "") + to_cel(l->elements[i]);
    return t + "]";
  }
  if (const auto* m = e.as<CreateMap>()) {
    std::string t = "{";
    for (std::size_t i = 0; i < m->entries.size(); ++i)
      t += (i ? ", " : "") + to_cel(*m->entries[i].key) + ": " + to_cel(*m->entries[i].value);
    return t + "}";
  }
  if (const auto* st = e.as<CreateStruct>()) {
    std::string t = st->type_name + "{";
    for (std::size_t i = 0; i < st->fields.size(); ++i)
      t += (i ? ", " : "") + st->fields[i].field + ": " + to_cel(*st->fields[i].value);
    return t + "}";
  }
  if (const auto* cp = e.as<Comprehension>()) {
    // The macro's own arguments are not kept apart after expansion: name it by its range.
    std::string t = to_cel_nested(*cp->iter_range) + ".";
    t += cp->macro.empty() ? "comprehension" : cp->macro;
    return t + "(" + cp->iter_var + ", ...)";
  }
  return "?";
}

}  // namespace eco::dsl::ast
