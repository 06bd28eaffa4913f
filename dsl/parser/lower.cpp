#include "dsl/parser/lower.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>
#include <tuple>

#include "dsl/common/codes.hpp"
#include "dsl/common/utf8.hpp"

namespace eco::dsl::parser {

namespace {

// CEL's reserved words may not name variables or functions (cel-spec, "Syntax").
const std::set<std::string_view, std::less<>>& reserved_words() {
  static const std::set<std::string_view, std::less<>> words = {
      "as",      "break",  "const",   "continue", "else",   "false",   "for", "function",
      "if",      "import", "in",      "let",      "loop",   "package", "namespace",
      "null",    "return", "true",    "var",      "void",   "while"};
  return words;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || is_digit(c);
}
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const char* function_of(std::string_view op) {
  if (op == "||") return "_||_";
  if (op == "&&") return "_&&_";
  if (op == "==") return "_==_";
  if (op == "!=") return "_!=_";
  if (op == "<") return "_<_";
  if (op == "<=") return "_<=_";
  if (op == ">") return "_>_";
  if (op == ">=") return "_>=_";
  if (op == "in") return "@in";
  if (op == "+") return "_+_";
  if (op == "-") return "_-_";
  if (op == "*") return "_*_";
  if (op == "/") return "_/_";
  return "_%_";
}

// CEL precedence, loosest first: || && relations + * (unary binds tighter than all).
int level_of(std::string_view op) {
  if (op == "||") return 0;
  if (op == "&&") return 1;
  if (op == "+" || op == "-") return 3;
  if (op == "*" || op == "/" || op == "%") return 4;
  return 2;
}

}  // namespace

std::uint32_t skip_blank(std::string_view text, std::uint32_t pos) {
  while (pos < text.size()) {
    char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++pos;
    } else if (c == '#' || (c == '/' && pos + 1 < text.size() && text[pos + 1] == '/')) {
      while (pos < text.size() && text[pos] != '\n' && text[pos] != '\r') ++pos;
    } else {
      break;
    }
  }
  return pos;
}

SourceRange token_range(std::uint32_t source, std::string_view text, std::uint32_t pos) {
  auto n = static_cast<std::uint32_t>(text.size());
  if (pos >= n) return {source, n, n};
  std::uint32_t e = pos;
  char c = text[pos];
  if (is_ident_char(c)) {
    while (e < n && (is_ident_char(text[e]) || (is_digit(c) && text[e] == '.'))) ++e;
  } else if (c == '"' || c == '\'') {
    e = pos + 1;
    while (e < n && text[e] != c && text[e] != '\n' && text[e] != '\r') e += text[e] == '\\' ? 2 : 1;
    e = std::min(n, e + 1);
  } else if (std::string_view("=!<>&|").find(c) != std::string_view::npos && pos + 1 < n &&
             (text[pos + 1] == '=' || text[pos + 1] == c)) {
    e = pos + 2;
  } else {
    std::size_t p = pos;
    utf8::decode(text, p);
    e = static_cast<std::uint32_t>(p);
  }
  return {source, pos, e};
}

Lowerer::Lowerer(const SourceManager& sm, std::uint32_t source, Diagnostics& diags,
                 const ParseOptions& options)
    : source_(source), diags_(diags), options_(options),
      text_(sm.file(source).text()) {
  state_.base = text_.data();
  state_.max_depth = options.max_depth;
  state_.date_literals = options.date_literals;
}

void Lowerer::fail(const char* code, SourceRange r, std::string message) {
  diags_.error(code, r, std::move(message));
  throw Abandon{};
}

void Lowerer::syntax_error(const SyntaxError& e) {
  SourceRange r = token_range(source_, text_, e.where);
  if (e.code == code::kUnterminatedString) {
    // The whole rest of the line: that is where the closing quote is missing.
    std::uint32_t end = e.where;
    while (end < text_.size() && text_[end] != '\n' && text_[end] != '\r') ++end;
    r.end = end;
  }
  diags_.error(e.code.empty() ? code::kSyntax : e.code, r, e.message);
}

ast::Expr Lowerer::make(SourceRange r) {
  ast::Expr e;
  e.id = next_id_++;
  e.range = r;
  return e;
}

void Lowerer::check_height(std::uint32_t h, SourceRange where) {
  if (h > options_.max_depth) {
    fail(code::kTooDeep, where,
         "expression nesting is deeper than " + std::to_string(options_.max_depth) + " levels");
  }
}

std::optional<ast::Expr> Lowerer::expression_range(std::uint32_t begin, std::uint32_t end) {
  end = std::min<std::uint32_t>(end, static_cast<std::uint32_t>(text_.size()));
  begin = std::min(begin, end);
  const char* first = text_.data() + begin;
  const char* last = text_.data() + end;
  tree::Ternary t;
  SyntaxError err;
  bool ok = parse_expression_tree(state_, first, last, t, err);
  if (!ok) {
    if (err.code.empty()) {
      std::uint32_t at = skip_blank(std::string_view(text_).substr(0, end), begin);
      SourceRange r = token_range(source_, text_, at);
      r.end = std::min(r.end, end);
      diags_.error(code::kSyntax, r, "expected expression");
    } else {
      syntax_error(err);
    }
    return std::nullopt;
  }
  auto at = static_cast<std::uint32_t>(first - text_.data());
  at = skip_blank(std::string_view(text_).substr(0, end), at);
  if (at < end) {
    SourceRange r = token_range(source_, text_, at);
    r.end = std::min(r.end, end);
    diags_.error(code::kSyntax, r, "unexpected text after the expression");
    return std::nullopt;
  }
  try {
    return ternary(t).e;
  } catch (const Abandon&) {
    return std::nullopt;
  }
}

// ---- expressions ------------------------------------------------------------------------

Lowerer::L Lowerer::ternary(const tree::Ternary& t) {
  L cond = binary(t.cond);
  if (!t.tail) return cond;
  L a = binary(t.tail->then);
  L b = ternary(t.tail->otherwise.get());
  std::vector<L> args;
  args.push_back(std::move(cond));
  args.push_back(std::move(a));
  args.push_back(std::move(b));
  return call(range(t), std::nullopt, "_?_:_", std::move(args), range(t));
}

