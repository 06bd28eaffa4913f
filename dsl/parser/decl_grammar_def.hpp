#pragma once
// Definition of the rule-file grammar (docs/rule-language.md): ruleset, include, enum,
// record, param, rule and test declarations. Expressions come from the expression grammar
// (declared in expr_grammar.hpp, compiled in its own file). Clauses of rules and tests are
// parsed in any order; the lowering pass reports repeats.
#include "dsl/parser/decl_grammar.hpp"
#include "dsl/parser/expr_grammar.hpp"
#include "dsl/parser/tree_adapt.hpp"

namespace eco::dsl::parser::grammar {

struct str_class : annotate {};
struct word_class : annotate {};
struct dname_class : annotate {};
struct kw_class : annotate {};
struct type_class : annotate {};
struct ruleset_class : annotate {};
struct include_class : annotate {};
struct enum_value_name_class : annotate {};
struct enum_value_class : annotate {};
struct enum_class : annotate {};
struct ref_class : annotate {};
struct field_type_class : annotate {};
struct field_class : annotate {};
struct record_class : annotate {};
struct source_class : annotate {};
struct confidence_class : annotate {};
struct value_clause_class : annotate {};
struct plain_value_class : annotate {};
struct dated_entry_class : annotate {};
struct dated_values_class : annotate {};
struct param_body_class : annotate {};
struct param_class : annotate {};
struct text_clause_class : annotate {};
struct requirement_class : annotate {};
struct cite_class : annotate {};
struct severity_class : annotate {};
struct for_class : annotate {};
struct let_class : annotate {};
struct expr_clause_class : annotate {};
struct message_class : annotate {};
struct lang_class : annotate {};
struct rule_clause_class : annotate {};
struct rule_class : annotate {};
struct as_of_class : annotate {};
struct field_value_class : annotate {};
struct given_class : annotate {};
struct subject_class : annotate {};
struct expect_class : annotate {};
struct message_check_class : annotate {};
struct test_clause_class : annotate {};
struct test_class : annotate {};
struct basis_class : annotate {};
struct unknown_when_class : annotate {};
struct field_attr_class : annotate {};
struct cal_day_class : annotate {};
struct cal_year_class : annotate {};
struct cal_clause_class : annotate {};
struct calendar_class : annotate {};
struct reason_class : annotate {};
struct guard_class : annotate {};
struct mig_tok_class : annotate {};
struct mig_step_class : annotate {};
struct migration_class : annotate {};
// Keyword rules need distinct ids (one BOOST_SPIRIT_DEFINE each).
template <int N>
struct kw_id : annotate {};

inline expression_type const expr = "expression";

template <int N>
using kw_rule = boost::spirit::x3::rule<kw_id<N>, tree::Kw>;

inline boost::spirit::x3::rule<str_class, tree::Str> const str = "string";
inline boost::spirit::x3::rule<word_class, tree::Word> const word = "id";
inline boost::spirit::x3::rule<dname_class, tree::Name> const dname = "name";
inline kw_rule<0> const k_ruleset = "ruleset";
inline kw_rule<1> const k_include = "include";
inline kw_rule<2> const k_enum = "enum";
inline kw_rule<3> const k_record = "record";
inline kw_rule<4> const k_param = "param";
inline kw_rule<5> const k_rule = "rule";
inline kw_rule<6> const k_test = "test";
inline kw_rule<7> const k_ref = "ref";
inline kw_rule<8> const k_source = "source";
inline kw_rule<9> const k_confidence = "confidence";
inline kw_rule<10> const k_eq = "'='";
inline kw_rule<11> const k_by_date = "by date";
inline kw_rule<12> const k_text = "en";
inline kw_rule<13> const k_requirement = "requirement";
inline kw_rule<14> const k_cite = "cite";
inline kw_rule<15> const k_severity = "severity";
inline kw_rule<16> const k_for = "for";
inline kw_rule<17> const k_expr = "when/deadline/require/met_on";
inline kw_rule<18> const k_message = "message";
inline kw_rule<19> const k_as_of = "as_of";
inline kw_rule<20> const k_given = "given";
inline kw_rule<21> const k_expect = "expect";
inline kw_rule<22> const k_let = "let";
inline kw_rule<23> const k_basis = "basis";
inline kw_rule<24> const k_unknown_when = "unknown_when";
// Calendars, completeness and validity declarations, field attributes (ids from 40 on).
inline kw_rule<40> const k_calendar = "calendar";
inline kw_rule<41> const k_cal_year = "year";
inline kw_rule<42> const k_cal_list = "holidays/workdays";
inline kw_rule<43> const k_guard = "complete/valid";
inline kw_rule<44> const k_guard_what = "list/fields";
inline kw_rule<45> const k_guard_when = "when";
inline kw_rule<46> const k_reason = "reason";
inline kw_rule<47> const k_field_attr = "verify/origin/role/validate";
// Migrations (ids from 50 on).
inline kw_rule<50> const k_migration = "migration";
inline kw_rule<51> const k_mig_step = "rename/convert/map/split/require";
inline kw_rule<52> const k_mig_punct = "'->', '=' or ','";

inline boost::spirit::x3::rule<type_class, tree::TypeT> const type_ref = "type";
inline boost::spirit::x3::rule<ruleset_class, tree::RulesetT> const ruleset_decl = "ruleset";
inline boost::spirit::x3::rule<include_class, tree::IncludeT> const include_decl = "include";
inline boost::spirit::x3::rule<enum_value_name_class, tree::EnumValueName> const enum_value_name = "enum value";
inline boost::spirit::x3::rule<enum_value_class, tree::EnumValueT> const enum_value = "enum value";
inline boost::spirit::x3::rule<enum_class, tree::EnumT> const enum_decl = "enum";
inline boost::spirit::x3::rule<ref_class, tree::RefT> const ref_spec = "ref";
inline boost::spirit::x3::rule<field_type_class, tree::FieldTypeT> const field_type = "field type";
inline boost::spirit::x3::rule<field_class, tree::FieldT> const field = "field";
inline boost::spirit::x3::rule<record_class, tree::RecordT> const record_decl = "record";
inline boost::spirit::x3::rule<source_class, tree::SourceC> const source_clause = "source";
inline boost::spirit::x3::rule<confidence_class, tree::ConfidenceC> const confidence_clause = "confidence";
inline boost::spirit::x3::rule<value_clause_class, tree::ValueClause> const value_clause = "value clause";
inline boost::spirit::x3::rule<plain_value_class, tree::PlainValue> const plain_value = "value";
inline boost::spirit::x3::rule<dated_entry_class, tree::DatedEntry> const dated_entry = "dated value";
inline boost::spirit::x3::rule<dated_values_class, tree::DatedValues> const dated_values = "dated values";
inline boost::spirit::x3::rule<param_body_class, tree::ParamBody> const param_body = "parameter value";
inline boost::spirit::x3::rule<param_class, tree::ParamT> const param_decl = "param";
inline boost::spirit::x3::rule<text_clause_class, tree::TextC> const text_clause = "text clause";
inline boost::spirit::x3::rule<requirement_class, tree::RequirementC> const requirement_clause = "requirement";
inline boost::spirit::x3::rule<cite_class, tree::CiteC> const cite_clause = "cite";
inline boost::spirit::x3::rule<severity_class, tree::SeverityC> const severity_clause = "severity";
inline boost::spirit::x3::rule<for_class, tree::ForC> const for_clause = "for";
inline boost::spirit::x3::rule<let_class, tree::LetC> const let_clause = "let";
inline boost::spirit::x3::rule<expr_clause_class, tree::ExprC> const expr_clause = "expression clause";
inline boost::spirit::x3::rule<lang_class, tree::Name> const lang = "language";
inline boost::spirit::x3::rule<message_class, tree::MessageC> const message_clause = "message";
inline boost::spirit::x3::rule<rule_clause_class, tree::RuleClause> const rule_clause = "rule clause";
inline boost::spirit::x3::rule<rule_class, tree::RuleT> const rule_decl = "rule";
inline boost::spirit::x3::rule<as_of_class, tree::ExprC> const as_of_clause = "as_of";
inline boost::spirit::x3::rule<field_value_class, tree::FieldValueT> const field_value = "field value";
inline boost::spirit::x3::rule<given_class, tree::GivenC> const given_clause = "given";
inline boost::spirit::x3::rule<subject_class, tree::SubjectKey> const subject = "subject key";
inline boost::spirit::x3::rule<message_check_class, tree::MessageCheckC> const message_check = "message check";
inline boost::spirit::x3::rule<expect_class, tree::ExpectC> const expect_clause = "expect";
inline boost::spirit::x3::rule<test_clause_class, tree::TestClause> const test_clause = "test clause";
inline boost::spirit::x3::rule<test_class, tree::TestT> const test_decl = "test";
inline boost::spirit::x3::rule<basis_class, tree::BasisC> const basis_clause = "basis";
inline boost::spirit::x3::rule<unknown_when_class, tree::UnknownWhenC> const unknown_when_clause = "unknown_when";
inline boost::spirit::x3::rule<field_attr_class, tree::FieldAttrC> const field_attr = "field attribute";
inline boost::spirit::x3::rule<cal_day_class, tree::CalDay> const cal_day = "calendar day";
inline boost::spirit::x3::rule<cal_year_class, tree::CalYear> const cal_year = "year";
inline boost::spirit::x3::rule<cal_clause_class, tree::CalClause> const cal_clause = "calendar clause";
inline boost::spirit::x3::rule<calendar_class, tree::CalendarT> const calendar_decl = "calendar";
inline boost::spirit::x3::rule<reason_class, tree::ReasonC> const reason_clause = "reason";
inline boost::spirit::x3::rule<guard_class, tree::GuardT> const guard_decl = "complete/valid declaration";
inline boost::spirit::x3::rule<mig_tok_class, tree::MigTok> const mig_tok = "migration step token";
inline boost::spirit::x3::rule<mig_step_class, tree::MigStepT> const mig_step = "migration step";
inline boost::spirit::x3::rule<migration_class, tree::MigrationT> const migration_decl = "migration";
inline declaration_type const declaration = "declaration";

inline auto const sep = boost::spirit::x3::lit(',') | ';';

inline auto const str_def = string_parser{};
inline auto const word_def = word_parser{};
inline auto const dname_def = identifier_parser{};
inline auto const k_ruleset_def = boost::spirit::x3::omit[kw("ruleset")];
inline auto const k_include_def = boost::spirit::x3::omit[kw("include")];
inline auto const k_enum_def = boost::spirit::x3::omit[kw("enum")];
inline auto const k_record_def = boost::spirit::x3::omit[kw("record")];
inline auto const k_param_def = boost::spirit::x3::omit[kw("param")];
inline auto const k_rule_def = boost::spirit::x3::omit[kw("rule")];
inline auto const k_test_def = boost::spirit::x3::omit[kw("test")];
inline auto const k_ref_def = boost::spirit::x3::omit[kw("ref")];
inline auto const k_source_def = boost::spirit::x3::omit[kw("source")];
inline auto const k_confidence_def = boost::spirit::x3::omit[kw("confidence")];
inline auto const k_eq_def = boost::spirit::x3::omit[boost::spirit::x3::lit('=')];
inline auto const k_by_date_def = boost::spirit::x3::omit[kw("by") >> expect("'date' after 'by'")[kw("date")]];
inline auto const k_text_def = boost::spirit::x3::omit[kw("en")];
inline auto const k_requirement_def = boost::spirit::x3::omit[kw("requirements") | kw("requirement")];
inline auto const k_cite_def = boost::spirit::x3::omit[kw("cite")];
inline auto const k_severity_def = boost::spirit::x3::omit[kw("severity")];
inline auto const k_for_def = boost::spirit::x3::omit[kw("for")];
inline auto const k_expr_def =
    boost::spirit::x3::omit[kw("when") | kw("deadline") | kw("require") | kw("met_on")];
inline auto const k_message_def = boost::spirit::x3::omit[kw("message")];
inline auto const k_as_of_def = boost::spirit::x3::omit[kw("as_of")];
inline auto const k_given_def = boost::spirit::x3::omit[kw("given")];
inline auto const k_expect_def = boost::spirit::x3::omit[kw("expect")];
inline auto const k_let_def = boost::spirit::x3::omit[kw("let")];
inline auto const k_basis_def = boost::spirit::x3::omit[kw("basis")];
inline auto const k_unknown_when_def = boost::spirit::x3::omit[kw("unknown_when")];
inline auto const k_calendar_def = boost::spirit::x3::omit[kw("calendar")];
inline auto const k_cal_year_def = boost::spirit::x3::omit[kw("year")];
inline auto const k_cal_list_def = boost::spirit::x3::omit[kw("holidays") | kw("workdays")];
inline auto const k_guard_def = boost::spirit::x3::omit[kw("complete") | kw("valid")];
inline auto const k_guard_what_def = boost::spirit::x3::omit[kw("list") | kw("fields")];
inline auto const k_guard_when_def = boost::spirit::x3::omit[kw("when")];
inline auto const k_reason_def = boost::spirit::x3::omit[kw("reason")];
inline auto const k_migration_def = boost::spirit::x3::omit[kw("migration")];
inline auto const k_mig_step_def =
    boost::spirit::x3::omit[kw("rename") | kw("convert") | kw("map") | kw("split") | kw("require")];
inline auto const k_mig_punct_def = boost::spirit::x3::omit[boost::spirit::x3::lit("->") | '=' | ','];
inline auto const k_field_attr_def = boost::spirit::x3::omit[kw("verify") | kw("origin") | kw("role") | kw("validate")];

inline auto const type_ref_def =
    dname >> -('<' >> nested[expect("type")[type_ref % ',']] >> expect("'>' or ','")['>']);
inline auto const ruleset_decl_def =
    k_ruleset >> expect("ruleset id")[word] >> expect("ruleset title string")[str];
inline auto const include_decl_def = k_include >> expect("file path string")[str];
inline auto const enum_value_name_def = str | dname;
inline auto const enum_value_def = enum_value_name >> -str;
inline auto const enum_decl_def = k_enum >> expect("enum name")[dname] >> -str >>
                                  expect("'{'")['{'] >> *(enum_value >> -sep) >>
                                  expect("enum value or '}'")['}'];
inline auto const ref_spec_def =
    k_ref >> expect("referenced record name")[dname] >>
    -(kw("as") >> expect("navigation name after 'as'")[dname]) >>
    -(kw("reverse") >> expect("list name after 'reverse'")[dname]) >> boost::spirit::x3::matches[kw("unchecked")];
inline auto const field_type_def = ref_spec | type_ref;
// No expect[] after the keyword: a following field may be named `verify`, `role` ... (a name
// followed by ':' starts the next field).
inline auto const field_attr_def = k_field_attr >> (str | (dname >> !(-boost::spirit::x3::lit('?') >> ':')));
inline auto const field_def = dname >> boost::spirit::x3::matches['?'] >> expect("':' after field name")[':'] >>
                              expect("field type")[field_type] >>
                              boost::spirit::x3::matches[kw("key") >> !(-boost::spirit::x3::lit('?') >> ':')] >> -str >> *field_attr;
inline auto const record_decl_def = k_record >> expect("record name")[dname] >> -str >> *field_attr >>
                                    expect("'{'")['{'] >> *(field >> -sep) >>
                                    expect("field or '}'")['}'];
inline auto const source_clause_def = k_source >> expect("source text string")[str];
inline auto const confidence_clause_def =
    k_confidence >> expect("confidence level (high, medium, unverified)")[dname];
inline auto const basis_clause_def =
    k_basis >> expect("deadline basis (plan_date, regulation, plan_period_end, grace_period, advice)")[dname];
inline auto const value_clause_def = source_clause | confidence_clause | basis_clause;
inline auto const plain_value_def = k_eq >> expect("expression")[expr] >> *value_clause;
inline auto const dated_entry_def = expr >> expect("':' after date")[':'] >>
                                    expect("expression")[expr] >> *value_clause >> -sep;
inline auto const dated_values_def = k_by_date >> expect("'{'")['{'] >> *dated_entry >>
                                     expect("dated value or '}'")['}'];
inline auto const param_body_def = plain_value | dated_values;
inline auto const param_decl_def =
    k_param >> expect("parameter name")[dname] >> expect("':' after parameter name")[':'] >>
    expect("type")[type_ref] >> expect("'=' or 'by date'")[param_body] >>
    -(kw("description") >> expect("description string")[str]);
inline auto const text_clause_def = k_text >> expect("string")[str];
inline auto const requirement_clause_def =
    k_requirement >> expect("requirement id")[word % ','];
inline auto const cite_clause_def = k_cite >> expect("cited section string")[str] >> -str;
inline auto const severity_clause_def = k_severity >> expect("severity level")[dname];
inline auto const for_clause_def = k_for >> expect("variable name")[dname] >>
                                   expect("'in'")[kw("in")] >> expect("expression")[expr];
inline auto const expr_clause_def = k_expr >> expect("expression")[expr];
inline auto const let_clause_def = k_let >> expect("variable name")[dname] >>
                                   expect("'=' after the variable name")[boost::spirit::x3::lit('=') >> !boost::spirit::x3::lit('=')] >>
                                   expect("expression")[expr];
inline auto const lang_def = boost::spirit::x3::omit[kw("zh") | kw("en")];
inline auto const message_clause_def =
    k_message >> -(!lang >> dname) >> -lang >> expect("message template string")[str];
inline auto const unknown_when_clause_def = k_unknown_when >> expect("condition")[expr] >>
                                            expect("reason string")[str] >> -str;
inline auto const rule_clause_def = text_clause | requirement_clause | cite_clause |
                                    severity_clause | for_clause | let_clause | expr_clause | message_clause |
                                    basis_clause | unknown_when_clause;
inline auto const rule_decl_def = k_rule >> expect("rule id")[word] >>
                                  expect("rule title string")[str] >> expect("'{'")['{'] >>
                                  *rule_clause >> expect("rule clause or '}'")['}'];
inline auto const as_of_clause_def = k_as_of >> expect("date")[expr];
inline auto const field_value_def =
    dname >> expect("':' after field name")[':'] >> expect("expression")[expr];
inline auto const given_clause_def = k_given >> expect("record name")[dname] >>
                                     expect("'{'")['{'] >> *(field_value >> -sep) >>
                                     expect("field or '}'")['}'];
inline auto const subject_def = str | word;
inline auto const message_check_def = k_message >> expect("'contains' or 'lacks'")[dname] >>
                                      expect("text string")[str];
inline auto const expect_clause_def = k_expect >> expect("verdict")[dname] >>
                                      expect("'on'")[kw("on")] >> expect("subject key")[subject] >>
                                      *message_check;
inline auto const test_clause_def = as_of_clause | given_clause | expect_clause;
inline auto const test_decl_def = k_test >> expect("rule id")[word] >>
                                  expect("test name string")[str] >> expect("'{'")['{'] >>
                                  *test_clause >> expect("test clause or '}'")['}'];
inline auto const cal_day_def = &boost::spirit::x3::digit >> word >> -str >> -sep;
inline auto const cal_year_def = k_cal_year >> expect("year")[word];
inline auto const cal_clause_def = cal_year | source_clause | confidence_clause | k_cal_list | cal_day;
inline auto const calendar_decl_def = k_calendar >> expect("calendar name")[dname] >> -str >>
                                      expect("'{'")['{'] >> *cal_clause >>
                                      expect("year, source, confidence, holidays, workdays or '}'")['}'];
inline auto const reason_clause_def = k_reason >> -lang >> expect("reason string")[str];
inline auto const guard_decl_def =
    k_guard >> expect("variable name")[dname] >> expect("'in'")[kw("in")] >> expect("record name")[dname] >>
    expect("'list' or 'fields'")[k_guard_what] >> expect("name")[(!kw("when") >> dname) % ','] >>
    expect("'when'")[k_guard_when] >> expect("expression")[expr] >> *reason_clause;
inline auto const mig_tok_def = str | word | k_mig_punct;
inline auto const mig_step_def = k_mig_step >> *(!k_mig_step >> mig_tok);
inline auto const migration_decl_def = k_migration >> expect("migration id string")[str] >> -str >>
                                       expect("'{'")['{'] >> *mig_step >>
                                       expect("rename, convert, map, split, require or '}'")['}'];
inline auto const declaration_def = ruleset_decl | include_decl | enum_decl | record_decl |
                                    param_decl | rule_decl | test_decl | calendar_decl | guard_decl |
                                    migration_decl;

BOOST_SPIRIT_DEFINE(str, word, dname, k_ruleset, k_include, k_enum, k_record, k_param, k_rule,
                    k_test, k_ref, k_source, k_confidence, k_eq, k_by_date, k_text,
                    k_requirement, k_cite, k_severity, k_for, k_expr, k_message, k_as_of,
                    k_given, k_expect, k_let, k_basis, k_unknown_when)
BOOST_SPIRIT_DEFINE(type_ref, ruleset_decl, include_decl, enum_value_name, enum_value,
                    enum_decl, ref_spec, field_type, field, record_decl, source_clause,
                    confidence_clause, value_clause, plain_value, dated_entry, dated_values,
                    param_body, param_decl, text_clause, requirement_clause, cite_clause,
                    severity_clause, for_clause, let_clause, expr_clause, lang, message_clause, rule_clause,
                    rule_decl, as_of_clause, field_value, given_clause, subject, message_check, expect_clause,
                    test_clause, test_decl, declaration, basis_clause, unknown_when_clause)
BOOST_SPIRIT_DEFINE(k_calendar, k_cal_year, k_cal_list, k_guard, k_guard_what, k_guard_when, k_reason,
                    k_field_attr, field_attr, cal_day, cal_year, cal_clause, calendar_decl,
                    reason_clause, guard_decl)
BOOST_SPIRIT_DEFINE(k_migration, k_mig_step, k_mig_punct, mig_tok, mig_step, migration_decl)

}  // namespace eco::dsl::parser::grammar
