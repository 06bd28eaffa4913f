// The parser's public API: UTF-8 validation, the declaration loop with error recovery, and
// the single-expression entry point. The grammar itself is in the *_grammar files.
#include "dsl/parser/parse.hpp"

#include <string_view>

#include "dsl/common/codes.hpp"
#include "dsl/common/utf8.hpp"
#include "dsl/parser/lower.hpp"

namespace eco::dsl {

namespace {

bool starts_keyword(std::string_view text, std::size_t pos) {
  static constexpr std::string_view kKeywords[] = {"ruleset", "include", "enum",     "record", "param",
                                                   "rule",    "test",    "calendar", "complete", "valid",
                                                   "migration"};
  for (std::string_view k : kKeywords) {
    if (text.substr(pos, k.size()) == k) {
      std::size_t e = pos + k.size();
      if (e == text.size()) return true;
      char c = text[e];
      bool ident = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_';
      // `test: string` inside a record is a field, not a declaration.
      if (!ident && c != ':' && c != '?') return true;
    }
  }
  return false;
}

// Where to resume after a broken declaration that started at `from`: the next line that
// starts (in column 1) with a declaration keyword.
std::uint32_t recovery_point(std::string_view text, std::uint32_t from) {
  std::size_t p = from;
  while (true) {
    std::size_t nl = text.find_first_of("\r\n", p);
    if (nl == std::string_view::npos) return static_cast<std::uint32_t>(text.size());
    p = nl + 1;
    if (text[nl] == '\r' && p < text.size() && text[p] == '\n') ++p;
    if (p < text.size() && starts_keyword(text, p)) return static_cast<std::uint32_t>(p);
  }
}

bool unterminated_triple_quote(std::string_view text, std::uint32_t at) {
  while (at < text.size() && text[at] != '"' && text[at] != '\'') ++at;  // prefix b/r
  return text.size() - at >= 3 && text[at + 1] == text[at] && text[at + 2] == text[at];
}

bool report_invalid_utf8(std::uint32_t source, std::string_view text, std::uint32_t offset,
                         Diagnostics& diags) {
  auto bad = utf8::find_invalid(text);
  if (!bad) return false;
  auto at = static_cast<std::uint32_t>(offset + *bad);
  diags.error(code::kInvalidUtf8, {source, at, at + 1}, "invalid UTF-8 byte sequence");
  return true;
}

}  // namespace

ast::File parse_file(const SourceManager& sm, std::uint32_t source, Diagnostics& diags,
                     const ParseOptions& options) {
  ast::File file;
  file.source = source;
  const std::string& text = sm.file(source).text();
  if (report_invalid_utf8(source, text, 0, diags)) return file;

  parser::Lowerer lower(sm, source, diags, options);
  auto end = static_cast<std::uint32_t>(text.size());
  std::uint32_t pos = parser::skip_blank(text, 0);
  while (pos < end) {
    const char* first = text.data() + pos;
    parser::tree::DeclT tree;
    parser::SyntaxError err;
    bool ok = parser::parse_declaration_tree(lower.state(), first, text.data() + end, tree, err);
    if (ok) {
      try {
        lower.declaration(tree, file);
      } catch (const parser::Abandon&) {
        // Reported; the declaration is dropped, the next one is parsed normally.
      }
      pos = parser::skip_blank(text, static_cast<std::uint32_t>(first - text.data()));
      continue;
    }
    if (err.code.empty()) {
      err.where = pos;
      err.message = "expected a declaration (ruleset, include, enum, record, param, rule, test)";
    }
    lower.syntax_error(err);
    if (err.code == code::kUnterminatedString && unterminated_triple_quote(text, err.where)) {
      // Everything after an unclosed """ is inside the string: resuming at a later line
      // would only rescan it (quadratic on hostile input) and report noise.
      break;
    }
    pos = parser::skip_blank(text, recovery_point(text, pos));
  }
  return file;
}

std::optional<ast::Expr> parse_expression(const SourceManager& sm, std::uint32_t source,
                                          Diagnostics& diags, const ParseOptions& options,
                                          std::uint32_t begin, std::uint32_t end) {
  const std::string& text = sm.file(source).text();
  end = std::min<std::uint32_t>(end, static_cast<std::uint32_t>(text.size()));
  begin = std::min(begin, end);
  if (report_invalid_utf8(source, std::string_view(text).substr(begin, end - begin), begin,
                          diags)) {
    return std::nullopt;
  }
  parser::Lowerer lower(sm, source, diags, options);
  return lower.expression_range(begin, end);
}

}  // namespace eco::dsl