Lowerer::L Lowerer::binary(const tree::BinaryT& b) {
  if (b.rest.empty()) return unary(b.first);
  // Operands and operators of the flat chain; precedence is applied below, loosest level
  // first, so the recursion depth is the number of levels (5), not the chain length.
  std::vector<L> operands;
  std::vector<std::string_view> ops;
  std::vector<SourceRange> op_ranges;
  operands.push_back(unary(b.first));
  for (const auto& tail : b.rest) {
    ops.push_back(slice(tail.op));
    op_ranges.push_back(range(tail.op));
    operands.push_back(unary(tail.rhs));
  }
  // build(level, lo, hi): operands lo..hi; ops[i] sits between operands i and i+1.
  auto build = [&](auto& self, int level, std::size_t lo, std::size_t hi) -> L {
    if (lo == hi) return std::move(operands[lo]);
    std::vector<std::size_t> cuts;  // indexes of ops at this level
    for (std::size_t i = lo; i < hi; ++i) {
      if (level_of(ops[i]) == level) cuts.push_back(i);
    }
    if (cuts.empty()) return self(self, level + 1, lo, hi);
    std::vector<L> parts;
    std::size_t start = lo;
    for (std::size_t c : cuts) {
      parts.push_back(self(self, level + 1, start, c));
      start = c + 1;
    }
    parts.push_back(self(self, level + 1, start, hi));
    const char* fn = function_of(ops[cuts.front()]);
    if (level <= 1) {
      // CEL balances && and || chains so that long chains stay shallow.
      auto balance = [&](auto& bal, std::size_t a, std::size_t z) -> L {
        if (a == z) return std::move(parts[a]);
        std::size_t mid = (a + z + 1) / 2;
        L left = bal(bal, a, mid - 1);
        L right = bal(bal, mid, z);
        SourceRange r = cover(left.e.range, right.e.range);
        std::vector<L> args;
        args.push_back(std::move(left));
        args.push_back(std::move(right));
        return call(r, std::nullopt, fn, std::move(args), op_ranges[cuts[mid - 1]]);
      };
      return balance(balance, 0, parts.size() - 1);
    }
    L acc = std::move(parts[0]);
    for (std::size_t k = 1; k < parts.size(); ++k) {
      SourceRange r = cover(acc.e.range, parts[k].e.range);
      std::vector<L> args;
      args.push_back(std::move(acc));
      args.push_back(std::move(parts[k]));
      acc = call(r, std::nullopt, function_of(ops[cuts[k - 1]]), std::move(args),
                 op_ranges[cuts[k - 1]]);
    }
    return acc;
  };
  return build(build, 0, 0, operands.size() - 1);
}

Lowerer::L Lowerer::unary(const tree::UnaryT& u) {
  if (u.ops.size() > options_.max_depth) {
    fail(code::kTooDeep, range(u.ops[options_.max_depth]),
         "more than " + std::to_string(options_.max_depth) + " unary operators in a row");
  }
  std::size_t n = u.ops.size();
  // A '-' directly before a number literal is part of the literal (CEL's grammar), which
  // is how -9223372036854775808 can be written.
  bool fold = n > 0 && slice(u.ops[n - 1]) == "-" && u.member.ops.empty() &&
              u.member.primary.get().type() == typeid(tree::Literal) &&
              !text_.empty() && (is_digit(text_[u.member.b]) || text_[u.member.b] == '.');
  if (fold) {
    const std::string_view t = slice(u.member);
    bool is_uint = !t.empty() && (t.back() == 'u' || t.back() == 'U');
    bool is_date = options_.date_literals && t.size() == 10 && t[4] == '-';
    if (is_uint || is_date) fold = false;
  }
  L inner = member(u.member, fold);
  if (fold) {
    inner.e.range.begin = u.ops[n - 1].b;
    --n;
  }
  // Runs of the same operator: an even run cancels out, as in cel-go and cel-cpp.
  std::size_t i = n;
  while (i > 0) {
    std::size_t j = i;
    std::string_view op = slice(u.ops[i - 1]);
    while (j > 0 && slice(u.ops[j - 1]) == op) --j;
    if ((i - j) % 2 == 1) {
      SourceRange r{source_, u.ops[j].b, inner.e.range.end};
      std::vector<L> args;
      args.push_back(std::move(inner));
      inner = call(r, std::nullopt, op == "!" ? "!_" : "-_", std::move(args), range(u.ops[j]));
    }
    i = j;
  }
  return inner;
}

std::vector<Lowerer::L> Lowerer::args(const tree::Args& a) {
  std::vector<L> out;
  out.reserve(a.items.size());
  for (const auto& item : a.items) out.push_back(ternary(item.get()));
  return out;
}

namespace {
// The qualified name an expression spells (`a.b.C`), or "" if it is not one.
std::string qualified_name(const ast::Expr& e) {
  if (const auto* id = e.as<ast::Ident>()) return (id->leading_dot ? "." : "") + id->name;
  if (const auto* s = e.as<ast::Select>()) {
    if (s->test_only) return "";
    std::string base = qualified_name(*s->operand);
    return base.empty() ? "" : base + "." + s->field;
  }
  return "";
}
}  // namespace

