#pragma once
// The enforcement workflow's records in the store (docs/enforcement.md): inspections with their
// checklists, the inspectors' outcomes, enforcement actions, and the violations' state
// transitions. They are tables the engine owns, created on first use, like `_sweep` and `_draw`:
//   _inspection           id, created_at, created_by, source, ruleset, sweep, owner, draw, planned_on, inspectors
//   _inspection_item      the checklist: (inspection, item) -> finding, verdict, what to verify, evidence digest
//   _inspection_outcome   each recorded outcome of an item, a version; a correction is a newer version
//   _enforcement_action   rectification orders, penalty decisions, referrals
//   _violation_state      each state transition of a violation (from, to, when, who, why)
// Every table is append-only: SQLite triggers refuse UPDATE and DELETE. Every row carries its
// provenance: who recorded it, when (UTC), and from which file or request.
//
// Every function throws store::StoreError on a database failure, and RecordError (a message for
// users) when what is asked cannot be recorded; nothing is then written.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/enforcement/workflow.hpp"
#include "dsl/model/schema.hpp"
#include "engine/store/store.hpp"

namespace eco::engine::enforcement {

class RecordError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Who recorded a row, and from where ("ecoaudit inspection record", a file, a request id).
struct Provenance {
  std::string by;       // required
  std::string source;   // required
};

// Creates the tables and their triggers when missing (needs a writable store).
void ensure_tables(store::Store& st);

// The latest recorded sweep of `ruleset` (0 when none) and its findings' identities by verdict.
struct LatestSweep {
  std::int64_t id = 0;
  std::string as_of;
  std::string started_at;               // UTC, ISO 8601: when it ran
  struct Entry {
    FindingId finding;
    std::string owner_key, verdict, severity, first_seen;
  };
  std::vector<Entry> findings;  // violation, late and unknown ones
};
LatestSweep latest_sweep(store::Store& st, const std::string& ruleset);
// The recorded sweep `id` of `ruleset` the same way (id 0 when there is none of that id; `id` 0:
// the latest).
LatestSweep read_sweep(store::Store& st, const std::string& ruleset, std::int64_t id);

struct Inspection {
  std::int64_t id = 0;
  std::string created_at, created_by, source, ruleset;
  std::int64_t sweep = 0;
  std::string owner_record, owner_key;
  std::int64_t draw = 0;                // 0: targeted, not from a draw
  std::string planned_on;
  std::vector<std::string> inspectors;
  std::vector<ChecklistItem> items;
};

// Records an inspection and its checklist (items numbered from 1); returns its id.
std::int64_t record_inspection(store::Store& st, const Inspection& in, const Provenance& p);
// Reads an inspection with its checklist; RecordError when there is none with `id`.
Inspection read_inspection(store::Store& st, std::int64_t id);
// The inspections of an owner (every owner when `owner_key` is empty), newest first, without items.
std::vector<Inspection> list_inspections(store::Store& st, const std::string& owner_key);

struct OutcomeRecord {
  std::int64_t id = 0, inspection = 0, item = 0, version = 0;
  Outcome outcome = Outcome::not_verified;
  std::string note, checked_on;         // checked_on: YYYY-MM-DD, the day of the check
  std::vector<std::string> evidence_files;
  std::string recorded_at, recorded_by, source;
};

// Records an outcome of item `item` of an inspection (a new version of it when it has one).
// A confirmed or corrected_on_site outcome of a violation the sweep found also moves its state
// as the workflow says (corrected_on_site: open or under_enforcement ->
// resolved_pending_verification). Returns the recorded row.
OutcomeRecord record_outcome(store::Store& st, std::int64_t inspection, std::int64_t item, Outcome outcome,
                             const std::string& note, const std::string& checked_on,
                             const std::vector<std::string>& evidence_files, const Provenance& p);
// Every recorded outcome of an inspection, by item then version.
std::vector<OutcomeRecord> outcomes(store::Store& st, std::int64_t inspection);

struct Action {
  std::int64_t id = 0;
  ActionKind kind = ActionKind::rectification_order;
  FindingId violation;
  std::string owner_record, owner_key, severity;
  std::string reference;                // order number or decision number
  std::string issued_on;
  std::string deadline, requirement;    // rectification order
  std::string amount, legal_basis, case_number;  // penalty decision (amount in yuan, as written)
  std::string referred_to;              // referral: the receiving authority
  std::string note;
  std::int64_t inspection = 0;          // the inspection that found it, when known
  std::string recorded_at, recorded_by, source;
};

// Records an action on a violation (the caller has checked that the violation is one: the
// application layer looks it up in the latest sweep); moves an open violation to
// under_enforcement. Checks the fields each kind needs (RecordError naming the missing one)
// and its dates. Returns the id.
std::int64_t record_action(store::Store& st, const Action& a, const Provenance& p);
// The actions on a violation (every one when `violation` is nullopt), oldest first.
std::vector<Action> actions(store::Store& st, const std::optional<FindingId>& violation = std::nullopt);

struct Transition {
  std::int64_t id = 0;
  FindingId violation;
  State from = State::open, to = State::open;
  std::string on;                       // YYYY-MM-DD, the day it happened
  std::string reason;
  std::int64_t action = 0, inspection = 0;
  std::string recorded_at, recorded_by, source;
};

// The violation's current state (open when it has no transition).
State current_state(store::Store& st, const FindingId& violation);
// Moves a violation to `to`, checked against its current state (RecordError with
// check_transition's sentence when refused). Returns the recorded transition.
Transition transition(store::Store& st, const FindingId& violation, State to, const std::string& on,
                      const std::string& reason, const Provenance& p, std::int64_t action = 0,
                      std::int64_t inspection = 0);
// The transitions of a violation (every one when nullopt), oldest first.
std::vector<Transition> transitions(store::Store& st, const std::optional<FindingId>& violation = std::nullopt);

// Everything the sweeps need to know about the workflow, read at once (empty for a store
// without the tables): per finding, its latest outcome (with the item's digest), its state
// and actions; and the rectification orders.
struct Overlay {
  struct Latest {
    std::int64_t inspection = 0, item = 0;
    Outcome outcome = Outcome::not_verified;
    std::string checked_on, digest;
  };
  std::map<FindingId, Latest> outcomes;
  std::map<FindingId, State> states;
  std::map<FindingId, std::vector<ActionRef>> actions;
  std::vector<Order> orders;
  bool empty() const { return outcomes.empty() && states.empty() && actions.empty(); }
};
Overlay read_overlay(store::Store& st);

}  // namespace eco::engine::enforcement

