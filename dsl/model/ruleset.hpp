#pragma once
// The checked ruleset: what `ecoaudit check` proves sound and every later stage consumes
// without re-checking. Expressions stay ASTs; the checker's results (each node's type, what
// each name and selection refers to) live in side tables keyed by node id, after cel-cpp's
// CheckedExpr, so the evaluator compiles them without looking anything up by name.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dsl/ast/expr.hpp"
#include "dsl/model/schema.hpp"

namespace eco::dsl::model {

enum class Severity : std::uint8_t { advice, low, medium, high, critical };
enum class Confidence : std::uint8_t { high, medium, unverified };
// `advice`: the requirement of an advice-severity rule is false. The plan encourages it and
// does not require it, so it is reported as a recommendation, never as a violation.
// `error`: the evaluation of the rule for this subject exceeded an evaluation limit (a string,
// list or message too large, too many comprehension steps: docs/rule-language.md "Limits");
// Finding::error names the limit. Nothing is decided; `--fail-on` fails on it.
enum class Verdict : std::uint8_t { violation, late, unknown, upcoming, pass, not_applicable, waived, advice, error };
inline constexpr std::size_t kVerdictCount = 9;
// The legal basis of a rule's deadline (docs/rule-language.md, "Deadline basis"): a date the
// plan states, a date or duty from a named regulation, the plan period's end (a "complete X"
// without a date), a grace period the law grants (repair within N days), or none: the plan
// only encourages (advice).
enum class Basis : std::uint8_t { plan_date, regulation, plan_period_end, grace_period, advice };
inline constexpr std::size_t kBasisCount = 5;

std::string_view to_string(Basis);
std::optional<Basis> parse_basis(std::string_view);
std::string_view to_string(Severity);
std::string_view to_string(Confidence);
std::string_view to_string(Verdict);
std::optional<Severity> parse_severity(std::string_view);
std::optional<Confidence> parse_confidence(std::string_view);
std::optional<Verdict> parse_verdict(std::string_view);

// The name under which rule expressions read the evaluation date (`--as-of`, a test's
// `as_of`), of type date. The evaluator binds it; a parameter of that name shadows it.
inline constexpr std::string_view kEvaluationDateName = "as_of";

// What a name or a selection in a checked expression refers to.
struct Ref {
  enum class Kind : std::uint8_t {
    variable,     // a variable, index = its slot in the evaluation frame: slots 0..n-1 are
                  // the rule's n `for` bindings, slots n.. the comprehension variables by
                  // nesting (iteration variable, then accumulator, per comprehension level)
    param,        // a parameter (index into Ruleset::params)
    field,        // record field (record, field)
    nav,          // reference navigation f.enterprise (record, field holding the key)
    reverse,      // reverse list e.vehicles (record = parent, index = reverse list index)
    function,     // a function call: `name` is the overload id when exactly one overload
                  // matches (e.g. "add_int64", "less_date"), else the function name (dyn args)
  } kind;
  std::uint32_t record = 0;
  std::uint32_t index = 0;
  std::string name;
};

struct CheckedExpr {
  ast::Expr expr;
  std::unordered_map<ast::ExprId, Type> types;
  std::unordered_map<ast::ExprId, Ref> refs;
  // Optional fields this expression may read without a guard (record, field): an evaluation
  // that finds one missing yields `unknown` naming it.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> optional_reads;
};

struct ParamEntry {
  std::optional<Date> from;     // dated parameters: in force from this day
  CheckedExpr value;            // a constant expression of the parameter's type
  std::string source;
  Confidence confidence = Confidence::high;
  std::optional<Basis> basis;   // `basis ...` on the value: the legal basis of this date
  SourceRange range{};
};

struct Param {
  std::string name;
  Type type;
  bool dated = false;
  std::vector<ParamEntry> entries;  // dated: ascending by `from`
  std::string description;
  SourceRange range{};
};

struct Binding {
  std::string var;
  std::uint32_t record = 0;                // record type bound
  std::optional<CheckedExpr> source;       // null: all records of the type; else a list of them
  SourceRange range{};
};

struct MessagePart {
  std::string text;                        // literal text, or empty when `expr` is set
  std::optional<CheckedExpr> expr;
};
// The most holes a message or reason template may have (D013 beyond; the evaluator's limit).
inline constexpr std::size_t kMaxTemplateHoles = 256;

struct Message {
  std::string lang;                        // "zh" | "en"
  std::optional<Verdict> verdict;          // `message late ...`: only for findings of that verdict
  std::vector<MessagePart> parts;
};

// unknown_when COND "reason zh" ["reason en"]: checked after `when` holds, before the deadline
// and the requirement; where COND is true the verdict is unknown and the reason is the
// finding's message.
struct UnknownWhen {
  CheckedExpr cond;
  Message zh;
  std::optional<Message> en;
  SourceRange range{};
};

struct Citation {
  std::string section;
  std::string quote;
};

// `let NAME = EXPR` in a rule: a value over the bindings and the earlier lets.
struct RuleLet {
  std::string name;
  CheckedExpr value;
  SourceRange range{};
};

struct Rule {
  std::string id;
  std::string title_zh;
  std::string title_en;
  std::vector<std::string> requirements;
  std::vector<Citation> citations;
  Severity severity = Severity::medium;
  std::optional<Basis> basis;              // declared with `basis`; else see declared_basis()
  std::vector<Binding> bindings;           // the last one is the subject
  std::vector<RuleLet> lets;               // evaluated per subject, before `when`
  std::optional<CheckedExpr> when;
  std::optional<CheckedExpr> deadline;     // of type date
  CheckedExpr require;
  std::optional<CheckedExpr> met_on;      // of type date: when the requirement was met
  std::vector<UnknownWhen> unknown_when;   // in declaration order
  std::vector<Message> messages;           // default (no verdict) and per-verdict wordings
  std::vector<std::uint32_t> params_used;  // indices into Ruleset::params
  SourceRange range{};
};

struct GivenRecord {
  std::uint32_t record = 0;
  std::vector<std::pair<std::uint32_t, CheckedExpr>> fields;  // field index -> constant value
  SourceRange range{};
};

// `message contains "X"`: X is in the finding's Chinese or English message;
// `message lacks "X"`: X is in neither.
struct MessageCheck {
  bool contains = true;
  std::string text;
  SourceRange range{};
};

struct Expectation {
  Verdict verdict = Verdict::pass;
  std::string subject_key;
  std::vector<MessageCheck> message_checks;
  SourceRange range{};
};

struct RuleTest {
  std::uint32_t rule = 0;
  std::string name;
  std::optional<Date> as_of;
  std::vector<GivenRecord> given;
  std::vector<Expectation> expectations;
  SourceRange range{};
};

// A working-day calendar declared in the ruleset (`calendar`): per year, the official holidays
// and the adjusted working days (weekend days worked), each year with its source.
struct CalendarYear {
  int year = 0;
  std::string source;
  Confidence confidence = Confidence::high;
  std::vector<std::pair<Date, std::string>> holidays;  // every day off, with the holiday's name
  std::vector<Date> workdays;                          // weekend days that are working days
  SourceRange range{};
};

struct Calendar {
  std::string name;
  std::string title;
  std::vector<CalendarYear> years;         // ascending, no year twice
  SourceRange range{};

