#pragma once
// The X3 parse tree: what the grammar produces, before the single lowering pass (lower.cpp)
// turns it into the AST of dsl/ast. Internal to dsl/parser.
//
// Tokens are not copied: every node derives from Span, the byte offsets of its text, set
// by the rules' on_success handler; lowering reads literal and name text from the source.
// Binary operators are kept flat (`a op b op c ...`): lowering applies CEL's precedence,
// so the grammar has one rule for all of them and no deep rule recursion per operand.
#include <cstdint>
#include <vector>

#include <boost/optional.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>

namespace eco::dsl::parser::tree {

// Byte offsets [b, e) of a node's text in the source.
struct Span {
  std::uint32_t b = 0;
  std::uint32_t e = 0;
};

// ---- expressions -------------------------------------------------------------------------

struct Literal : Span {};   // number, string, bytes, date, true/false/null (text decoded later)
struct Name : Span {};      // identifier (or `quoted` field name)
struct OpTok : Span {};     // an operator token; its text is read from the source

struct Ternary;
using ExprRef = boost::spirit::x3::forward_ast<Ternary>;

// The argument list of a call; `open` marks that parentheses were present.
struct Args : Span {
  std::vector<ExprRef> items;
};

// [.]name  or  [.]name(args)
struct IdentOrCall : Span {
  bool leading_dot = false;
  Name name;
  boost::optional<Args> args;
};

struct Paren : Span {
  ExprRef inner;
};

struct ListLit : Span {
  std::vector<ExprRef> elems;
};

struct MapEntryT : Span {
  ExprRef key;
  ExprRef value;
};
struct MapLit : Span {
  std::vector<MapEntryT> entries;
};

struct Primary : boost::spirit::x3::variant<Literal, IdentOrCall, Paren, ListLit, MapLit> {
  using base_type::base_type;
  using base_type::operator=;
};

// .field  or  .method(args)
struct SelectOp : Span {
  Name field;
  boost::optional<Args> args;
};
// [index]
struct IndexOp : Span {
  ExprRef index;
};
// {field: value, ...} after a (qualified) type name
struct FieldInitT : Span {
  Name field;
  ExprRef value;
};
struct StructOp : Span {
  std::vector<FieldInitT> fields;
};

struct Postfix : boost::spirit::x3::variant<SelectOp, IndexOp, StructOp> {
  using base_type::base_type;
  using base_type::operator=;
};

struct MemberT : Span {
  Primary primary;
  std::vector<Postfix> ops;
};

// ! and - prefixes, outermost first.
struct UnaryT : Span {
  std::vector<OpTok> ops;
  MemberT member;
};

struct BinTail : Span {
  OpTok op;
  UnaryT rhs;
};

// first (op operand)* with all binary operators at one level.
struct BinaryT : Span {
  UnaryT first;
  std::vector<BinTail> rest;
};

struct CondTail : Span {
  BinaryT then;
  ExprRef otherwise;
};

struct Ternary : Span {
  BinaryT cond;
  boost::optional<CondTail> tail;
};

// ---- declarations ------------------------------------------------------------------------

struct Str : Span {};       // a string literal token
struct Word : Span {};      // a bare token: rule id, requirement id, test subject key
struct Kw : Span {};        // a clause keyword (which one is read from the source)

struct TypeT;
struct TypeT : Span {
  Name name;
  std::vector<boost::spirit::x3::forward_ast<TypeT>> args;
};

struct RulesetT : Span {
  Kw kw;
  Word id;
  Str title;
};

struct IncludeT : Span {
  Kw kw;
  Str path;
};

struct EnumValueName : boost::spirit::x3::variant<Name, Str> {
  using base_type::base_type;
  using base_type::operator=;
};
struct EnumValueT : Span {
  EnumValueName value;
  boost::optional<Str> label;
};
struct EnumT : Span {
  Kw kw;
  Name name;
  boost::optional<Str> title;
  std::vector<EnumValueT> values;
};

struct RefT : Span {
  Kw kw;
  Name target;
  boost::optional<Name> nav;
  boost::optional<Name> reverse;
  bool unchecked = false;
};
struct FieldTypeT : boost::spirit::x3::variant<RefT, TypeT> {
  using base_type::base_type;
  using base_type::operator=;
};
// verify "..." / origin "..." / role NAME / validate NAME after a field's description, and
// role NAME after a record's title: a string or a name (the lowering checks which one the
// keyword wants).
struct AttrValue : boost::spirit::x3::variant<Str, Name> {
  using base_type::base_type;
  using base_type::operator=;
};
struct FieldAttrC : Span {
  Kw kw;
  AttrValue value;
};
struct FieldT : Span {
  Name name;
  bool optional = false;
  FieldTypeT type;
  bool key = false;
  boost::optional<Str> description;
  std::vector<FieldAttrC> attrs;
};
struct RecordT : Span {
  Kw kw;
  Name name;
  boost::optional<Str> title;
  std::vector<FieldAttrC> attrs;
  std::vector<FieldT> fields;
};

// source "..."  /  confidence high
struct SourceC : Span {
  Kw kw;
  Str text;
};
struct ConfidenceC : Span {
  Kw kw;
  Name level;
};
// basis plan_date|regulation|plan_period_end|grace_period|advice (a rule's or a value's deadline basis)
struct BasisC : Span {
  Kw kw;
  Name basis;
};
struct ValueClause : boost::spirit::x3::variant<SourceC, ConfidenceC, BasisC> {
  using base_type::base_type;
  using base_type::operator=;
};
struct PlainValue : Span {
  Kw kw;  // '='
  Ternary value;
  std::vector<ValueClause> clauses;
};
struct DatedEntry : Span {
  Ternary date;
  Ternary value;
  std::vector<ValueClause> clauses;
};
struct DatedValues : Span {
  Kw kw;  // by date
  std::vector<DatedEntry> entries;
};
struct ParamBody : boost::spirit::x3::variant<PlainValue, DatedValues> {
  using base_type::base_type;
  using base_type::operator=;
};
struct ParamT : Span {
  Kw kw;
  Name name;
  TypeT type;
  ParamBody body;
  boost::optional<Str> description;
};

// en "..." / description "..."
struct TextC : Span {
  Kw kw;
  Str text;
};
struct RequirementC : Span {
  Kw kw;
  std::vector<Word> ids;
};
struct CiteC : Span {
  Kw kw;
  Str section;
  boost::optional<Str> quote;
};
struct SeverityC : Span {
  Kw kw;
  Name level;
};
struct ForC : Span {
  Kw kw;
  Name var;
  Ternary source;
};
// let NAME = EXPR
struct LetC : Span {
  Kw kw;
  Name var;
  Ternary value;
};
// when / deadline / require / met_on / as_of EXPR
struct ExprC : Span {
  Kw kw;
  Ternary expr;
};
// message [VERDICT] [zh|en] "..."
struct MessageC : Span {
  Kw kw;
  boost::optional<Name> verdict;
  boost::optional<Name> lang;
  Str text;
};
// unknown_when COND "reason zh" ["reason en"]
struct UnknownWhenC : Span {
  Kw kw;
  Ternary cond;
  Str zh;
  boost::optional<Str> en;
};
struct RuleClause
    : boost::spirit::x3::variant<TextC, RequirementC, CiteC, SeverityC, ForC, LetC, ExprC, MessageC, BasisC, UnknownWhenC> {
  using base_type::base_type;
  using base_type::operator=;
};
struct RuleT : Span {
  Kw kw;
  Word id;
  Str title;
  std::vector<RuleClause> clauses;
};

struct FieldValueT : Span {
  Name field;
  Ternary value;
};
struct GivenC : Span {
  Kw kw;
  Name record;
  std::vector<FieldValueT> fields;
};
struct SubjectKey : boost::spirit::x3::variant<Str, Word> {
  using base_type::base_type;
  using base_type::operator=;
};
// `message contains "..."` / `message lacks "..."` after an expectation's subject.
struct MessageCheckC : Span {
  Kw kw;
  Name op;
  Str text;
};
struct ExpectC : Span {
  Kw kw;
  Name verdict;
  SubjectKey subject;
  std::vector<MessageCheckC> checks;
};
struct TestClause : boost::spirit::x3::variant<ExprC, GivenC, ExpectC> {
  using base_type::base_type;
  using base_type::operator=;
};
struct TestT : Span {
  Kw kw;
  Word rule;
  Str name;
  std::vector<TestClause> clauses;
};

// calendar NAME "title" { year 2021 source "..." confidence high holidays A..B "label", ...
//                           workdays D, ... year 2022 ... }: a flat list of clauses, grouped by
// lowering: `year` opens a year, `holidays` / `workdays` (a bare keyword) the list the days
// after it go to. (Flat: no vector inside the clause variant.)
struct CalDay : Span {
  Word day;                      // a date or a range "2021-02-11..2021-02-17", checked later
  boost::optional<Str> label;
};
struct CalYear : Span {
  Kw kw;
  Word year;
};
struct CalClause : boost::spirit::x3::variant<CalYear, SourceC, ConfidenceC, Kw, CalDay> {
  using base_type::base_type;
  using base_type::operator=;
};
struct CalendarT : Span {
  Kw kw;
  Name name;
  boost::optional<Str> title;
  std::vector<CalClause> clauses;
};

// complete e in enterprise list hw_licenses when COND reason "..." reason en "..."
// valid m in emission_monthly fields a, b when COND reason "..."
struct ReasonC : Span {
  Kw kw;
  boost::optional<Name> lang;
  Str text;
};
struct GuardT : Span {
  Kw kw;                         // complete | valid
  Name var;
  Name record;
  Kw what;                       // list | fields
  std::vector<Name> names;
  Kw when;
  Ternary cond;
  std::vector<ReasonC> reasons;
};

// migration "id" ["title"] { STEP TOKEN... STEP TOKEN... }: each step is its keyword (rename,
// convert, map, split, require) and a flat list of tokens (names, strings, `->`, `=`, `,`)
// up to the next step keyword; lowering reads the step's form from the tokens.
struct MigTok : boost::spirit::x3::variant<Str, Word, Kw> {
  using base_type::base_type;
  using base_type::operator=;
};
struct MigStepT : Span {
  Kw kw;
  std::vector<MigTok> toks;
};
struct MigrationT : Span {
  Kw kw;
  Str id;
  boost::optional<Str> title;
  std::vector<MigStepT> steps;
};

struct DeclT : boost::spirit::x3::variant<RulesetT, IncludeT, EnumT, RecordT, ParamT, RuleT, TestT, CalendarT, GuardT,
                                          MigrationT> {
  using base_type::base_type;
  using base_type::operator=;
};

}  // namespace eco::dsl::parser::tree
