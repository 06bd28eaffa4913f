#pragma once
// The verdict of a (rule, subject) pair from what its clauses evaluated to: pure, no snapshot,
// no expressions. The evaluator (evaluator.cpp) evaluates the clauses in order and stops where
// the verdict is known; these functions say what each value means.
//
//   when       false -> not_applicable; undecidable -> unknown
//   unknown_when (in order) true or undecidable -> unknown
//   require    undecidable -> unknown
//              true  -> pass; late when met_on is after the deadline (days_overdue;
//                       advice instead for an advice rule: no duty, no breach)
//              false -> unknown when the deadline could not be computed; upcoming while
//                       as_of is on or before the deadline (days_left); else violation
//                       (advice for an advice rule), days_overdue counted from the deadline
//   an evaluation limit met anywhere -> error (nothing else kept)
#include <cstdint>
#include <optional>

#include "dsl/common/date.hpp"
#include "dsl/model/ruleset.hpp"

namespace eco::engine {

// A condition's outcome: a bool, or no bool (missing data, an error, a value of another type).
enum class Truth : std::uint8_t { yes, no, undecidable };

// The verdict and the dates and day counts that go with it.
struct Outcome {
  dsl::model::Verdict verdict = dsl::model::Verdict::pass;
  std::optional<dsl::Date> deadline;  // the deadline's value, when it was computed
  std::optional<dsl::Date> met_on;    // the met_on date of a met requirement
  std::optional<std::int32_t> days_overdue, days_left;
};

// What a rule's deadline evaluated to: no deadline clause, a date, or no date.
struct DeadlineValue {
  enum class State : std::uint8_t { none, date, undecidable } state = State::none;
  dsl::Date date{};
};

// The verdict where `when` (and every unknown_when) let the rule apply: from the requirement's
// outcome, the deadline, the met_on date of a met requirement (nullopt: no met_on clause or no
// date) and the evaluation date.
Outcome decide_requirement(Truth require, DeadlineValue deadline, std::optional<dsl::Date> met_on, dsl::Date as_of,
                            dsl::model::Severity severity);

// The verdict a `when` outcome decides on its own: not_applicable (no), unknown (undecidable),
// nothing (yes: the rule applies).
std::optional<dsl::model::Verdict> decide_when(Truth when);

// An unknown_when's outcome decides unknown when it holds or cannot be decided.
bool unknown_when_decides(Truth cond);

// The decision after an evaluation limit was met: error, with no dates or day counts.
Outcome limit_exceeded();

}  // namespace eco::engine