Lowerer::L Lowerer::member(const tree::MemberT& m, bool negate_literal) {
  if (m.ops.size() > options_.max_depth) {
    const auto& op = m.ops[options_.max_depth];
    std::uint32_t b = 0;
    boost::apply_visitor([&](const auto& o) { b = o.b; }, op.get());
    fail(code::kTooDeep, {source_, b, b + 1},
         "member chain longer than " + std::to_string(options_.max_depth));
  }
  L acc = primary(m.primary, negate_literal);
  std::uint32_t begin = acc.e.range.begin;
  for (const auto& op : m.ops) {
    const tree::Postfix::variant_type& v = op.get();
    if (const auto* s = boost::get<tree::SelectOp>(&v)) {
      std::string field(slice(s->field));
      if (field.size() >= 2 && field.front() == '`') field = field.substr(1, field.size() - 2);
      SourceRange r{source_, begin, s->e};
      if (s->args) {
        acc = call(r, std::move(acc), field, args(*s->args), range(s->field));
      } else {
        ast::Expr e = make(r);
        std::uint32_t h = acc.h + 1;
        e.kind = ast::Select{std::make_unique<ast::Expr>(std::move(acc.e)), field, false};
        acc = L{std::move(e), h};
      }
    } else if (const auto* ix = boost::get<tree::IndexOp>(&v)) {
      std::vector<L> a;
      a.push_back(std::move(acc));
      a.push_back(ternary(ix->index.get()));
      acc = call({source_, begin, ix->e}, std::nullopt, "_[_]", std::move(a), range(*ix));
    } else if (const auto* st = boost::get<tree::StructOp>(&v)) {
      std::string type = qualified_name(acc.e);
      if (type.empty()) {
        fail(code::kSyntax, range(*st), "'{' after an expression that is not a type name");
      }
      ast::CreateStruct cs;
      cs.type_name = type;
      std::uint32_t h = 1;
      for (const auto& f : st->fields) {
        L v2 = ternary(f.value.get());
        h = std::max(h, v2.h + 1);
        cs.fields.push_back(ast::FieldInit{std::string(slice(f.field)),
                                           std::make_unique<ast::Expr>(std::move(v2.e)),
                                           range(f)});
      }
      ast::Expr e = make({source_, begin, st->e});
      e.kind = std::move(cs);
      acc = L{std::move(e), h};
    }
    check_height(acc.h, acc.e.range);
  }
  return acc;
}

Lowerer::L Lowerer::primary(const tree::Primary& p, bool negate_literal) {
  const tree::Primary::variant_type& v = p.get();
  if (const auto* lit = boost::get<tree::Literal>(&v)) return literal(*lit, negate_literal);
  if (const auto* id = boost::get<tree::IdentOrCall>(&v)) {
    std::string nm(slice(id->name));
    if (reserved_words().count(nm)) {
      fail(code::kReservedWord, range(id->name), "'" + nm + "' is a reserved word");
    }
    if (id->args) {
      return call(range(*id), std::nullopt, (id->leading_dot ? "." : "") + nm, args(*id->args),
                  range(id->name));
    }
    ast::Expr e = make(range(*id));
    e.kind = ast::Ident{nm, id->leading_dot};
    return L{std::move(e), 1};
  }
  if (const auto* par = boost::get<tree::Paren>(&v)) return ternary(par->inner.get());
  if (const auto* list = boost::get<tree::ListLit>(&v)) {
    ast::CreateList cl;
    std::uint32_t h = 1;
    for (const auto& el : list->elems) {
      L x = ternary(el.get());
      h = std::max(h, x.h + 1);
      cl.elements.push_back(std::move(x.e));
    }
    ast::Expr e = make(range(*list));
    e.kind = std::move(cl);
    return L{std::move(e), h};
  }
  const auto& map = boost::get<tree::MapLit>(v);
  ast::CreateMap cm;
  std::uint32_t h = 1;
  for (const auto& en : map.entries) {
    L k = ternary(en.key.get());
    L val = ternary(en.value.get());
    h = std::max({h, k.h + 1, val.h + 1});
    cm.entries.push_back(ast::MapEntry{std::make_unique<ast::Expr>(std::move(k.e)),
                                       std::make_unique<ast::Expr>(std::move(val.e))});
  }
  ast::Expr e = make(range(map));
  e.kind = std::move(cm);
  return L{std::move(e), h};
}

Lowerer::L Lowerer::call(SourceRange r, std::optional<L> target, std::string fn,
                         std::vector<L> a, SourceRange fn_range) {
  std::uint32_t h = target ? target->h + 1 : 1;
  for (const auto& x : a) h = std::max(h, x.h + 1);
  check_height(h, fn_range);

  // Macros (cel-spec "Macros"): has() and the comprehensions, expanded here.
  if (!target && fn == "has" && a.size() == 1) {
    auto* sel = a[0].e.as<ast::Select>();
    if (!sel || sel->test_only) {
      fail(code::kSyntax, a[0].e.range, "has() needs a field selection, e.g. has(x.field)");
    }
    ast::Expr e = make(r);
    e.kind = ast::Select{std::move(sel->operand), sel->field, true};
    return L{std::move(e), h};
  }
  bool two = a.size() == 2 && (fn == "all" || fn == "exists" || fn == "exists_one" ||
                               fn == "filter" || fn == "map");
  bool three = a.size() == 3 && fn == "map";
  if (target && (two || three)) {
    const auto* var = a[0].e.as<ast::Ident>();
    if (!var || var->leading_dot) {
      fail(code::kSyntax, a[0].e.range, fn + "() needs a variable name as its first argument");
    }
    const std::string accu = "__result__";
    auto ident = [&](const std::string& n) {
      ast::Expr e = make(r);
      e.kind = ast::Ident{n, false};
      return e;
    };
    auto cst = [&](auto v) {
      ast::Expr e = make(r);
      e.kind = ast::Constant{v};
      return e;
    };
    auto mk_call = [&](const char* f, std::vector<ast::Expr> args) {
      ast::Expr e = make(r);
      e.kind = ast::Call{nullptr, f, std::move(args)};
      return e;
    };
    auto vec = [](auto... xs) {
      std::vector<ast::Expr> v;
      (v.push_back(std::move(xs)), ...);
      return v;
    };
    auto ptr = [](ast::Expr e) { return std::make_unique<ast::Expr>(std::move(e)); };
    ast::Comprehension c;
    c.iter_var = var->name;
    c.iter_range = ptr(std::move(target->e));
    c.accu_var = accu;
    c.macro = fn;
    if (fn == "all" || fn == "exists") {
      bool all = fn == "all";
      c.accu_init = ptr(cst(all));
      ast::Expr cond = all ? ident(accu) : mk_call("!_", vec(ident(accu)));
      c.loop_condition = ptr(mk_call("@not_strictly_false", vec(std::move(cond))));
      c.loop_step = ptr(mk_call(all ? "_&&_" : "_||_", vec(ident(accu), std::move(a[1].e))));
      c.result = ptr(ident(accu));
    } else if (fn == "exists_one") {
      c.accu_init = ptr(cst(std::int64_t{0}));
      c.loop_condition = ptr(cst(true));
      c.loop_step = ptr(mk_call(
          "_?_:_", vec(std::move(a[1].e),
                       mk_call("_+_", vec(ident(accu), cst(std::int64_t{1}))), ident(accu))));
      c.result = ptr(mk_call("_==_", vec(ident(accu), cst(std::int64_t{1}))));
    } else {
      // map(x, t), map(x, p, t), filter(x, p): append to a list, optionally guarded.
      c.accu_init = ptr([&] {
        ast::Expr e = make(r);
        e.kind = ast::CreateList{};
        return e;
      }());
      c.loop_condition = ptr(cst(true));
      ast::Expr elem = fn == "filter" ? ident(var->name) : std::move(a.back().e);
      ast::Expr one = make(r);
      one.kind = ast::CreateList{vec(std::move(elem))};
      ast::Expr step = mk_call("_+_", vec(ident(accu), std::move(one)));
      if (fn == "filter" || three) {
        step = mk_call("_?_:_", vec(std::move(a[1].e), std::move(step), ident(accu)));
      }
      c.loop_step = ptr(std::move(step));
      c.result = ptr(ident(accu));
    }
    ast::Expr e = make(r);
    e.kind = std::move(c);
    check_height(h + 3, r);
    return L{std::move(e), h + 3};
  }
  ast::Call c;
  if (target) c.target = std::make_unique<ast::Expr>(std::move(target->e));
  c.function = std::move(fn);
  c.args.reserve(a.size());
  for (auto& x : a) c.args.push_back(std::move(x.e));
  ast::Expr e = make(r);
  e.kind = std::move(c);
  return L{std::move(e), h};
}

