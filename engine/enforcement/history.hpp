#pragma once
// Compliance history (issue 15 item 5): the status of each enterprise in each of the last
// quarters, derived from the recorded sweeps and the enforcement records. The derivation is
// docs/enforcement.md "Compliance history"; in short:
//   - a quarter is a calendar quarter; a sweep belongs to the quarter of its as-of day;
//   - a sweep covers an enterprise when the batch that first imported its owner record is one
//     the sweep evaluated (its batches' last one or earlier);
//   - in a sweep, each recorded finding of the enterprise counts:
//       violation, late -> significant (its severity is one the policy lists, or the recorded
//                          sweeps up to this one reported it as violation or late at least
//                          repeat_sweeps times) or violation; nothing when the violation's state
//                          on the sweep's as-of day was `resolved` (verified corrected);
//       unknown, error  -> unknown (something to verify);
//       waived, upcoming, advice -> nothing;
//     a finding whose latest inspection outcome is not_confirmed (dismissed) counts nothing in
//     the sweep of that inspection and unknown in the earlier sweeps that reported it (the
//     inspector saw the data of the inspection's sweep, not theirs); later sweeps recorded it
//     only when its data changed, and it counts as they recorded it;
//   - a quarter's status is the worst of what its covering sweeps counted (significant, then
//     violation, then unknown); in_compliance when they counted nothing; unknown when no sweep
//     covered the enterprise in the quarter (never in_compliance).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dsl/common/date.hpp"
#include "dsl/model/ruleset.hpp"
#include "dsl/model/schema.hpp"
#include "engine/enforcement/records.hpp"
#include "engine/findings/compliance.hpp"
#include "engine/store/store.hpp"

namespace eco::engine::enforcement {

// "2026Q3" for a day of July to September 2026.
std::string quarter_of(dsl::Date day);
// The `n` quarters ending with the one of `as_of`, oldest first.
std::vector<std::string> last_quarters(dsl::Date as_of, int n);

struct HistoryFinding {
  FindingId finding;
  std::string owner_key;
  dsl::model::Verdict verdict = dsl::model::Verdict::unknown;
  std::string severity;
};
struct HistorySweep {
  std::int64_t id = 0;
  dsl::Date as_of;
  std::int64_t last_batch = 0;           // the highest batch it evaluated (0: none)
  std::vector<HistoryFinding> findings;  // its violation, late, unknown and error findings
};
struct HistoryOwner {
  std::string key, name, jurisdiction;
  std::int64_t first_batch = 0;          // the batch that first imported its owner record
};
struct HistoryInput {
  std::vector<HistorySweep> sweeps;      // of one ruleset, by id
  std::vector<HistoryOwner> owners;      // the population
  std::vector<Transition> transitions;   // by id (only violation, to and on are read)
  std::map<FindingId, std::int64_t> dismissed;  // finding -> the sweep of the inspection that dismissed it
  std::vector<std::string> significant_severities;
  std::int64_t repeat_sweeps = 0;        // 0: not used
};

// One row per owner (in the input's order) with `quarters` cells ending with the quarter of
// `as_of`; sweeps after `as_of` are ignored. Fills rows and quarters (and sweeps) of the result.
ComplianceHistory derive_history(const HistoryInput& in, dsl::Date as_of, int quarters = 12);

// Reads the input from the store (every part empty where the store has no such table yet):
// the recorded sweeps of `ruleset`, the owners (every row of `owner`, its name and jurisdiction
// fields when given, by key), the transitions and the dismissals. The policy's part is the
// caller's. Throws store::StoreError.
//
// `only_owner` set: the input of that one owner's row (an audit's quarter grid): the owners
// are that key's row alone, and the sweeps' findings are those of the owner, plus every
// violation or late finding recorded under another owner (or none) with the identity of one of
// the owner's (a subject that changed hands): what derive_history() counts towards
// `repeat_sweeps`. derive_history() then gives that owner's row exactly as from the whole input,
// reading a few index ranges per sweep instead of the whole history (every sweep's findings
// and every owner: ~200 ms a sweep at 100k enterprises).
HistoryInput read_history_input(store::Store& st, const std::string& ruleset, const dsl::model::RecordType& owner,
                                const std::string& name_field, const std::string& jurisdiction_field,
                                const std::optional<std::string>& only_owner = std::nullopt);

}  // namespace eco::engine::enforcement
