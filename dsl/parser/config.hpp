#pragma once
// Shared configuration of the X3 grammar: iterator and context types, the skipper, the
// parse state carried in the context, and the few hand-written primitives (lexers for
// literals and names, keyword, expectation and depth directives). Included only by the
// grammar's own files (*_grammar*): it pulls in Spirit X3. X3's names are written out in full
// (boost::spirit::x3::...) in these headers: a header declares no namespace alias, which would
// enter every file including it (CTest headers.namespaces).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/spirit/home/x3.hpp>

#include "dsl/common/codes.hpp"
#include "dsl/parser/grammar_api.hpp"
#include "dsl/parser/tree.hpp"

namespace eco::dsl::parser {

using iterator_type = const char*;

// A syntax error found while parsing: thrown by the expectation and depth directives, caught
// by the entry functions (grammar_api.hpp). `code` is a P-code from dsl/common/codes.hpp.
struct ParseFailure {
  const char* where;
  const char* code;
  std::string message;
};

struct state_tag;

// Whitespace (incl. form feed and lone CR) and comments: `#` or `//` to the end of the line.
// Records each region it skips in the parse state (see annotate).
struct Skipper : boost::spirit::x3::parser<Skipper> {
  using attribute_type = boost::spirit::x3::unused_type;
  static bool const has_attribute = false;
  ParseState* state = nullptr;

  template <class Context, class RContext, class Attribute>
  bool parse(iterator_type& first, iterator_type const& last, Context const&, RContext&,
             Attribute&) const {
    iterator_type start = first;
    while (first != last) {
      char c = *first;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++first;
      } else if (c == '#' || (c == '/' && first + 1 != last && first[1] == '/')) {
        while (first != last && *first != '\n' && *first != '\r') ++first;
      } else {
        break;
      }
    }
    if (first == start) return false;
    if (state) state->skips[state->skip_next++ % state->skips.size()] = {start, first};
    return true;
  }
};

using skipper_type = Skipper;
using phrase_context_type = boost::spirit::x3::phrase_parse_context<skipper_type>::type;
using context_type = boost::spirit::x3::context<state_tag, ParseState, phrase_context_type>;

template <class Context>
ParseState& state_of(Context const& ctx) {
  return boost::spirit::x3::get<state_tag>(ctx);
}

inline bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The on_success handler of every rule: records the node's byte span. X3 calls it with
// `first` past leading whitespace but `last` possibly past trailing whitespace or comments
// that a failed optional element skipped; the recorded skip regions let us move it back.
struct annotate {
  template <class Ast, class Context>
  void on_success(iterator_type const& first, iterator_type const& last, Ast& ast,
                  Context const& ctx) const {
    if constexpr (std::is_base_of_v<tree::Span, Ast>) {
      auto& st = state_of(ctx);
      iterator_type end = last;
      for (bool moved = true; moved;) {
        moved = false;
        for (auto& [b, e] : st.skips) {
          if (e == end && b != nullptr && b < end && b >= first) {
            end = b;
            moved = true;
          }
        }
      }
      ast.b = static_cast<std::uint32_t>(first - st.base);
      ast.e = static_cast<std::uint32_t>((end < first ? first : end) - st.base);
    }
  }
};

// ---- primitives ----------------------------------------------------------------------------

// A keyword: the exact word followed by a word boundary (`in` must not match `index`).
struct keyword_parser : boost::spirit::x3::parser<keyword_parser> {
  using attribute_type = boost::spirit::x3::unused_type;
  static bool const has_attribute = false;
  const char* word;
  explicit constexpr keyword_parser(const char* w) : word(w) {}

  template <class Context, class RContext, class Attribute>
  bool parse(iterator_type& first, iterator_type const& last, Context const& ctx, RContext&,
             Attribute&) const {
    iterator_type it = first;
    boost::spirit::x3::skip_over(it, last, ctx);
    for (const char* w = word; *w; ++w, ++it) {
      if (it == last || *it != *w) return false;
    }
    if (it != last && is_ident_char(*it)) return false;
    first = it;
    return true;
  }
};
inline keyword_parser kw(const char* w) { return keyword_parser(w); }

// An identifier [A-Za-z_][A-Za-z0-9_]*; `backquoted` also accepts CEL's `quoted field`.
struct identifier_parser : boost::spirit::x3::parser<identifier_parser> {
  using attribute_type = boost::spirit::x3::unused_type;
  static bool const has_attribute = false;
  bool backquoted = false;