namespace eco::engine::enforcement {

// Applies the workflow to a piece of a sweep's or an audit's findings: removes each finding
// dismissed by its latest outcome (not_confirmed) whose evidence digest is still the one the
// inspection saw, and sets `enforcement` on each other finding an outcome, a state or an
// action concerns. Returns how many were removed.
std::size_t apply(const Overlay& overlay, std::vector<Finding>& piece);

// The rectification orders as findings as of `as_of` (order_finding), of `owner_key` only when
// it is not empty; a verified (pass) one only with `keep_all`. By order id.
std::vector<Finding> order_findings(const Overlay& overlay, dsl::Date as_of, const std::string& owner_key,
                                    bool keep_all);

}  // namespace eco::engine::enforcement

namespace eco::engine::enforcement {

// For the watch list: per finding, how many recorded sweeps of `ruleset` reported it as a
// violation or late (only sweeps up to id `up_to` when it is not 0).
std::map<FindingId, std::int64_t> violation_sweeps(store::Store& st, const std::string& ruleset, std::int64_t up_to = 0);

// A field of the owner record with key `key`, as stored ("" when the row or value is absent).
// `owner` must be the store's schema's owner record with a single key field.
std::string owner_field(store::Store& st, const dsl::model::RecordType& owner, const std::string& key,
                        const std::string& field);

}  // namespace eco::engine::enforcement
