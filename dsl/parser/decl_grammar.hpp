#pragma once
// Declarations of the rule-file grammar's top rule (one declaration). Definitions in
// decl_grammar_def.hpp, instantiated in decl_grammar.cpp.
#include "dsl/parser/config.hpp"

namespace eco::dsl::parser::grammar {

struct declaration_class : annotate {};

using declaration_type = boost::spirit::x3::rule<declaration_class, tree::DeclT>;
BOOST_SPIRIT_DECLARE(declaration_type)

}  // namespace eco::dsl::parser::grammar
