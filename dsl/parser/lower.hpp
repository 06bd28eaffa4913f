#pragma once
// The single lowering pass: X3 parse tree (tree.hpp) -> AST (dsl/ast). Decodes literals,
// applies CEL's operator precedence to the flat operator chains, expands macros, splits
// message templates, and reports what the grammar cannot see (P003 depth of chains, P005
// escapes, P006 numbers, P007 dates, P008 reserved words, P009 templates). Internal.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dsl/ast/decl.hpp"
#include "dsl/common/diagnostic.hpp"
#include "dsl/parser/grammar_api.hpp"
#include "dsl/parser/parse.hpp"
#include "dsl/parser/tree.hpp"

namespace eco::dsl::parser {

// Thrown after a diagnostic has been recorded, to abandon the current declaration.
struct Abandon {};

// Skips whitespace and comments like the grammar's skipper; returns the new offset.
std::uint32_t skip_blank(std::string_view text, std::uint32_t pos);
// The extent of the token starting at `pos` (for "expected ..." diagnostics).
SourceRange token_range(std::uint32_t source, std::string_view text, std::uint32_t pos);

class Lowerer {
 public:
  Lowerer(const SourceManager& sm, std::uint32_t source, Diagnostics& diags,
          const ParseOptions& options);

  // Parses and lowers the expression in bytes [begin, end); nullopt after a diagnostic.
  std::optional<ast::Expr> expression_range(std::uint32_t begin, std::uint32_t end);

  // Lowers one declaration into `file`. Throws Abandon after its first error.
  void declaration(const tree::DeclT& d, ast::File& file);

  // Records a syntax error from the grammar (range = the offending token).
  void syntax_error(const SyntaxError& e);

  const std::string& text() const { return text_; }
  ParseState& state() { return state_; }

 private:
  struct L {
    ast::Expr e;
    std::uint32_t h = 1;  // height of the tree, for the depth limit
  };

  [[noreturn]] void fail(const char* code, SourceRange r, std::string message);
  SourceRange range(const tree::Span& s) const { return {source_, s.b, s.e}; }
  std::string_view slice(const tree::Span& s) const {
    return std::string_view(text_).substr(s.b, s.e - s.b);
  }
  ast::Expr make(SourceRange r);
  void check_height(std::uint32_t h, SourceRange where);

  L ternary(const tree::Ternary& t);
  L binary(const tree::BinaryT& b);
  L unary(const tree::UnaryT& u);
  L member(const tree::MemberT& m, bool negate_literal);
  L primary(const tree::Primary& p, bool negate_literal);
  L literal(const tree::Literal& lit, bool negate);
  L call(SourceRange r, std::optional<L> target, std::string fn, std::vector<L> args,
         SourceRange fn_range);
  std::vector<L> args(const tree::Args& a);

  std::string decode_string(const tree::Span& s, bool* is_bytes = nullptr);
  void decode_segment(std::uint32_t from, std::uint32_t to, bool raw, bool bytes,
                      std::string& out);
  std::uint32_t decode_escape(std::uint32_t p, std::uint32_t end, bool bytes, std::string& out);

  ast::Name name(const tree::Span& s) const {
    return {std::string(slice(s)), range(s)};
  }
  ast::Text text_of(const tree::Str& s) { return {decode_string(s), range(s)}; }
  ast::Expr expr(const tree::Ternary& t) { return ternary(t).e; }
  ast::TypeRef type(const tree::TypeT& t);
  ast::MessageTemplate message(const tree::MessageC& m);
  // The literal text and {holes} of a template string (a message or an unknown_when reason).
  void template_parts(const tree::Str& text, ast::MessageTemplate& out);
  void repeated(const char* what, SourceRange r);
  ast::MigrationDecl migration(const tree::MigrationT& m);
  ast::MigrationStepDecl migration_step(const tree::MigStepT& st);

  std::uint32_t source_;
  Diagnostics& diags_;
  ParseOptions options_;
  const std::string& text_;
  ParseState state_;
  ast::ExprId next_id_ = 1;
};

}  // namespace eco::dsl::parser