  template <class Context, class RContext, class Attribute>
  bool parse(iterator_type& first, iterator_type const& last, Context const& ctx, RContext&,
             Attribute&) const {
    iterator_type it = first;
    boost::spirit::x3::skip_over(it, last, ctx);
    if (it == last) return false;
    if (backquoted && *it == '`') {
      iterator_type q = it + 1;
      while (q != last && *q != '`' && *q != '\n' && *q != '\r') ++q;
      if (q == last || *q != '`' || q == it + 1) return false;
      first = q + 1;
      return true;
    }
    if (!is_ident_start(*it)) return false;
    ++it;
    while (it != last && is_ident_char(*it)) ++it;
    first = it;
    return true;
  }
};

// A bare token [A-Za-z0-9_.-]+ (rule ids, requirement ids, test subject keys). A `.` or `-`
// must be followed by another token character, so `AIR-03,` and `x.` end cleanly.
struct word_parser : boost::spirit::x3::parser<word_parser> {
  using attribute_type = boost::spirit::x3::unused_type;
  static bool const has_attribute = false;

  static bool word_char(char c) { return is_ident_char(c) || c == '.' || c == '-'; }

  template <class Context, class RContext, class Attribute>
  bool parse(iterator_type& first, iterator_type const& last, Context const& ctx, RContext&,
             Attribute&) const {
    iterator_type it = first;
    boost::spirit::x3::skip_over(it, last, ctx);
    iterator_type start = it;
    while (it != last && word_char(*it)) ++it;
    while (it != start && (it[-1] == '.' || it[-1] == '-')) --it;
    if (it == start) return false;
    first = it;
    return true;
  }
};

// Finds the end of a string or bytes literal starting at `it` (prefix letters included);
// returns nullptr if `it` does not start one. Throws ParseFailure (P004) when it starts one
// that is not closed.
inline const char* scan_string(const char* it, const char* last) {
  const char* start = it;
  if (it != last && (*it == 'b' || *it == 'B')) ++it;
  bool raw = false;
  if (it != last && (*it == 'r' || *it == 'R')) {
    raw = true;
    ++it;
  }
  if (it == last || (*it != '"' && *it != '\'')) return nullptr;
  char q = *it;
  bool triple = last - it >= 3 && it[1] == q && it[2] == q;
  it += triple ? 3 : 1;
  while (true) {
    if (it == last) break;
    char c = *it;
    if (!triple && (c == '\n' || c == '\r')) break;
    if (c == '\\' && !raw) {
      it += (last - it >= 2) ? 2 : 1;
      continue;
    }
    if (c == q) {
      if (!triple) return it + 1;
      if (last - it >= 3 && it[1] == q && it[2] == q) return it + 3;
    }
    ++it;
  }
  throw ParseFailure{start, code::kUnterminatedString, "unterminated string literal"};
}

// Finds the end of a number or (when enabled) date literal at `it`, or nullptr.
inline const char* scan_number(const char* it, const char* last, bool date_literals) {
  if (date_literals && last - it >= 10 && is_digit(it[0]) && is_digit(it[1]) &&
      is_digit(it[2]) && is_digit(it[3]) && it[4] == '-' && is_digit(it[5]) &&
      is_digit(it[6]) && it[7] == '-' && is_digit(it[8]) && is_digit(it[9]) &&
      (last - it == 10 || !is_ident_char(it[10]))) {
    return it + 10;
  }
  if (it == last) return nullptr;
  if (*it == '0' && last - it >= 3 && (it[1] == 'x' || it[1] == 'X') && is_hex(it[2])) {
    it += 2;
    while (it != last && is_hex(*it)) ++it;
    if (it != last && (*it == 'u' || *it == 'U')) ++it;
    return it;
  }
  bool frac = false;
  if (*it == '.') {
    if (last - it < 2 || !is_digit(it[1])) return nullptr;
    frac = true;
  } else if (!is_digit(*it)) {
    return nullptr;
  }
  while (it != last && is_digit(*it)) ++it;
  if (!frac && last - it >= 2 && *it == '.' && is_digit(it[1])) frac = true;
  if (frac) {
    ++it;
    while (it != last && is_digit(*it)) ++it;
  }
  bool exp = false;
  if (it != last && (*it == 'e' || *it == 'E')) {
    const char* e = it + 1;
    if (e != last && (*e == '+' || *e == '-')) ++e;
    if (e != last && is_digit(*e)) {
      it = e;
      while (it != last && is_digit(*it)) ++it;
      exp = true;
    }
  }
  if (!frac && !exp && it != last && (*it == 'u' || *it == 'U')) ++it;
  return it;
}

