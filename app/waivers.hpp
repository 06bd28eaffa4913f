#pragma once
// Waivers at the workbench (issue 14): an inspector requests one, a rule author approves it
// (docs/accounts.md: the matrix says who; this code checks only that nobody approves their own
// request), and it is withdrawn when it must end early. A waiver is the ruleset's declared
// waiver record (`record NAME "..." role waiver`, its fields' roles rule / subject_type /
// subject / from / until / basis / approver: docs/rule-language.md); nothing here names a
// record or a field of a particular ruleset.
//
//   request   a pending request (`_waiver_request`), not yet a waiver: what (a rule id or one of
//             its requirement ids), on which subject (its record type and key: checked against
//             the store and the rule, which also gives the subject's owner), for which days, why
//   approve   writes the waiver record into the store as an import batch (the existing import
//             path: provenance, history) with the basis, the approver and the validity granted
//   reject    the request ends without a waiver
//   withdraw  a pending request ends; an approved waiver gets a new version of its record whose
//             last valid day is the day before the withdrawal (the old version stays in the
//             store's history); never a delete
//
// What became of a request is a list of events (`_waiver_event`: approve, reject, withdraw) with
// who, when and the batch written. Both tables are append-only like `_audit` (triggers refuse
// UPDATE, DELETE and a replacing INSERT). Approving and withdrawing write the waiver record,
// the event and a row of the audit trail (`waiver.approve`, `waiver.withdraw`) in one
// transaction; a request and a rejection write their event and trail row together too.
//
// Jurisdictions: a waiver belongs to its subject's owner (an enterprise); its jurisdiction is
// the value of the owner's declared jurisdiction field (app::declared_jurisdiction), read when
// asked, so the server authorizes with it (authorize()'s Target) and filters lists by limit_to.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/authorization.hpp"
#include "dsl/common/date.hpp"
#include "dsl/model/ruleset.hpp"

namespace eco::app {

// A refused waiver operation; kind says how (the server maps it to a status code), the message is
// a sentence for the user.
class WaiverError : public std::runtime_error {
 public:
  enum class Kind {
    bad_request,  // the request is incomplete or names what is not there (a rule, a subject)
    not_found,    // no waiver request of that id
    conflict,     // the request is not in a state that allows it (approving a withdrawn one)
    forbidden,    // separation of duties, or a subject outside the jurisdictions allowed
    store,        // the store or the ruleset could not be read or written
  };
  WaiverError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

enum class WaiverState { pending, approved, rejected, withdrawn };
std::string_view to_string(WaiverState s);

struct WaiverRequestInput {
  std::string target;        // a rule id, or a requirement id one of the ruleset's rules implements
  std::string subject_type;  // the subject's record type; "": the one of the target's rules that has the key
  std::string subject;       // the subject's key (a composite key joined with '|')
  dsl::Date from{}, until{};  // the days asked for, both inclusive (from <= until)
  std::string reason;        // why (required)
};

struct WaiverApproval {
  std::string basis;     // the legal basis (law, decision, document number; required)
  std::string approver;  // who approves as the waiver record names it (an authority or a person; required)
  dsl::Date from{}, until{};  // the validity granted, both inclusive (from <= until)
};

struct WaiverEvent {
  std::int64_t id = 0;
  std::string at, actor;
  std::string action;  // approve | reject | withdraw
  std::string basis, approver, valid_from, valid_until;  // approve: as granted; withdraw: the new last day in valid_until
  std::string note;                                        // reject, withdraw: why
  std::int64_t batch = 0;                                  // the import batch written (0: none)
};

// A request and what became of it.
struct Waiver {
  std::int64_t id = 0;
  std::string requested_at, requested_by;
  std::string target, subject_type, subject;
  std::string owner_record, owner_key;  // the subject's owner ("" when it has none)
  std::string requested_from, requested_until, reason;
  WaiverState state = WaiverState::pending;
  // Once approved: the waiver record's key, its basis and approver, the days it is valid
  // (valid_until is the withdrawal's day before when withdrawn), the last batch writing it.
  std::string waiver_key, basis, approver, valid_from, valid_until;
  std::int64_t batch = 0;
  std::vector<WaiverEvent> events;  // oldest first
  // The owner's jurisdiction value now ("" when the ruleset declares no jurisdiction field, the
  // subject has no owner or the owner no value).
  std::string jurisdiction;

