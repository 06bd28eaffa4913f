#pragma once
// Rule evaluation: a checked ruleset compiled once into programs, run over a snapshot,
// giving exactly one verdict per (rule, subject) with its evidence.
//
// Verdicts (engine/eval/verdict.hpp decides them; docs/rule-language.md, "Rules"): `when`
// false -> not_applicable; `when` or `require` undecidable (missing data, runtime error) -> unknown, naming what is missing; `require` true -> pass,
// or late when `met_on` is after the deadline; `require` false -> upcoming while the
// evaluation date is on or before the deadline, violation after it (or with no deadline) —
// advice instead of violation for a rule of severity advice;
// a matching waiver valid on the evaluation date turns a violation or unknown into waived.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/cel/program.hpp"
#include "dsl/common/date.hpp"
#include "dsl/model/ruleset.hpp"
#include "engine/findings/finding.hpp"
#include "engine/snapshot/snapshot.hpp"

namespace eco::engine {

struct EvalOptions {
  dsl::Date as_of{};                    // the legal date: deadlines and dated parameters
  // Collect evidence (re-evaluates non-passing subjects with read recording).
  bool evidence = true;
  // Keep pass and not_applicable findings (they are dropped by default).
  bool keep_all = false;
  // Evaluate only these rules (ids); empty = every rule.
  std::vector<std::string> rules;
  // The records findings belong to are the schema's (dsl/model/schema.hpp Roles): a finding's
  // owner is the `role owner` record its subject's references lead to (the subject itself
  // when the schema declares no owner), its screened record the `role screened` one.
  // When set, only the subjects that belong to these records are evaluated: the subject is
  // one of them, or its chain of references leads to one (a facility to its enterprise). Rules
  // whose subject has no such chain are skipped. An audit scopes to one owner, a screening to
  // the screened records it was given.
  // The record type screened, when not the schema's `role screened` one ("": the schema's).
  std::string screened_record;
  struct Scope {
    std::string record;
    std::vector<std::string> keys;
  };
  std::optional<Scope> scope;
  // The subject key whose findings carry an evaluation trace (Finding::trace): every
  // sub-expression of the rule's clauses with its value. Empty: no trace.
  std::string trace_subject;
  // Decide what can be decided column-wise (engine/eval/columnar.hpp) before the per-subject
  // evaluation; false evaluates every subject with the tree evaluator (same verdicts: tests
  // compare the two).
  bool columnar = true;
  // When set: per rule (index in Ruleset::rules), how many subject rows its columnar plan
  // decided and how many it left to the tree evaluator ({0, 0}: the rule has no plan).
  std::vector<std::array<std::uint64_t, 2>>* columnar_rows = nullptr;
  // Use both cores (or `threads`, 0 = hardware concurrency).
  unsigned threads = 0;
  // When set, no findings are built: the verdicts are only counted, per rule (index in
  // Ruleset::rules) and verdict, before waivers. For the benchmark harness and summaries.
  std::vector<std::array<std::uint64_t, dsl::model::kVerdictCount>>* verdict_counts = nullptr;
  // When set: called on the calling thread after each piece of a rule's subjects (pieces
  // without findings too) with the rule's index in Ruleset::rules, the subject rows done and
  // the rule's subject rows. It may throw to stop the evaluation: the exception leaves
  // evaluate() with no thread left running (a run's progress report and its cooperative
  // cancellation, app/).
  std::function<void(std::size_t rule, std::uint32_t rows_done, std::uint32_t rows)> after_piece;
};

class CompiledRuleset {
 public:
  // Compiles every rule's expressions once. `ruleset` must outlive this object.
  explicit CompiledRuleset(const dsl::model::Ruleset& ruleset);
  ~CompiledRuleset();
  CompiledRuleset(const CompiledRuleset&) = delete;
  CompiledRuleset& operator=(const CompiledRuleset&) = delete;

  const dsl::model::Ruleset& ruleset() const { return *ruleset_; }

  // Evaluates over `snapshot`; findings are ordered by rule (declaration order) then subject
  // row, so the same inputs give the same output.
  std::vector<Finding> evaluate(const Snapshot& snapshot, const EvalOptions& options) const;

  // The same findings in the same order, handed to `sink` piece by piece (one rule's subjects
  // at a time, at most kSinkPieceRows subject rows per piece) instead of held: a sweep that
  // records and writes each piece and drops it needs memory for one piece, not for all.
  // The sink may move the findings away; it is called on the calling thread.
  using FindingSink = std::function<void(std::vector<Finding>& piece)>;
  static constexpr std::uint32_t kSinkPieceRows = 1u << 16;
  void evaluate(const Snapshot& snapshot, const EvalOptions& options, const FindingSink& sink) const;

  struct RuleProgram;
  struct ParamHistory;

 private:
  const dsl::model::Ruleset* ruleset_;
  std::unique_ptr<ParamHistory> history_;  // every dated parameter's entries, for param_at()
  std::vector<std::unique_ptr<RuleProgram>> rules_;
};

// Evaluates a constant expression (parameter values, test records); error values on failure.
// The result owns its text: it outlives the program compiled for it.
dsl::cel::Value evaluate_constant(const dsl::model::CheckedExpr& e);

// The entries of a dated parameter (none for an undated one), their values as the rules see
// them (an enum parameter holds enum values): what param_at(P, DATE) reads.
std::vector<dsl::cel::DatedEntry> parameter_history(const dsl::model::Param& p, const dsl::model::Schema& schema);
// The value of parameter `p` in force on day `on` (a dated parameter before its first entry:
// unknown, naming it), as the rules see it (an enum parameter holds enum values).
dsl::cel::Value parameter_value(const dsl::model::Param& p, dsl::Date on, const dsl::model::Schema& schema);

}  // namespace eco::engine