// ---- literals ------------------------------------------------------------------------------

Lowerer::L Lowerer::literal(const tree::Literal& lit, bool negate) {
  std::string_view t = slice(lit);
  SourceRange r = range(lit);
  ast::Expr e = make(r);
  auto done = [&](auto v) {
    e.kind = ast::Constant{v};
    return L{std::move(e), 1};
  };
  if (t == "true") return done(true);
  if (t == "false") return done(false);
  if (t == "null") return done(ast::NullValue{});
  char c0 = t.empty() ? '\0' : t[0];
  if (!is_digit(c0) && c0 != '.') {
    bool bytes = false;
    std::string s = decode_string(lit, &bytes);
    if (bytes) return done(ast::Bytes{std::move(s)});
    return done(std::move(s));
  }
  if (options_.date_literals && t.size() == 10 && t[4] == '-' && t[7] == '-') {
    auto d = parse_date(t);
    if (!d) fail(code::kBadDate, r, "'" + std::string(t) + "' is not a valid date");
    return done(*d);
  }
  bool hex = t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X');
  bool is_uint = t.back() == 'u' || t.back() == 'U';
  bool is_double = !hex && t.find_first_of(".eE") != std::string_view::npos;
  if (is_double) {
    std::string s = (negate ? "-" : "") + std::string(t);
    // strtod, not from_chars: it tells overflow (inf) from underflow (0), and only
    // overflow is an error. The text is ASCII digits, so the locale cannot interfere.
    double v = std::strtod(s.c_str(), nullptr);
    if (std::isinf(v)) {
      fail(code::kBadNumber, r, "number '" + std::string(t) + "' is out of range for a double");
    }
    return done(v);
  }
  std::string_view digits = t.substr(hex ? 2 : 0, t.size() - (hex ? 2 : 0) - (is_uint ? 1 : 0));
  std::uint64_t v = 0;
  auto res = std::from_chars(digits.data(), digits.data() + digits.size(), v, hex ? 16 : 10);
  if (res.ec != std::errc{} || res.ptr != digits.data() + digits.size()) {
    fail(code::kBadNumber, r, "number '" + std::string(t) + "' is out of range");
  }
  if (is_uint) return done(v);
  constexpr std::uint64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (negate) {
    if (v > kMax + 1) fail(code::kBadNumber, r, "number '-" + std::string(t) + "' is out of range for int");
    return done(v == kMax + 1 ? std::numeric_limits<std::int64_t>::min()
                              : -static_cast<std::int64_t>(v));
  }
  if (v > kMax) fail(code::kBadNumber, r, "number '" + std::string(t) + "' is out of range for int");
  return done(static_cast<std::int64_t>(v));
}

std::string Lowerer::decode_string(const tree::Span& s, bool* is_bytes) {
  std::uint32_t p = s.b;
  bool bytes = false, raw = false;
  if (p < s.e && (text_[p] == 'b' || text_[p] == 'B')) bytes = true, ++p;
  if (p < s.e && (text_[p] == 'r' || text_[p] == 'R')) raw = true, ++p;
  char q = text_[p];
  bool triple = s.e - p >= 6 && text_[p + 1] == q && text_[p + 2] == q;
  std::uint32_t open = triple ? 3 : 1;
  if (is_bytes) *is_bytes = bytes;
  std::string out;
  decode_segment(p + open, s.e - open, raw, bytes, out);
  return out;
}

void Lowerer::decode_segment(std::uint32_t from, std::uint32_t to, bool raw, bool bytes,
                             std::string& out) {
  std::uint32_t p = from;
  while (p < to) {
    if (text_[p] == '\\' && !raw) {
      p = decode_escape(p, to, bytes, out);
    } else {
      out.push_back(text_[p++]);
    }
  }
}