  // Days from `on` to the last valid day (0: its last day; negative: expired), for an approved or
  // withdrawn waiver; nullopt otherwise.
  std::optional<int> days_left(dsl::Date on) const;
};

struct WaiverFilter {
  std::optional<WaiverState> state;
  // Only waivers whose jurisdiction is one of these (authorize()'s limit_to); nullopt: all.
  std::optional<std::vector<std::string>> limit_to;
};

// The waiver desk of one store and ruleset. Its functions may be called from several threads:
// each opens its own connection to the store.
class WaiverDesk {
 public:
  // Loads and checks the ruleset. Throws WaiverError (store) when it does not check or the
  // store is missing, (bad_request) when the ruleset declares no waiver record.
  static std::unique_ptr<WaiverDesk> open(const std::filesystem::path& db, const std::filesystem::path& ruleset);
  // The same with a ruleset already loaded and checked (the server's), which must outlive the
  // desk; nothing is loaded.
  static std::unique_ptr<WaiverDesk> open(const std::filesystem::path& db, const dsl::model::Ruleset& ruleset);
  ~WaiverDesk();
  WaiverDesk(const WaiverDesk&) = delete;
  WaiverDesk& operator=(const WaiverDesk&) = delete;

  // The ruleset's declared jurisdiction field (for authorize()'s Target).
  std::optional<JurisdictionField> jurisdiction_field() const;

  // Records a pending request by `actor`. The subject must be in the store and be a subject of
  // the target's rules on `as_of` (the legal date the request is checked at). With limit_to,
  // a subject whose owner's jurisdiction is not one of them is refused (forbidden), so that an
  // inspector cannot ask for a waiver outside their counties.
  Waiver request(const WaiverRequestInput& input, std::string_view actor, dsl::Date as_of,
                 const std::optional<std::vector<std::string>>& limit_to = std::nullopt);
  // Approves a pending request: writes the waiver record (an import batch) and the event.
  // `actor` must not be the one who requested it (forbidden).
  Waiver approve(std::int64_t id, const WaiverApproval& approval, std::string_view actor);
  // Rejects a pending request (no waiver is written). `note` says why (required).
  Waiver reject(std::int64_t id, std::string_view note, std::string_view actor);
  // Withdraws a pending request, or an approved waiver from `on` (its last valid day becomes
  // the day before; a waiver already expired before `on` is refused: there is nothing to end).
  // `reason` is required.
  Waiver withdraw(std::int64_t id, std::string_view reason, dsl::Date on, std::string_view actor);

  std::optional<Waiver> find(std::int64_t id);
  // Newest first.
  std::vector<Waiver> list(const WaiverFilter& filter = {});

 private:
  struct Impl;
  explicit WaiverDesk(std::unique_ptr<Impl> impl);
  static std::unique_ptr<WaiverDesk> open_with(const std::filesystem::path& db, const dsl::model::Ruleset& ruleset,
                                               std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// {"id", "requested_at", "requested_by", "target", "subject_type", "subject", "owner": {"record",
// "key"}, "requested": {"from", "until"}, "reason", "state", "waiver_key", "basis", "approver",
// "valid_from", "valid_until", "batch", "jurisdiction", "days_left" (with `on`, approved or
// withdrawn only), "expired", "events": [...]}.
nlohmann::json to_json(const Waiver& w, std::optional<dsl::Date> on = std::nullopt);

}  // namespace eco::app
