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