std::uint32_t Lowerer::decode_escape(std::uint32_t p, std::uint32_t end, bool bytes,
                                     std::string& out) {
  // p at the backslash.
  auto bad = [&](std::uint32_t len, const std::string& why) {
    fail(code::kBadEscape, {source_, p, std::min(end, p + len)}, why);
  };
  if (p + 1 >= end) bad(1, "backslash at the end of a string");
  char c = text_[p + 1];
  switch (c) {
    case '\\': out += '\\'; return p + 2;
    case '?': out += '?'; return p + 2;
    case '"': out += '"'; return p + 2;
    case '\'': out += '\''; return p + 2;
    case '`': out += '`'; return p + 2;
    case 'a': out += '\a'; return p + 2;
    case 'b': out += '\b'; return p + 2;
    case 'f': out += '\f'; return p + 2;
    case 'n': out += '\n'; return p + 2;
    case 'r': out += '\r'; return p + 2;
    case 't': out += '\t'; return p + 2;
    case 'v': out += '\v'; return p + 2;
    default: break;
  }
  auto hex_run = [&](std::uint32_t at, int n) -> std::uint32_t {
    std::uint32_t v = 0;
    for (int i = 0; i < n; ++i) {
      if (at + i >= end || hex_value(text_[at + i]) < 0) {
        bad(2 + n, std::string("expected ") + std::to_string(n) + " hex digits after '\\" + c + "'");
      }
      v = v * 16 + hex_value(text_[at + i]);
    }
    return v;
  };
  if (c == 'x' || c == 'X') {
    std::uint32_t v = hex_run(p + 2, 2);
    if (bytes) out.push_back(static_cast<char>(v));
    else utf8::append(out, v);
    return p + 4;
  }
  if (c == 'u' || c == 'U') {
    int n = c == 'u' ? 4 : 8;
    std::uint32_t v = hex_run(p + 2, n);
    if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) {
      bad(2 + n, "escape names no Unicode character");
    }
    utf8::append(out, v);
    return p + 2 + n;
  }
  if (c >= '0' && c <= '3') {
    std::uint32_t v = 0;
    for (int i = 1; i <= 3; ++i) {
      if (p + i >= end || text_[p + i] < '0' || text_[p + i] > '7') {
        bad(4, "octal escapes need three digits (\\000 to \\377)");
      }
      v = v * 8 + (text_[p + i] - '0');
    }
    if (bytes) out.push_back(static_cast<char>(v));
    else utf8::append(out, v);
    return p + 4;
  }
  std::size_t q = p + 1;
  utf8::decode(text_, q);
  bad(static_cast<std::uint32_t>(q - p), "invalid escape sequence");
  return end;
}

// ---- declarations -----------------------------------------------------------------------

void Lowerer::repeated(const char* what, SourceRange r) {
  diags_.error(code::kRepeatedClause, r, std::string("'") + what + "' is given more than once");
}

ast::TypeRef Lowerer::type(const tree::TypeT& t) {
  ast::TypeRef out;
  out.name = name(t.name);
  out.range = range(t);
  for (const auto& a : t.args) out.args.push_back(type(a.get()));
  return out;
}

ast::MessageTemplate Lowerer::message(const tree::MessageC& m) {
  ast::MessageTemplate out;
  out.range = range(m);
  if (m.verdict) out.verdict = name(*m.verdict);
  if (m.lang) {
    out.lang = name(*m.lang);
  } else {
    out.lang = {"zh", {source_, m.kw.b, m.kw.e}};
  }
  template_parts(m.text, out);
  return out;
}

void Lowerer::template_parts(const tree::Str& text, ast::MessageTemplate& out) {
  out.text = text_of(text);
  // Split the literal as written, so that each hole is parsed at its own bytes and its
  // diagnostics point inside the string.
  std::uint32_t p = text.b;
  bool raw = false;
  if (text_[p] == 'r' || text_[p] == 'R') raw = true, ++p;
  char q = text_[p];
  bool triple = text.e - p >= 6 && text_[p + 1] == q && text_[p + 2] == q;
  std::uint32_t open = triple ? 3 : 1;
  std::uint32_t b = p + open, e = text.e - open;
  std::string lit;
  auto flush = [&] {
    if (!lit.empty()) out.parts.push_back({std::move(lit)});
    lit.clear();
  };
  while (b < e) {
    char c = text_[b];
    if (c == '\\' && !raw) {
      b = decode_escape(b, e, false, lit);
    } else if (c == '{' && b + 1 < e && text_[b + 1] == '{') {
      lit += '{';
      b += 2;
    } else if (c == '}' && b + 1 < e && text_[b + 1] == '}') {
      lit += '}';
      b += 2;
    } else if (c == '}') {
      fail(code::kBadTemplate, {source_, b, b + 1},
           "unmatched '}' in message template (write '}}' for a literal brace)");
    } else if (c == '{') {
      // Find the matching '}', skipping nested braces and quoted strings inside the hole.
      std::uint32_t k = b + 1;
      int depth = 0;
      while (k < e) {
        char d = text_[k];
        if (d == '\'' || d == '"') {
          std::uint32_t z = k + 1;
          while (z < e && text_[z] != d) z += text_[z] == '\\' ? 2 : 1;
          k = std::min(e, z + 1);
          continue;
        }
        if (d == '{') ++depth;
        if (d == '}') {
          if (depth == 0) break;
          --depth;
        }
        ++k;
      }
      if (k >= e) {
        fail(code::kBadTemplate, {source_, b, e},
             "'{' in message template is not closed (write '{{' for a literal brace)");
      }
      if (skip_blank(std::string_view(text_).substr(0, k), b + 1) >= k) {
        fail(code::kBadTemplate, {source_, b, k + 1}, "empty {} in message template");
      }
      flush();
      Diagnostics inner;
      std::swap(inner, diags_);  // collect the hole's diagnostics, then re-code them
      std::optional<ast::Expr> x;
      try {
        x = expression_range(b + 1, k);
      } catch (...) {
        std::swap(inner, diags_);
        throw;
      }
      std::swap(inner, diags_);
      if (!x) {
        for (const auto& d : inner.items()) {
          diags_.error(code::kBadTemplate, d.range, "in message template: " + d.message);
        }
        throw Abandon{};
      }
      out.parts.push_back({std::move(*x)});
      b = k + 1;
    } else {
      lit += c;
      ++b;
    }
  }
  flush();
}

