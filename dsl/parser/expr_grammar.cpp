// Instantiates the expression grammar (the only place its templates are compiled) and
// exposes it as a plain function, so callers need not include Spirit.
#include "dsl/parser/expr_grammar_def.hpp"

namespace eco::dsl::parser {
namespace grammar {
BOOST_SPIRIT_INSTANTIATE(expression_type, iterator_type, context_type)
}  // namespace grammar

bool parse_expression_tree(ParseState& st, const char*& first, const char* last,
                           tree::Ternary& out, SyntaxError& err) {
  Skipper skipper;
  skipper.state = &st;
  st.depth = 0;
  const char* it = first;
  try {
    bool ok = boost::spirit::x3::phrase_parse(it, last, boost::spirit::x3::with<state_tag>(st)[grammar::expression], skipper,
                               out);
    if (ok) first = it;
    return ok;
  } catch (const ParseFailure& f) {
    err = {static_cast<std::uint32_t>(f.where - st.base), f.code, f.message};
    return false;
  }
}

}  // namespace eco::dsl::parser
