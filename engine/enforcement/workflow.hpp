#pragma once
// The enforcement workflow's rules, apart from the store (docs/enforcement.md): what an
// inspector can record about a checklist item, the states a violation goes through and which
// transitions between them are allowed, the digest that tells whether the data a finding rested
// on has changed, which findings make an inspection's checklist, and the finding that a
// rectification order becomes in the sweeps after it.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/common/date.hpp"
#include "engine/findings/finding.hpp"

namespace eco::engine::enforcement {

// A finding's identity, as the sweep history knows it.
struct FindingId {
  std::string rule, subject_record, subject_key;
  friend auto operator<=>(const FindingId&, const FindingId&) = default;
  friend bool operator==(const FindingId&, const FindingId&) = default;
};
FindingId id_of(const Finding& f);

// What the inspector found on site about one checklist item.
//   confirmed          the finding holds: it stays a violation and carries the inspection
//   not_confirmed      it does not hold (dismissed): not reported again for that subject and
//                      rule until the data it rested on changes
//   corrected_on_site  it held and was corrected during the inspection: the violation moves to
//                      resolved_pending_verification
//   not_verified       could not be verified on site: nothing changes
enum class Outcome : std::uint8_t { confirmed, not_confirmed, corrected_on_site, not_verified };
const char* to_string(Outcome o);
std::optional<Outcome> parse_outcome(std::string_view text);

// A violation's state. A violation no inspection or action has touched is `open`.
enum class State : std::uint8_t { open, under_enforcement, resolved_pending_verification, resolved };
const char* to_string(State s);
std::optional<State> parse_state(std::string_view text);

// The transitions allowed from `from`:
//   open                          -> under_enforcement (an action), resolved_pending_verification
//   under_enforcement             -> resolved_pending_verification (rectification reported)
//   resolved_pending_verification -> resolved (verified), under_enforcement (verification failed)
//   resolved                      -> open (the violation recurred)
std::vector<State> next_states(State from);
// "" when from -> to is allowed; otherwise the sentence that refuses it, naming the allowed ones.
std::string check_transition(State from, State to);

// The kinds of enforcement action.
enum class ActionKind : std::uint8_t { rectification_order, penalty, referral };
const char* to_string(ActionKind k);
std::optional<ActionKind> parse_action_kind(std::string_view text);

// The digest of the data a finding rested on: SHA-256 (first 32 hex digits) of its evidence
// values (record, key, field, value, missing), sorted, without their provenance, so that a
// re-import of the same values keeps it and any changed value changes it.
std::string evidence_digest(const Finding& f);

// One item of an inspection's checklist: a finding of the subject to verify on site.
struct ChecklistItem {
  std::int64_t item = 0;                // 1, 2, ... in checklist order
  FindingId finding;
  std::string owner_key;
  std::string verdict, severity;
  std::string title_zh, title_en;
  std::string verify_zh, verify_en;     // what to verify: the finding's message and reasons
  std::string evidence_digest;
  friend bool operator==(const ChecklistItem&, const ChecklistItem&) = default;
};

// The checklist from the subject's findings (an audit of it, as of the latest sweep's date) and
// the identities the latest sweep reported: each violation, late or unknown finding the latest
// sweep also has, most severe first (then violation, late, unknown; then rule and key).
std::vector<ChecklistItem> checklist(const std::vector<Finding>& findings, const std::vector<FindingId>& latest_sweep);

// A rectification order as a sweep checks it.
struct Order {
  std::int64_t id = 0;
  FindingId violation;
  std::string owner_record, owner_key;
  std::string severity;                 // of the violation it orders corrected
  std::string reference, requirement, issued_on, deadline;
  State state = State::open;            // of the violation now
};

// The finding a rectification order is in a sweep as of `as_of`: rule kOrderRule, subject
// (kOrderRecord, the order's id). Resolved (verified): pass; on or before its deadline:
// upcoming; after it: violation, citing the order (its reference and requirement) as its basis.
inline constexpr const char* kOrderRule = "_rectification_order";
inline constexpr const char* kOrderRecord = "_enforcement";
Finding order_finding(const Order& order, dsl::Date as_of);

}  // namespace eco::engine::enforcement