void Lowerer::declaration(const tree::DeclT& d, ast::File& file) {
  const tree::DeclT::variant_type& v = d.get();
  if (const auto* h = boost::get<tree::RulesetT>(&v)) {
    if (file.header) repeated("ruleset", range(*h));
    else file.header = ast::RulesetHeader{name(h->id), text_of(h->title), range(*h)};
    return;
  }
  if (const auto* inc = boost::get<tree::IncludeT>(&v)) {
    file.includes.push_back(ast::Include{text_of(inc->path), range(*inc)});
    return;
  }
  if (const auto* en = boost::get<tree::EnumT>(&v)) {
    ast::EnumDecl out;
    out.name = name(en->name);
    if (en->title) out.title = text_of(*en->title);
    for (const auto& ev : en->values) {
      ast::EnumValueDecl val;
      const tree::EnumValueName::variant_type& n = ev.value.get();
      if (const auto* s = boost::get<tree::Str>(&n)) val.value = {decode_string(*s), range(*s)};
      else val.value = name(boost::get<tree::Name>(n));
      if (ev.label) val.label = text_of(*ev.label);
      val.range = range(ev);
      out.values.push_back(std::move(val));
    }
    out.range = range(*en);
    file.decls.push_back(std::move(out));
    return;
  }
  if (const auto* rec = boost::get<tree::RecordT>(&v)) {
    ast::RecordDecl out;
    out.name = name(rec->name);
    if (rec->title) out.title = text_of(*rec->title);
    // A record takes `role NAME` only; the other attributes are a field's.
    for (const auto& a : rec->attrs) {
      const std::string kw(slice(a.kw));
      const auto* word = boost::get<tree::Name>(&a.value.get());
      if (kw != "role")
        diags_.error(code::kSyntax, range(a), "'" + kw + "' is an attribute of a field; a record takes `role NAME`");
      else if (!word)
        diags_.error(code::kSyntax, range(a), "expected a name after 'role', not a string");
      else
        out.roles.push_back(name(*word));
    }
    for (const auto& f : rec->fields) {
      ast::FieldDecl fd;
      fd.name = name(f.name);
      fd.optional = f.optional;
      const tree::FieldTypeT::variant_type& ft = f.type.get();
      if (const auto* ref = boost::get<tree::RefT>(&ft)) {
        ast::RefSpec rs;
        rs.target = name(ref->target);
        if (ref->nav) rs.nav = name(*ref->nav);
        if (ref->reverse) rs.reverse = name(*ref->reverse);
        rs.unchecked = ref->unchecked;
        rs.range = range(*ref);
        fd.ref = std::move(rs);
      } else {
        fd.type = type(boost::get<tree::TypeT>(ft));
      }
      fd.key = f.key;
      if (f.description) fd.description = text_of(*f.description);
      for (const auto& a : f.attrs) {
        const std::string kw(slice(a.kw));
        const tree::AttrValue::variant_type& av = a.value.get();
        const auto* text = boost::get<tree::Str>(&av);
        const auto* word = boost::get<tree::Name>(&av);
        if (kw == "verify" || kw == "origin") {
          if (!text) {
            diags_.error(code::kSyntax, range(*word), "expected a string after '" + kw + "'");
            continue;
          }
          auto& slot = kw == "verify" ? fd.verify : fd.origin;
          if (slot) repeated(kw == "verify" ? "verify" : "origin", range(a));
          else slot = text_of(*text);
        } else if (!word) {
          diags_.error(code::kSyntax, range(*text), "expected a name after '" + kw + "', not a string");
        } else if (kw == "role") {
          fd.roles.push_back(name(*word));
        } else if (fd.validator) {
          repeated("validate", range(a));
        } else {
          fd.validator = name(*word);
        }
      }
      fd.range = range(f);
      out.fields.push_back(std::move(fd));
    }
    out.range = range(*rec);
    file.decls.push_back(std::move(out));
    return;
  }
  if (const auto* par = boost::get<tree::ParamT>(&v)) {
    ast::ParamDecl out;
    out.name = name(par->name);
    out.type = type(par->type);
    auto clauses = [&](const std::vector<tree::ValueClause>& cs, ast::ParamValue& pv) {
      for (const auto& c : cs) {
        const tree::ValueClause::variant_type& cv = c.get();
        if (const auto* s = boost::get<tree::SourceC>(&cv)) {
          if (pv.source) repeated("source", range(*s));
          else pv.source = text_of(s->text);
        } else if (const auto* cf = boost::get<tree::ConfidenceC>(&cv)) {
          if (pv.confidence) repeated("confidence", range(*cf));
          else pv.confidence = name(cf->level);
        } else {
          const auto& bc = boost::get<tree::BasisC>(cv);
          if (pv.basis) repeated("basis", range(bc));
          else pv.basis = name(bc.basis);
        }
      }
    };
    const tree::ParamBody::variant_type& body = par->body.get();
    if (const auto* pl = boost::get<tree::PlainValue>(&body)) {
      ast::ParamValue pv{std::nullopt, expr(pl->value), {}, {}, {}, range(*pl)};
      clauses(pl->clauses, pv);
      out.values.push_back(std::move(pv));
    } else {
      out.dated = true;
      for (const auto& de : boost::get<tree::DatedValues>(body).entries) {
        ast::ParamValue pv{expr(de.date), expr(de.value), {}, {}, {}, range(de)};
        clauses(de.clauses, pv);
        out.values.push_back(std::move(pv));
      }
    }
    if (par->description) out.description = text_of(*par->description);
    out.range = range(*par);
    file.decls.push_back(std::move(out));
    return;
  }
  if (const auto* rule = boost::get<tree::RuleT>(&v)) {
    ast::RuleDecl out;
    out.id = name(rule->id);
    out.title = text_of(rule->title);
    for (const auto& c : rule->clauses) {
      const tree::RuleClause::variant_type& cv = c.get();
      if (const auto* t = boost::get<tree::TextC>(&cv)) {
        if (out.title_en) repeated("en", range(*t));
        else out.title_en = text_of(t->text);
      } else if (const auto* rq = boost::get<tree::RequirementC>(&cv)) {
        for (const auto& w : rq->ids) out.requirements.push_back(name(w));
      } else if (const auto* ci = boost::get<tree::CiteC>(&cv)) {
        ast::Citation cit;
        cit.section = text_of(ci->section);
        if (ci->quote) cit.quote = text_of(*ci->quote);
        else cit.quote = {"", {source_, ci->section.e, ci->section.e}};
        cit.range = range(*ci);
        out.citations.push_back(std::move(cit));
      } else if (const auto* sv = boost::get<tree::SeverityC>(&cv)) {
        if (out.severity) repeated("severity", range(*sv));
        else out.severity = name(sv->level);
      } else if (const auto* fc = boost::get<tree::ForC>(&cv)) {
        out.bindings.push_back(ast::Binding{name(fc->var), expr(fc->source), range(*fc)});
      } else if (const auto* lc = boost::get<tree::LetC>(&cv)) {
        out.lets.push_back(ast::Let{name(lc->var), expr(lc->value), range(*lc)});
      } else if (const auto* ec = boost::get<tree::ExprC>(&cv)) {
        std::string_view kw = slice(ec->kw);
        auto& slot = kw == "when"       ? out.when
                     : kw == "deadline" ? out.deadline
                     : kw == "met_on"   ? out.met_on
                                        : out.require;
        if (slot) repeated(std::string(kw).c_str(), range(*ec));
        else slot = expr(ec->expr);
      } else if (const auto* bc = boost::get<tree::BasisC>(&cv)) {
        if (out.basis) repeated("basis", range(*bc));
        else out.basis = name(bc->basis);
      } else if (const auto* uw = boost::get<tree::UnknownWhenC>(&cv)) {
        ast::UnknownWhen u;
        u.cond = expr(uw->cond);
        u.range = range(*uw);
        u.zh.lang = {"zh", range(uw->zh)};
        u.zh.range = range(uw->zh);
        template_parts(uw->zh, u.zh);
        if (uw->en) {
          ast::MessageTemplate en;
          en.lang = {"en", range(*uw->en)};
          en.range = range(*uw->en);
          template_parts(*uw->en, en);
          u.en = std::move(en);
        }
        out.unknown_when.push_back(std::move(u));
      } else {
        out.messages.push_back(message(boost::get<tree::MessageC>(cv)));
      }
    }
    out.range = range(*rule);
    file.decls.push_back(std::move(out));
    return;
  }
  if (const auto* cal = boost::get<tree::CalendarT>(&v)) {
    ast::CalendarDecl out;
    out.name = name(cal->name);
    if (cal->title) out.title = text_of(*cal->title);
    std::vector<ast::CalendarDay>* days = nullptr;  // the list `holidays` / `workdays` opened
    for (const auto& c : cal->clauses) {
      const tree::CalClause::variant_type& cv = c.get();
      if (const auto* y = boost::get<tree::CalYear>(&cv)) {
        out.years.push_back(ast::CalendarYear{name(y->year), {}, {}, {}, {}, range(*y)});
        days = nullptr;
        continue;
      }
      if (out.years.empty()) fail(code::kSyntax, range(*cal), "a calendar's clauses follow a `year NNNN`");
      ast::CalendarYear& y = out.years.back();
      if (const auto* s = boost::get<tree::SourceC>(&cv)) {
        if (y.source) repeated("source", range(*s));
        else y.source = text_of(s->text);
        days = nullptr;
      } else if (const auto* cf = boost::get<tree::ConfidenceC>(&cv)) {
        if (y.confidence) repeated("confidence", range(*cf));
        else y.confidence = name(cf->level);
        days = nullptr;
      } else if (const auto* k = boost::get<tree::Kw>(&cv)) {
        days = slice(*k) == "holidays" ? &y.holidays : &y.workdays;
      } else {
        const auto& d = boost::get<tree::CalDay>(cv);
        if (!days) fail(code::kSyntax, range(d), "a day follows `holidays` or `workdays`");
        ast::CalendarDay day{name(d.day), std::nullopt, range(d)};
        if (d.label) day.label = text_of(*d.label);
        days->push_back(std::move(day));
      }
    }
    out.range = range(*cal);
    file.decls.push_back(std::move(out));
    return;
  }
  if (const auto* g = boost::get<tree::GuardT>(&v)) {
    ast::GuardDecl out;
    out.kind = name(g->kw);
    out.var = name(g->var);
    out.record = name(g->record);
    for (const auto& n : g->names) out.names.push_back(name(n));
    out.when = expr(g->cond);
    for (const auto& r : g->reasons) {
      const bool en = r.lang && slice(*r.lang) == "en";
      auto& slot = en ? out.reason_en : out.reason_zh;
      if (slot) repeated(en ? "reason en" : "reason", range(r));
      else slot = text_of(r.text);
    }
    out.range = range(*g);
    file.decls.push_back(std::move(out));
    return;
  }
  if (const auto* m = boost::get<tree::MigrationT>(&v)) {
    file.decls.push_back(migration(*m));
    return;
  }
  const auto& test = boost::get<tree::TestT>(v);
  ast::TestDecl out;
  out.rule = name(test.rule);
  out.name = text_of(test.name);
  for (const auto& c : test.clauses) {
    const tree::TestClause::variant_type& cv = c.get();
    if (const auto* a = boost::get<tree::ExprC>(&cv)) {
      if (out.as_of) repeated("as_of", range(*a));
      else out.as_of = expr(a->expr);
    } else if (const auto* g = boost::get<tree::GivenC>(&cv)) {
      ast::GivenRecord gr;
      gr.record = name(g->record);
      for (const auto& f : g->fields) {
        gr.fields.push_back(ast::FieldValue{name(f.field), expr(f.value), range(f)});
      }
      gr.range = range(*g);
      out.given.push_back(std::move(gr));
    } else {
      const auto& ex = boost::get<tree::ExpectC>(cv);
      ast::Expectation e;
      e.verdict = name(ex.verdict);
      const tree::SubjectKey::variant_type& sk = ex.subject.get();
      if (const auto* s = boost::get<tree::Str>(&sk)) e.subject = {decode_string(*s), range(*s)};
      else e.subject = name(boost::get<tree::Word>(sk));
      for (const auto& mc : ex.checks)
        e.message_checks.push_back(ast::MessageCheck{name(mc.op), text_of(mc.text), range(mc)});
      e.range = range(ex);
      out.expectations.push_back(std::move(e));
    }
  }
  out.range = range(test);
  file.decls.push_back(std::move(out));
}

