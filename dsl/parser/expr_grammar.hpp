#pragma once
// Declarations of the expression grammar's rules (CEL syntax). Definitions live in
// expr_grammar_def.hpp, instantiated once in expr_grammar.cpp; the declaration grammar
// uses `expression` through this header only.
#include "dsl/parser/config.hpp"

namespace eco::dsl::parser::grammar {

// Rule ids: each records its node's span on success (annotate).
struct expression_class : annotate {};

using expression_type = boost::spirit::x3::rule<expression_class, tree::Ternary>;
BOOST_SPIRIT_DECLARE(expression_type)

}  // namespace eco::dsl::parser::grammar
