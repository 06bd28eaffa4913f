#pragma once
// The rule-file parser's public face. It never throws on bad input and never includes
// Spirit: the grammar lives in this folder's *_grammar files, compiled on their own.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "dsl/ast/decl.hpp"
#include "dsl/common/diagnostic.hpp"

namespace eco::dsl {

struct ParseOptions {
  // Accept `2022-10-31` as a date literal (rule files). Off for plain CEL (conformance),
  // where that text is integer subtraction.
  bool date_literals = true;
  // Deepest nesting of parentheses, brackets, braces, unary operators and member chains
  // accepted before reporting P003, so that hostile input cannot overflow the stack.
  std::size_t max_depth = 200;
};

// Parses a whole rule file. Diagnostics go to `diags`; on a syntax error the parser skips
// to the next declaration keyword and goes on, so one run reports several errors. The
// returned File holds every declaration that parsed. Invalid UTF-8 is reported (P002) at
// its position and nothing is parsed.
ast::File parse_file(const SourceManager& sm, std::uint32_t source, Diagnostics& diags,
                     const ParseOptions& options = {});

// Parses one CEL expression spanning the bytes [begin, end) of a source (the whole text
// by default). Returns nullopt, with diagnostics, when it does not parse.
std::optional<ast::Expr> parse_expression(const SourceManager& sm, std::uint32_t source,
                                          Diagnostics& diags, const ParseOptions& options = {},
                                          std::uint32_t begin = 0,
                                          std::uint32_t end = UINT32_MAX);

}  // namespace eco::dsl