ast::MigrationDecl Lowerer::migration(const tree::MigrationT& m) {
  ast::MigrationDecl out;
  out.id = text_of(m.id);
  if (m.title) out.title = text_of(*m.title);
  for (const auto& st : m.steps) out.steps.push_back(migration_step(st));
  out.range = range(m);
  return out;
}

// A step's form is read from its flat token list (the grammar keeps one small rule for all
// steps): each form is a fixed sequence, so every token has one meaning and the first token
// out of place is the error.
ast::MigrationStepDecl Lowerer::migration_step(const tree::MigStepT& st) {
  struct Tok {
    enum { word, str, punct } kind;
    ast::Name name;  // a string's decoded value
  };
  std::vector<Tok> toks;
  for (const auto& t : st.toks) {
    const tree::MigTok::variant_type& tv = t.get();
    if (const auto* s = boost::get<tree::Str>(&tv)) toks.push_back({Tok::str, {decode_string(*s), range(*s)}});
    else if (const auto* w = boost::get<tree::Word>(&tv)) toks.push_back({Tok::word, name(*w)});
    else toks.push_back({Tok::punct, name(boost::get<tree::Kw>(tv))});
  }
  ast::MigrationStepDecl out;
  out.verb = name(st.kw);
  out.range = range(st);
  const std::string verb = out.verb.text;
  std::size_t i = 0;
  auto where = [&]() -> SourceRange {
    if (i < toks.size()) return toks[i].name.range;
    return {source_, st.e, st.e};
  };
  auto want = [&](const char* what) {
    fail(code::kSyntax, where(), "expected " + std::string(what) + " in a `" + verb + "` step");
  };
  auto word = [&](const char* what) -> ast::Name {
    if (i >= toks.size() || toks[i].kind != Tok::word) want(what);
    return toks[i++].name;
  };
  auto value = [&](const char* what) -> ast::Name {  // a bare token or a string
    if (i >= toks.size() || toks[i].kind == Tok::punct) want(what);
    return toks[i++].name;
  };
  auto keyword = [&](const char* kw) {
    if (i >= toks.size() || toks[i].kind != Tok::word || toks[i].name.text != kw) want((std::string("'") + kw + "'").c_str());
    ++i;
  };
  auto punct = [&](const char* p) -> bool {
    if (i < toks.size() && toks[i].kind == Tok::punct && toks[i].name.text == p) return ++i, true;
    return false;
  };
  auto arrow = [&] {
    if (!punct("->")) want("'->'");
  };
  // record.field: one dot between two names.
  auto field_path = [&](bool with_field, const char* what) {
    ast::Name p = word(what);
    const auto dot = p.text.find('.');
    if (with_field != (dot != std::string::npos) || (dot != std::string::npos && p.text.find('.', dot + 1) != std::string::npos) ||
        dot == 0 || dot + 1 == p.text.size())
      fail(code::kSyntax, p.range, with_field ? "expected record.field in a `" + verb + "` step"
                                              : "expected a name without '.' in a `" + verb + "` step");
    if (!with_field) return std::pair{p, ast::Name{}};
    ast::Name rec{p.text.substr(0, dot), {p.range.source, p.range.begin, static_cast<std::uint32_t>(p.range.begin + dot)}};
    ast::Name fld{p.text.substr(dot + 1), {p.range.source, static_cast<std::uint32_t>(p.range.begin + dot + 1), p.range.end}};
    return std::pair{rec, fld};
  };
  if (verb == "rename") {
    if (i < toks.size() && toks[i].kind == Tok::word && toks[i].name.text == "record") {
      ++i;
      out.record_rename = true;
      out.from = field_path(false, "record name").first;
      arrow();
      out.record = field_path(false, "record name").first;
    } else {
      if (i >= toks.size() || toks[i].kind != Tok::word || toks[i].name.text != "field") want("'record' or 'field'");
      ++i;
      auto [rec, fld] = field_path(true, "record.field");
      out.record = rec;
      out.from = fld;
      arrow();
      out.field = field_path(false, "field name").first;
    }
  } else if (verb == "convert") {
    std::tie(out.record, out.field) = field_path(true, "record.field");
    keyword("from");
    out.from = field_path(false, "type name").first;
  } else if (verb == "require") {
    std::tie(out.record, out.field) = field_path(true, "record.field");
    keyword("default");
    out.to = value("default value");
  } else if (verb == "map") {
    out.enum_name = field_path(false, "enum name").first;
    do out.values.push_back(value("old enum value")); while (punct(","));
    arrow();
    out.to = value("new enum value");
  } else {  // split
    std::tie(out.record, out.field) = field_path(true, "record.field");
    out.from = value("old enum value");
    arrow();
    do {
      ast::MigrationChoiceDecl c;
      c.value = value("new enum value");
      c.range = c.value.range;
      if (i < toks.size() && toks[i].kind == Tok::word && toks[i].name.text == "when") {
        ++i;
        c.when_field = field_path(false, "field name after 'when'").first;
        if (!punct("=")) want("'='");
        c.when_value = value("value after '='");
        c.range.end = c.when_value->range.end;
      }
      out.choices.push_back(std::move(c));
    } while (punct(","));
  }
  if (i < toks.size()) fail(code::kSyntax, where(), "unexpected '" + toks[i].name.text + "' in a `" + verb + "` step");
  return out;
}

}  // namespace eco::dsl::parser