  // Whether day d is a working day (Monday to Friday and no holiday, or an adjusted working
  // day); nullopt when the calendar does not hold d's year.
  std::optional<bool> working(Date d) const;
  // The day n working days after d (n < 0: before it; n == 0: d itself), counting from the day
  // after d; nullopt when the count reaches a year the calendar does not hold (*uncovered =
  // that year).
  std::optional<Date> add_working_days(Date d, std::int64_t n, int* uncovered) const;
  // The number of working days in (a, b] (negated, in (b, a], when b < a): the inverse of
  // add_working_days. nullopt when a day of that span lies in a year the calendar lacks.
  std::optional<std::int64_t> working_days_between(Date a, Date b, int* uncovered) const;
  // "2021–2026" (or the years listed, when there is a gap).
  std::string years_text() const;
};

// `complete` and `valid` declarations of the schema, checked.
//   complete e in enterprise list hw_licenses when COND: the reverse list is complete (every
//     record that exists is on file) for the parents where COND holds; elsewhere it cannot
//     prove absence.
//   valid m in emission_monthly fields a, b when COND: the fields are proof only where COND
//     holds; elsewhere reading them gives unknown with the reason.
struct Guard {
  enum class Kind : std::uint8_t { complete, valid } kind = Kind::complete;
  std::string var;
  std::uint32_t record = 0;
  std::vector<std::uint32_t> targets;      // reverse-list indices (complete) or field indices (valid)
  CheckedExpr when;                        // over `var` (the only variable) and parameters
  std::string reason_zh, reason_en;
  SourceRange range{};
};

// One row of the ruleset's requirement catalogue (requirements.txt beside ruleset.rules).
struct Requirement {
  std::string id;                          // "AIR-03"
  std::string mode;                        // "S", "A", "S, A", "I", ...
  std::string title;
};

struct Ruleset {
  std::string id;
  std::string title;
  Schema schema;
  std::vector<Param> params;
  std::vector<Rule> rules;
  std::vector<RuleTest> tests;
  std::vector<std::string> files;          // paths of the files read, in load order
  std::string sha256;                      // of the files' contents, in load order
  std::vector<Requirement> catalogue;      // empty when the ruleset declares none
  std::vector<Calendar> calendars;         // at most one (the working-day calendar)
  std::vector<Guard> guards;               // complete / valid declarations

  // The guard of `kind` on record `record`'s reverse list or field `target`, or nullptr.
  const Guard* find_guard(Guard::Kind kind, std::uint32_t record, std::uint32_t target) const;

  const Rule* find_rule(std::string_view id) const;
  const Param* find_param(std::string_view name) const;
};

// A rule's deadline basis and where it was declared: the rule's own `basis` clause, else the
// basis every value of its deadline parameter declares (when the deadline is that parameter
// alone). `from` is "rule", "param NAME" or "" when the basis is undeclared.
struct DeclaredBasis {
  std::optional<Basis> basis;
  std::string from;
};
DeclaredBasis declared_basis(const Ruleset& rs, const Rule& rule);
// The basis every value of the parameter `deadline` consists of declares ({} otherwise).
DeclaredBasis deadline_param_basis(const Ruleset& rs, const CheckedExpr& deadline);

}  // namespace eco::dsl::model
