// Instantiates the rule-file grammar and exposes it as a plain function (grammar_api.hpp).
#include "dsl/parser/decl_grammar_def.hpp"

namespace eco::dsl::parser {
namespace grammar {
BOOST_SPIRIT_INSTANTIATE(declaration_type, iterator_type, context_type)
}  // namespace grammar

bool parse_declaration_tree(ParseState& st, const char*& first, const char* last,
                            tree::DeclT& out, SyntaxError& err) {
  Skipper skipper;
  skipper.state = &st;
  st.depth = 0;
  const char* it = first;
  try {
    bool ok = boost::spirit::x3::phrase_parse(it, last, boost::spirit::x3::with<state_tag>(st)[grammar::declaration],
                               skipper, out);
    if (ok) first = it;
    return ok;
  } catch (const ParseFailure& f) {
    err = {static_cast<std::uint32_t>(f.where - st.base), f.code, f.message};
    return false;
  }
}

}  // namespace eco::dsl::parser
