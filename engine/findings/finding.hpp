#pragma once
// The findings model: what evaluation produces and what every report reads. Plain data,
// independent of how the findings were computed (reports/ includes only this folder).
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/common/date.hpp"
#include "dsl/model/ruleset.hpp"

namespace eco::engine {

// An immutable list that the findings of one rule share (its citations, requirement ids,
// parameters): a sweep has hundreds of thousands of findings and a few hundred rules, so each
// finding holds a pointer, not a copy. Reads like a const std::vector; push_back copies first.
template <class T>
class SharedList {
 public:
  SharedList() = default;
  SharedList(std::vector<T> items) : p_(std::make_shared<const std::vector<T>>(std::move(items))) {}
  SharedList(std::initializer_list<T> items) : SharedList(std::vector<T>(items)) {}

  const std::vector<T>& items() const {
    static const std::vector<T> kEmpty;
    return p_ ? *p_ : kEmpty;
  }
  operator const std::vector<T>&() const { return items(); }
  auto begin() const { return items().begin(); }
  auto end() const { return items().end(); }
  std::size_t size() const { return items().size(); }
  bool empty() const { return items().empty(); }
  const T& operator[](std::size_t i) const { return items()[i]; }
  void push_back(T x) {
    std::vector<T> v = items();
    v.push_back(std::move(x));
    p_ = std::make_shared<const std::vector<T>>(std::move(v));
  }
  friend bool operator==(const SharedList& a, const SharedList& b) { return a.items() == b.items(); }

 private:
  std::shared_ptr<const std::vector<T>> p_;
};

// An immutable text that many findings share (a record or field name, a file path): one
// allocation for all of them instead of one per evidence item.
class SharedText {
 public:
  SharedText() = default;
  SharedText(std::string s) : p_(std::make_shared<const std::string>(std::move(s))) {}
  SharedText(const char* s) : SharedText(std::string(s)) {}
  const std::string& str() const {
    static const std::string kEmpty;
    return p_ ? *p_ : kEmpty;
  }
  operator const std::string&() const { return str(); }
  bool empty() const { return str().empty(); }
  friend bool operator==(const SharedText& a, const SharedText& b) { return a.str() == b.str(); }
  friend bool operator==(const SharedText& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const SharedText& a, const char* b) { return a.str() == b; }

