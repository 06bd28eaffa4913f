#pragma once
// Definition of the CEL expression grammar (cel-spec's CEL.g4, restated for X3).
//
// Binary operators are parsed flat (`unary (op unary)*`) and given CEL's precedence in the
// lowering pass: one rule instead of five levels keeps the rule recursion per nesting level
// short, which matters for the depth limit and the stack. Every place where the grammar
// recurses into `expression` goes through nested[], which enforces ParseOptions::max_depth.
#include "dsl/parser/expr_grammar.hpp"
#include "dsl/parser/tree_adapt.hpp"

namespace eco::dsl::parser::grammar {

struct literal_class : annotate {};
struct name_class : annotate {};
struct field_name_class : annotate {};
struct unary_op_class : annotate {};
struct binary_op_class : annotate {};
struct args_class : annotate {};
struct ident_or_call_class : annotate {};
struct paren_class : annotate {};
struct list_class : annotate {};
struct map_entry_class : annotate {};
struct map_class : annotate {};
struct primary_class : annotate {};
struct select_class : annotate {};
struct index_class : annotate {};
struct field_init_class : annotate {};
struct struct_class : annotate {};
struct postfix_class : annotate {};
struct member_class : annotate {};
struct unary_class : annotate {};
struct bin_tail_class : annotate {};
struct binary_class : annotate {};
struct cond_tail_class : annotate {};

inline boost::spirit::x3::rule<literal_class, tree::Literal> const literal = "literal";
inline boost::spirit::x3::rule<name_class, tree::Name> const name = "name";
inline boost::spirit::x3::rule<field_name_class, tree::Name> const field_name = "field name";
inline boost::spirit::x3::rule<unary_op_class, tree::OpTok> const unary_op = "unary operator";
inline boost::spirit::x3::rule<binary_op_class, tree::OpTok> const binary_op = "operator";
inline boost::spirit::x3::rule<args_class, tree::Args> const args = "arguments";
inline boost::spirit::x3::rule<ident_or_call_class, tree::IdentOrCall> const ident_or_call = "identifier";
inline boost::spirit::x3::rule<paren_class, tree::Paren> const paren = "parenthesis";
inline boost::spirit::x3::rule<list_class, tree::ListLit> const list = "list";
inline boost::spirit::x3::rule<map_entry_class, tree::MapEntryT> const map_entry = "map entry";
inline boost::spirit::x3::rule<map_class, tree::MapLit> const map = "map";
inline boost::spirit::x3::rule<primary_class, tree::Primary> const primary = "primary";
inline boost::spirit::x3::rule<select_class, tree::SelectOp> const select = "selection";
inline boost::spirit::x3::rule<index_class, tree::IndexOp> const index = "index";
inline boost::spirit::x3::rule<field_init_class, tree::FieldInitT> const field_init = "field initializer";
inline boost::spirit::x3::rule<struct_class, tree::StructOp> const struct_init = "message construction";
inline boost::spirit::x3::rule<postfix_class, tree::Postfix> const postfix = "postfix";
inline boost::spirit::x3::rule<member_class, tree::MemberT> const member = "member";
inline boost::spirit::x3::rule<unary_class, tree::UnaryT> const unary = "unary";
inline boost::spirit::x3::rule<bin_tail_class, tree::BinTail> const bin_tail = "binary operand";
inline boost::spirit::x3::rule<binary_class, tree::BinaryT> const binary = "binary";
inline boost::spirit::x3::rule<cond_tail_class, tree::CondTail> const cond_tail = "conditional";
inline expression_type const expression = "expression";

inline auto const literal_def = literal_parser{};
inline auto const name_def = identifier_parser{};
inline auto const field_name_def = identifier_parser{{}, true};
inline auto const unary_op_def = boost::spirit::x3::omit[boost::spirit::x3::char_("!-")];
// Longer operators first: `<=` before `<`. `in` is a keyword (`index` is a name).
inline auto const binary_op_def = boost::spirit::x3::omit[boost::spirit::x3::lit("||") | "&&" | "==" | "!=" | "<=" | ">=" | '<' |
                                          '>' | '+' | '-' | '*' | '/' | '%' | kw("in")];
inline auto const args_def =
    '(' >> nested[-(expression % ',')] >> expect("')' or ',' in argument list")[')'];
inline auto const ident_or_call_def = boost::spirit::x3::matches['.'] >> name >> -args;
inline auto const paren_def =
    '(' >> nested[expect("expression")[expression]] >> expect("')'")[')'];
inline auto const list_def =
    '[' >> nested[-(expression % ',')] >> -boost::spirit::x3::lit(',') >> expect("']' or ',' in list")[']'];
inline auto const map_entry_def =
    expression >> expect("':' after map key")[':'] >> expect("expression")[expression];
inline auto const map_def =
    '{' >> nested[-(map_entry % ',')] >> -boost::spirit::x3::lit(',') >> expect("'}' or ',' in map")['}'];
inline auto const primary_def = paren | list | map | literal | ident_or_call;
inline auto const select_def = '.' >> expect("field name after '.'")[field_name] >> -args;
inline auto const index_def =
    '[' >> nested[expect("expression")[expression]] >> expect("']'")[']'];
inline auto const field_init_def =
    field_name >> expect("':' after field name")[':'] >> expect("expression")[expression];
inline auto const struct_init_def = '{' >> nested[-(field_init % ',')] >> -boost::spirit::x3::lit(',') >>
                                    expect("'}' or ',' in message construction")['}'];
inline auto const postfix_def = select | index | struct_init;
inline auto const member_def = primary >> *postfix;
inline auto const unary_def = *unary_op >> member;
inline auto const bin_tail_def = binary_op >> expect("expression after operator")[unary];
inline auto const binary_def = unary >> *bin_tail;
inline auto const cond_tail_def = '?' >> expect("expression after '?'")[binary] >>
                                  expect("':' in conditional")[':'] >>
                                  expect("expression after ':'")[nested[expression]];
inline auto const expression_def = binary >> -cond_tail;

BOOST_SPIRIT_DEFINE(literal, name, field_name, unary_op, binary_op, args, ident_or_call, paren,
                    list, map_entry, map, primary, select, index, field_init, struct_init,
                    postfix, member, unary, bin_tail, binary, cond_tail, expression)

}  // namespace eco::dsl::parser::grammar
