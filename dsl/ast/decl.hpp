#pragma once
// Declaration AST of a rule file: what the author wrote, with a source range everywhere,
// before any name is resolved. The checker (dsl/check) turns a set of these files into the
// checked ruleset model (dsl/model). Free of Boost types: only the parser sees Spirit.
//
// The surface syntax is documented in docs/rule-language.md.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "dsl/ast/expr.hpp"

namespace eco::dsl::ast {

// A name as written (identifier, rule id, requirement id, enum value) and where.
struct Name {
  std::string text;
  SourceRange range{};
};

// A string literal's decoded value and where it was written.
struct Text {
  std::string value;
  SourceRange range{};
};

// A type as written: `int`, `county`, `list<string>`, `map<string, int>`.
struct TypeRef {
  Name name;
  std::vector<TypeRef> args;
  SourceRange range{};
};

// ruleset jinzhong "晋中市“十四五”生态环境保护规划"
struct RulesetHeader {
  Name id;
  Text title;
  SourceRange range{};
};

// include "schema.rules"   (path relative to the including file)
struct Include {
  Text path;
  SourceRange range{};
};

// enum industry "行业" { coking "焦化", steel "钢铁" }   or   enum county { "榆次区", ... }
struct EnumValueDecl {
  Name value;                  // identifier or string literal's value
  std::optional<Text> label;   // Chinese label
  SourceRange range{};
};
struct EnumDecl {
  Name name;
  std::optional<Text> title;
  std::vector<EnumValueDecl> values;
  SourceRange range{};
};

// enterprise_id: ref enterprise as enterprise reverse facilities "所属企业"
struct RefSpec {
  Name target;                   // referenced record type
  std::optional<Name> nav;       // navigation name on this record (`f.enterprise`)
  std::optional<Name> reverse;   // list on the target (`e.facilities`)
  bool unchecked = false;        // `unchecked`: the key need not name a stored record
  SourceRange range{};
};

// name[?]: type [key] "description"      or     name[?]: ref target ... "description"
struct FieldDecl {
  Name name;
  bool optional = false;
  std::optional<TypeRef> type;   // absent for a reference (its type is the target's key type)
  std::optional<RefSpec> ref;
  bool key = false;
  std::optional<Text> description;
  std::optional<Text> verify;    // `verify "..."`: what to verify on site when the value is absent
  std::optional<Text> origin;    // `origin "..."`: where the field comes from ("EcoAudit 增补 (AIR-07)")
  std::vector<Name> roles;       // `role NAME`: what the field means to the engine (a waiver's `from`, ...)
  std::optional<Name> validator; // `validate NAME`: the import check of its values (uscc, hw_category)
  SourceRange range{};
};

// record facility "生产/产污设施" { ...fields... }
struct RecordDecl {
  Name name;
  std::optional<Text> title;
  std::vector<Name> roles;       // `role owner | screened | waiver` after the title
  std::vector<FieldDecl> fields;
  SourceRange range{};
};

// One value of a parameter: a constant, or (dated) the value in force from a date on.
struct ParamValue {
  std::optional<Expr> effective_from;  // dated parameters only
  Expr value;
  std::optional<Text> source;
  std::optional<Name> confidence;      // high | medium | unverified
  std::optional<Name> basis;           // plan_date | regulation | plan_period_end | grace_period | advice
  SourceRange range{};
};

// param coking_ule_deadline: date = 2022-10-31 source "规划 三(三)1" confidence high
// param truck_min_standard: int by date { 2021-01-01: 5 source "..." ... }
struct ParamDecl {
  Name name;
  TypeRef type;
  bool dated = false;
  std::vector<ParamValue> values;      // exactly one unless dated
  std::optional<Text> description;
  SourceRange range{};
};

// A message template: literal text with {expr} holes. `{{` and `}}` stand for braces.
struct TemplatePart {
  std::variant<std::string, Expr> part;
};
struct MessageTemplate {
  std::optional<Name> verdict;         // `message late "..."`: the wording of that verdict
  Name lang;                           // zh | en
  Text text;                           // the literal as written
  std::vector<TemplatePart> parts;     // parsed holes
  SourceRange range{};
};

// for f in facility          /     for v in e.vehicles
struct Binding {
  Name var;
  Expr source;
  SourceRange range{};
};

// let total = e.manifests.map(m, m.tonnes).sum()
struct Let {
  Name var;
  Expr value;
  SourceRange range{};
};

// unknown_when COND "reason zh" ["reason en"]: where COND holds the verdict is unknown,
// with the reason (a template, like a message) as the finding's words.
struct UnknownWhen {
  Expr cond;
  MessageTemplate zh;
  std::optional<MessageTemplate> en;
  SourceRange range{};
};

struct Citation {
  Text section;   // e.g. 三(三)1
  Text quote;     // the plan's own words
  SourceRange range{};
};

struct RuleDecl {
  Name id;
  Text title;                          // Chinese title
  std::optional<Text> title_en;        // `en "..."`
  std::vector<Name> requirements;      // catalogue ids, e.g. AIR-03
  std::vector<Citation> citations;
  std::optional<Name> severity;        // critical high medium low advice
  std::optional<Name> basis;           // the deadline's legal basis (see ParamValue::basis)
  std::vector<Binding> bindings;
  std::vector<Let> lets;               // named values over the bindings, in order
  std::optional<Expr> when;            // applicability
  std::optional<Expr> deadline;        // a date or a date parameter
  std::optional<Expr> require;         // the requirement itself
  std::optional<Expr> met_on;          // the day the requirement was met (late vs pass)
  std::vector<UnknownWhen> unknown_when;  // in order: the first that holds decides
  std::vector<MessageTemplate> messages;
  SourceRange range{};
};

// given facility { id: "CO-1", kind: "coke_oven", ule_completed_on: 2022-11-15 }
struct FieldValue {
  Name field;
  Expr value;
  SourceRange range{};
};
struct GivenRecord {
  Name record;
  std::vector<FieldValue> fields;
  SourceRange range{};
};

// message contains "逾期" / message lacks "逾期未执行" (after an expectation's subject)
struct MessageCheck {
  Name op;        // contains, lacks (checked by dsl/check)
  Text text;
  SourceRange range{};
};

// expect violation on CO-1 [message contains "..."] [message lacks "..."] ...
struct Expectation {
  Name verdict;   // violation late unknown upcoming pass not_applicable waived
  Name subject;   // key of the subject record (bare token or string literal)
  std::vector<MessageCheck> message_checks;
  SourceRange range{};
};

// test AIR-03 "finished two weeks late" { as_of ...  given ...  expect ... }
struct TestDecl {
  Name rule;
  Text name;
  std::optional<Expr> as_of;
  std::vector<GivenRecord> given;
  std::vector<Expectation> expectations;
  SourceRange range{};
};

// calendar cn_workdays "中国法定节假日" { year 2021 source "..." confidence high
//   holidays 2021-01-01..2021-01-03 "元旦", ...  workdays 2021-02-07, ... }
struct CalendarDay {
  Name text;                           // "2021-02-07" or "2021-02-11..2021-02-17", as written
  std::optional<Text> label;
  SourceRange range{};
};
struct CalendarYear {
  Name year;                           // as written
  std::optional<Text> source;
  std::optional<Name> confidence;
  std::vector<CalendarDay> holidays;   // days off (whole published ranges)
  std::vector<CalendarDay> workdays;   // adjusted working days (weekend days worked)
  SourceRange range{};
};
struct CalendarDecl {
  Name name;
  std::optional<Text> title;
  std::vector<CalendarYear> years;
  SourceRange range{};
};

// complete e in enterprise list hw_licenses when COND reason "..." reason en "..."
// valid m in emission_monthly fields avg_mg_m3, max_hourly_mg_m3 when COND reason "..."
struct GuardDecl {
  Name kind;                           // complete | valid
  Name var;
  Name record;
  std::vector<Name> names;             // reverse lists (complete) or fields (valid)
  Expr when;
  std::optional<Text> reason_zh, reason_en;
  SourceRange range{};
};

// migration "2027-v2" "第二版" {
//   rename record plant -> facility          rename field facility.cap -> capacity_t
//   convert facility.capacity_t from string   map industry steel_a, steel_b -> steel
//   split facility.kind coking -> coke_large when scale = "large", coke_other
//   require facility.county default "榆次区" }
// Lowered from the step's tokens (dsl/parser/lower.cpp); the checker resolves the names.
struct MigrationChoiceDecl {
  Name value;
  std::optional<Name> when_field;
  std::optional<Name> when_value;      // a string's decoded value or a bare token
  SourceRange range{};
};
struct MigrationStepDecl {
  Name verb;                           // rename | convert | map | split | require
  bool record_rename = false;          // rename record (else rename field)
  Name record, field;                  // field steps: record.field; rename record: the new name in `record`
  Name from;                           // rename: old name; convert: old type; split: old value
  Name enum_name;                      // map
  std::vector<Name> values;            // map: old values
  Name to;                             // map: new value; require: the default
  std::vector<MigrationChoiceDecl> choices;  // split
  SourceRange range{};
};
struct MigrationDecl {
  Text id;
  std::optional<Text> title;
  std::vector<MigrationStepDecl> steps;
  SourceRange range{};
};

using Decl = std::variant<EnumDecl, RecordDecl, ParamDecl, RuleDecl, TestDecl, CalendarDecl, GuardDecl, MigrationDecl>;

// One parsed rule file.
struct File {
  std::uint32_t source = 0;            // SourceId in the SourceManager
  std::optional<RulesetHeader> header;
  std::vector<Include> includes;
  std::vector<Decl> decls;
};

// Multi-line dump of a file's declarations for parser tests (expressions via ast::dump).
std::string dump(const File& f);

}  // namespace eco::dsl::ast