 private:
  std::shared_ptr<const std::string> p_;
};

// One value the decision read, and where it came from.
struct EvidenceItem {
  SharedText record;         // record type
  std::string key;           // the record's key
  SharedText field;
  std::string value;         // rendered value; empty when missing
  bool missing = false;
  std::int64_t batch = 0;    // provenance (0 = not from the store, e.g. a rule test)
  SharedText file;
  std::uint32_t line = 0;
};

// Why an unknown finding could not be decided, in words a person can act on: a field's
// `verify` text (what to verify on site), a `complete` or `valid` declaration's reason, a
// calendar that lacks a year.
struct Reason {
  std::string zh, en;
  friend bool operator==(const Reason&, const Reason&) = default;
};

// A parameter a rule used, with the value in force on the evaluation date.
struct ParamUse {
  std::string name;
  std::string value;
  std::string source;
  dsl::model::Confidence confidence = dsl::model::Confidence::high;
};

// A waiver that applied to (or expired on) a finding.
struct WaiverInfo {
  std::string id;
  std::string legal_basis;
  std::string approver;
  dsl::Date valid_from{};
  dsl::Date valid_until{};
  bool expired = false;      // the finding is a violation again; it was waived until valid_until
};

// One comparison of a rule's requirement, evaluated for the subject: what was compared with
// what, the two values, and whether it held ("f.annual_freight_t = 1600000 >= 1500000").
struct ConditionCheck {
  std::string expr;                     // the comparison as CEL text
  std::string left, op, right;          // its operands as CEL text, and the operator (<, in, ...)
  std::string left_value, right_value;  // rendered values; "?" when missing or an error
  std::optional<bool> holds;            // nullopt when it could not be decided
};

// One step of an evaluation trace (`--explain`): an expression of one of the rule's clauses
// and the value it had for the subject. Steps are in evaluation order, children after their
// parent and one level deeper.
struct TraceStep {
  std::string clause;                   // when | deadline | require | met_on
  std::uint32_t depth = 0;              // 0: the clause's whole expression
  std::string expr;                     // CEL text
  std::string value;                    // rendered value; "? (missing record.field)" or "? (error: ...)"
};

// A record a finding belongs to, by record type and key: its owner (the schema's `role owner`
// record its subject's references lead to; the subject itself when the schema declares no
// owner) or, in a screening, its screened record (`role screened`). An empty key: none (the
// chain of references ends at a missing one, or the subject has no such record).
struct OwnerRef {
  std::string record;                   // record type name
  std::string key;                      // its key (a composite key's values joined with '|')
  bool empty() const { return key.empty(); }
  friend bool operator==(const OwnerRef&, const OwnerRef&) = default;
};

// How a recorded sweep's finding stands against the previous sweep (engine/sweeps):
//   new         no earlier sweep had it
//   persisting  the previous sweep had it too
//   repeat      an earlier sweep had it, the previous one did not
// none: not a recorded sweep's finding.
enum class Change : std::uint8_t { none, new_, persisting, repeat };

// "new", "persisting", "repeat" ("" for none): the one place a change is spelt (reports, JSON).
inline const char* to_string(Change c) {
  switch (c) {
    case Change::none: return "";
    case Change::new_: return "new";
    case Change::persisting: return "persisting";
    case Change::repeat: return "repeat";
  }
  return "";
}

// An enforcement action taken on a violation (engine/enforcement), as a finding shows it.
struct ActionRef {
  std::int64_t id = 0;
  std::string kind;                     // rectification_order | penalty | referral
  std::string reference;                // the order's document number, the case number
  std::string issued_on;                // YYYY-MM-DD
  std::string deadline;                 // a rectification order's deadline ("" otherwise)
  friend bool operator==(const ActionRef&, const ActionRef&) = default;
};

// Where a finding stands in the enforcement workflow (engine/enforcement, docs/enforcement.md).
// Set only on a finding that an inspection outcome or an enforcement action concerns; a
// violation without it is `open` and untouched.
struct EnforcementInfo {
  std::string state;                    // open | under_enforcement | resolved_pending_verification | resolved
  std::int64_t inspection = 0;          // the inspection whose latest outcome concerns it (0: none)
  std::int64_t item = 0;                // its checklist item
  std::string outcome;                  // confirmed | corrected_on_site | not_verified
  std::string checked_on;               // the outcome's date
  std::vector<ActionRef> actions;       // oldest first
  friend bool operator==(const EnforcementInfo&, const EnforcementInfo&) = default;
};

struct Finding {
  std::string rule;
  std::string title_zh, title_en;
  SharedList<dsl::model::Citation> citations;  // plan section and its quoted words
  SharedList<std::string> requirements;
  dsl::model::Severity severity = dsl::model::Severity::medium;
  dsl::model::Verdict verdict = dsl::model::Verdict::pass;
  std::string subject_record;
  std::string subject_key;
  OwnerRef owner;                       // the owner record the subject belongs to (OwnerRef)
  OwnerRef screened;                    // the screened record it belongs to (screenings)
  std::string message_zh;
  std::string message_en;
  std::optional<dsl::Date> deadline;
  std::optional<std::int32_t> days_overdue;   // violation after a deadline; late: days late
  std::optional<std::int32_t> days_left;      // upcoming
  std::optional<dsl::Date> met_on;
  std::vector<std::string> missing;     // "facility.ule_completed_on" for unknown verdicts
  std::string error;                    // a runtime error that made the verdict unknown
  std::vector<Reason> reasons;          // unknown: why, and what to do (in the message too)
  std::vector<EvidenceItem> evidence;
  std::vector<ConditionCheck> conditions;  // the requirement's comparisons (not inside macros)
  SharedList<ParamUse> params;          // the rule's parameters, shared by its findings
  bool rests_on_unverified = false;     // a parameter it used is `unverified`
  std::optional<WaiverInfo> waiver;
  Change change = Change::none;         // recorded sweeps only
  std::optional<dsl::Date> first_seen;  // sweeps: as-of date of the sweep that first had it (this run)
  std::vector<TraceStep> trace;         // only for the subject EvalOptions::trace_subject names
  // Sweeps and audits of a store: see EnforcementInfo. Shared and immutable: a few findings
  // have one, and a sweep's million findings should not each carry its empty space.
  std::shared_ptr<const EnforcementInfo> enforcement;
};

// A finding of the previous sweep that a new sweep no longer has.
struct ResolvedFinding {
  std::string rule, subject_record, subject_key;
  std::string owner_key;                // the key of its owner ("" = none)
  std::string verdict, first_seen;
};

// A document or value the permit officer must obtain before deciding (from an unknown verdict):
// the record field that is missing and what it is.
struct DocumentRequest {
  std::string field;                    // "application.replaced_capacity_t"
  std::string description;              // the field's description in the schema (Chinese)
  std::vector<std::string> rules;       // the rules that need it
};

// The screening decision for one application (`ecoaudit screen`):
//   reject       a rule whose severity is above `advice` is violated (a prohibition)
//   conditional  nothing is violated, but something is unknown (documents to request) or an
//                advice-level rule flags the project for review (conditions)
//   approve      every applicable rule passes
enum class Decision : std::uint8_t { approve, conditional, reject };

struct ApplicationDecision {
  std::string application_id;
  std::string project_name;
  Decision decision = Decision::approve;
  std::vector<std::size_t> reasons;     // indexes into the run's findings: the violations
  std::vector<std::size_t> conditions;  // indexes of advice-level violations (flags for review)
  std::vector<std::size_t> unknowns;    // indexes of unknown findings
  std::vector<DocumentRequest> documents;
};

inline const char* to_string(Decision d) {
  switch (d) {
    case Decision::approve: return "approve";
    case Decision::conditional: return "conditional";
    case Decision::reject: return "reject";
  }
  return "approve";
}

// What a run evaluated: the legal date, the data and the ruleset.
struct RunInfo {
  std::string command;                  // audit | screen | sweep | test
  std::string generated_at;             // UTC, ISO 8601 (the only field that varies between runs)
  dsl::Date as_of{};
  std::optional<std::int64_t> data_as_of_batch;
  std::string ruleset, ruleset_title, ruleset_sha256;
  std::vector<std::int64_t> batches;    // batches whose rows were evaluated
  std::optional<std::int64_t> sweep_id;           // recorded sweeps only
  std::optional<std::int64_t> previous_sweep_id;  // the sweep the changes are relative to
};

// One recorded sweep of the store's history (engine/sweeps): when, as of which date, and how
// many findings of each verdict and severity it recorded (pass and not_applicable never are).
struct SweepSummary {
  std::int64_t id = 0;
  std::string started_at;               // UTC, ISO 8601
  std::string as_of;                    // YYYY-MM-DD
  std::size_t findings = 0;
  std::size_t violations = 0;           // violation + late
  std::size_t unknown = 0;
  std::size_t upcoming = 0;
  std::size_t enterprises_with_violations = 0;
};

}  // namespace eco::engine
