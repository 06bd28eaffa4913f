#include "engine/eval/verdict.hpp"

namespace eco::engine {

using dsl::model::Verdict;

Outcome decide_requirement(Truth require, DeadlineValue deadline, std::optional<dsl::Date> met_on, dsl::Date as_of,
                            dsl::model::Severity severity) {
  Outcome d;
  if (deadline.state == DeadlineValue::State::date) d.deadline = deadline.date;
  switch (require) {
    case Truth::undecidable: d.verdict = Verdict::unknown; return d;
    case Truth::yes:
      // A met requirement passes even when its deadline is unknown: lateness cannot be shown.
      d.verdict = Verdict::pass;
      d.met_on = met_on;
      if (met_on && d.deadline && *met_on > *d.deadline) {
        // Late is a breach that happened; a rule of severity advice states no duty whose breach
        // could be read out, so its late completion is reported as advice (the dates kept).
        d.verdict = severity == dsl::model::Severity::advice ? Verdict::advice : Verdict::late;
        d.days_overdue = met_on->days - d.deadline->days;
      }
      return d;
    case Truth::no: break;
  }
  // Not met: whether it is still time depends on a deadline that could not be computed.
  if (deadline.state == DeadlineValue::State::undecidable) {
    d.verdict = Verdict::unknown;
  } else if (d.deadline && as_of <= *d.deadline) {
    d.verdict = Verdict::upcoming;
    d.days_left = d.deadline->days - as_of.days;
  } else {
    d.verdict = severity == dsl::model::Severity::advice ? Verdict::advice : Verdict::violation;
    if (d.deadline) d.days_overdue = as_of.days - d.deadline->days;
  }
  return d;
}

std::optional<Verdict> decide_when(Truth when) {
  switch (when) {
    case Truth::no: return Verdict::not_applicable;
    case Truth::undecidable: return Verdict::unknown;
    case Truth::yes: break;
  }
  return std::nullopt;
}

bool unknown_when_decides(Truth cond) { return cond != Truth::no; }

Outcome limit_exceeded() {
  Outcome d;
  d.verdict = Verdict::error;
  return d;
}

}  // namespace eco::engine
