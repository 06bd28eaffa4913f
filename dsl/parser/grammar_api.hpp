#pragma once
// The grammar's entry points, callable without including Spirit: parse one expression or
// one declaration into the parse tree (tree.hpp). Implemented in the *_grammar.cpp files.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "dsl/parser/tree.hpp"

namespace eco::dsl::parser {

// Mutable state of one parse, reachable from every parser through the X3 context.
struct ParseState {
  const char* base = nullptr;       // start of the source text: spans are offsets from here
  std::size_t depth = 0;            // current bracket / conditional nesting
  std::size_t max_depth = 200;
  bool date_literals = true;
  // The last few regions the skipper jumped over, so that a rule's end can be moved back
  // before whitespace and comments that a failed optional element skipped (see annotate).
  std::array<std::pair<const char*, const char*>, 4> skips{};
  unsigned skip_next = 0;
};

// A syntax error: where (byte offset), P-code and message ("expected ':' after field name").
struct SyntaxError {
  std::uint32_t where = 0;
  std::string code;
  std::string message;
};

// Parses one CEL expression starting at `first` (leading whitespace and comments skipped).
// On success `first` is just past it. On failure returns false and fills `err` (when the
// text does not even start an expression, err.code is empty and `first` is unchanged).
bool parse_expression_tree(ParseState& st, const char*& first, const char* last,
                           tree::Ternary& out, SyntaxError& err);

// Parses one top-level declaration (ruleset, include, enum, record, param, rule, test)
// starting at `first`; same conventions as parse_expression_tree.
bool parse_declaration_tree(ParseState& st, const char*& first, const char* last,
                            tree::DeclT& out, SyntaxError& err);

}  // namespace eco::dsl::parser