// Any literal: string, bytes, number, date, true, false, null.
struct literal_parser : boost::spirit::x3::parser<literal_parser> {
  using attribute_type = boost::spirit::x3::unused_type;
  static bool const has_attribute = false;

  template <class Context, class RContext, class Attribute>
  bool parse(iterator_type& first, iterator_type const& last, Context const& ctx, RContext&,
             Attribute&) const {
    iterator_type it = first;
    boost::spirit::x3::skip_over(it, last, ctx);
    if (it == last) return false;
    if (const char* e = scan_string(it, last)) {
      first = e;
      return true;
    }
    if (const char* e = scan_number(it, last, state_of(ctx).date_literals)) {
      first = e;
      return true;
    }
    for (const char* w : {"true", "false", "null"}) {
      iterator_type p = it;
      const char* c = w;
      while (*c && p != last && *p == *c) ++p, ++c;
      if (!*c && (p == last || !is_ident_char(*p))) {
        first = p;
        return true;
      }
    }
    return false;
  }
};

// A string literal only (titles, descriptions, paths, messages).
struct string_parser : boost::spirit::x3::parser<string_parser> {
  using attribute_type = boost::spirit::x3::unused_type;
  static bool const has_attribute = false;

  template <class Context, class RContext, class Attribute>
  bool parse(iterator_type& first, iterator_type const& last, Context const& ctx, RContext&,
             Attribute&) const {
    iterator_type it = first;
    boost::spirit::x3::skip_over(it, last, ctx);
    if (it == last || *it == 'b' || *it == 'B') return false;
    if (const char* e = scan_string(it, last)) {
      first = e;
      return true;
    }
    return false;
  }
};

// expect(msg)[p]: p must match here, else a syntax error "expected <msg>" at this token.
template <class Subject>
struct expect_directive : boost::spirit::x3::unary_parser<Subject, expect_directive<Subject>> {
  using base_type = boost::spirit::x3::unary_parser<Subject, expect_directive<Subject>>;
  static bool const is_pass_through_unary = true;
  const char* what_;
  constexpr expect_directive(Subject const& s, const char* w) : base_type(s), what_(w) {}

  template <class Context, class RContext, class Attribute>
  bool parse(iterator_type& first, iterator_type const& last, Context const& ctx,
             RContext& rctx, Attribute& attr) const {
    if (this->subject.parse(first, last, ctx, rctx, attr)) return true;
    iterator_type where = first;
    boost::spirit::x3::skip_over(where, last, ctx);
    throw ParseFailure{where, code::kSyntax, std::string("expected ") + what_};
  }
};
struct expect_gen {
  const char* what_;
  template <class Subject>
  constexpr expect_directive<typename boost::spirit::x3::extension::as_parser<Subject>::value_type> operator[](
      Subject const& s) const {
    return {boost::spirit::x3::as_parser(s), what_};
  }
};
inline constexpr expect_gen expect(const char* what) { return {what}; }

// nested[p]: one level deeper; beyond ParseState::max_depth it is an error (P003), so that
// hostile input cannot exhaust the stack through the grammar's recursion.
template <class Subject>
struct nested_directive : boost::spirit::x3::unary_parser<Subject, nested_directive<Subject>> {
  using base_type = boost::spirit::x3::unary_parser<Subject, nested_directive<Subject>>;
  static bool const is_pass_through_unary = true;
  constexpr explicit nested_directive(Subject const& s) : base_type(s) {}

  template <class Context, class RContext, class Attribute>
  bool parse(iterator_type& first, iterator_type const& last, Context const& ctx,
             RContext& rctx, Attribute& attr) const {
    auto& st = state_of(ctx);
    if (st.depth >= st.max_depth) {
      iterator_type where = first;
      boost::spirit::x3::skip_over(where, last, ctx);
      throw ParseFailure{where, code::kTooDeep,
                         "nesting is deeper than " + std::to_string(st.max_depth) + " levels"};
    }
    ++st.depth;
    bool ok = this->subject.parse(first, last, ctx, rctx, attr);
    --st.depth;
    return ok;
  }
};
struct nested_gen {
  template <class Subject>
  constexpr nested_directive<typename boost::spirit::x3::extension::as_parser<Subject>::value_type> operator[](
      Subject const& s) const {
    return nested_directive<typename boost::spirit::x3::extension::as_parser<Subject>::value_type>(
        boost::spirit::x3::as_parser(s));
  }
};
inline constexpr nested_gen nested{};

}  // namespace eco::dsl::parser
