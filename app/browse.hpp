#pragma once
// What the workbench's browsing pages and their API read (issue 14: the dashboard, the
// enterprise search, the live audit of one enterprise, the findings list and its export), as
// plain functions over a store opened for the checked ruleset. Nothing here knows a record or
// field by its name: the owner record (`role owner`), its name (`role name`) and its
// jurisdiction (`role jurisdiction`) come from the ruleset, and the filters name fields of the
// owner record as the ruleset spells them ("county", "industry" for Jinzhong).
//
// The findings are those a recorded sweep kept in the store's history (engine/sweeps:
// rule, subject, owner, verdict, severity, first seen; never pass or not_applicable): the
// latest recorded sweep of the ruleset, or one named by its id. Filters on the owner's fields
// read the owner record as it stands now (the history keeps only the owner's key).
//
// Jurisdictions: every query takes `limit_to`, the list app::authorize returns for a scoped
// grant (an inspector's). Set, only owners whose declared jurisdiction value is one of them are
// counted, listed or exported; an empty list, or a ruleset declaring no jurisdiction field,
// then selects nothing (never everything).
//
// Every function reads only (a store opened read-only is enough) and throws BrowseError for a
// request that names something that is not there (a field, a value, a sweep), and
// engine::store::StoreError when the store cannot be read.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "app/sweep.hpp"
#include "dsl/model/ruleset.hpp"
#include "engine/findings/finding.hpp"
#include "engine/store/store.hpp"
#include "reports/report.hpp"

namespace eco::app {

// A request naming what is not there: an unknown field or value, a sweep that was not
// recorded, a page size out of range. The message is a sentence for the user (the server
// answers 400 with it).
class BrowseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The store at `db` opened read-only for the browsing queries (one per request thread: a SQLite
// connection is not shared between threads); readers are never blocked by a writer (WAL).
// Throws StoreError when it cannot be opened for `rs`'s schema.
std::unique_ptr<engine::store::Store> open_for_browsing(const std::filesystem::path& db, const dsl::model::Ruleset& rs);

// The owner record's fields a filter may name: its fields holding text (strings and enums)
// that are not its key. Values are compared as stored (an enum value by its name).
using OwnerFilter = std::map<std::string, std::string>;  // field -> value

// The largest page a query returns.
inline constexpr std::size_t kMaxPage = 500;

// A value of an owner's field as stored, and as a reader sees it (an enum value's label; the
// value itself when it has none).
struct ShownValue {
  std::string value, label;
  friend bool operator==(const ShownValue&, const ShownValue&) = default;
};

// One owner (an enterprise) in a list.
struct OwnerRow {
  std::string key;           // its key (a composite key's values joined with '|')
  std::string name;          // its `role name` field, or the key
  std::string jurisdiction;  // its declared jurisdiction value ("" when none is declared or set)
  // The values of the owner's dimensions (browse_dimensions): field -> value.
  std::map<std::string, ShownValue> values;
};

// The owner record's fields the pages filter and group by: its required enum fields (the
// dashboard's default dimensions, app::dimensions), with the jurisdiction field first when it
// is declared. Empty when the ruleset declares no owner.
std::vector<reports::Dimension> browse_dimensions(const dsl::model::Ruleset& rs);

// The values a dimension can take, for a filter's choices: an enum field's values in their
// declared order (with labels); a string field's distinct stored values, sorted. Throws
// BrowseError when `field` is not a filterable field of the owner record.
std::vector<ShownValue> dimension_values(engine::store::Store& store, const dsl::model::Ruleset& rs,
                                         const std::string& field);

// The requirement areas the ruleset's rules implement ("AIR" for AIR-01, AIR-02 ...), sorted:
// the values FindingQuery::area and DashboardQuery::area accept.
std::vector<std::string> finding_areas(const dsl::model::Ruleset& rs);

// ---- Enterprise search ----

struct OwnerQuery {
  // Part of the owner's name or of its key, case as written ("" = any). %, _ and \ match
  // themselves.
  std::string text;
  OwnerFilter where;                                 // fields equal to values (all of them)
  std::optional<std::vector<std::string>> limit_to;  // authorize()'s limit_to
  std::size_t offset = 0, limit = 50;                // limit 1..kMaxPage
};

struct OwnerPage {
  std::size_t total = 0;  // owners the query selects (before paging)
  std::size_t offset = 0, limit = 0;
  std::vector<OwnerRow> rows;  // by name, then key
};

// The owners the query selects, one page. Throws BrowseError (no owner record, an unknown
// field, a bad page) or StoreError. The text matches as SQLite's LIKE '%text%' does (ASCII
// letters without case, any other character as written: a Chinese name's part finds it). A
// query whose filters name only the owner's dimensions (browse_dimensions: the pages' filters)
// is answered from the owners' rows held in memory, read once per store file, ruleset and
// newest import batch (a new batch reads them again; ~30 MB at 100,000 owners); other filters
// are a query of the store.
OwnerPage search_owners(engine::store::Store& store, const dsl::model::Ruleset& rs, const OwnerQuery& query);

// The owner with key `key`, or nullopt when the store has none. The server reads it before an
// audit to authorize by its jurisdiction value.
std::optional<OwnerRow> find_owner(engine::store::Store& store, const dsl::model::Ruleset& rs, const std::string& key);

// ---- The live audit of one enterprise ----

struct LiveAuditRequest {
  std::filesystem::path db, ruleset;
  std::string owner;        // the owner's key
  dsl::Date as_of{};        // the legal date
  std::string lang = "zh";  // zh | en
};

// status and errors (RunResult) as run_audit's. done: the audit's reports as the command
// line writes them: `html` (the whole page: the enterprise's card, its findings with evidence,
// the on-site checklist from the unknowns, upcoming deadlines, parameters; printable) and
// `json` (the same findings for the API).
struct LiveAuditOutcome : RunResult {
  std::string html, json;
  std::size_t findings = 0;
};

// Audits one owner now (app::run_audit, never recorded) and returns its reports' text; the
// reports are written to a private temporary folder that is removed before returning. The
// live audits of a process share one loaded snapshot of the store (app/snapshot_cache.hpp:
// reloaded by the first audit after a new batch; the process holds it, ~400 MB for a
// 100k-enterprise store, from its first audit on).
LiveAuditOutcome live_audit(const LiveAuditRequest& request, std::stop_token stop = {});

// ---- Findings of a recorded sweep ----

struct FindingQuery {
  std::int64_t sweep = 0;  // a recorded sweep's id; 0: the latest recorded sweep of the ruleset
  OwnerFilter where;       // the owner's fields equal to values
  std::optional<std::vector<std::string>> limit_to;
  std::string severity;    // "" or a severity's name (advice .. critical)
  std::string verdict;     // "" or a verdict's name (violation, late, unknown, ...), or several
                           // separated by commas ("violation,late": any of them)
  std::string area;        // "" or a requirement area ("AIR": requirements AIR-01, AIR-02, ...)
  std::string rule;        // "" or a rule id of the ruleset
  std::string owner;       // "" or one owner's key
  std::size_t offset = 0, limit = 50;  // limit 1..kMaxPage
};

struct FindingRow {
  std::string rule, title_zh, title_en;
  std::vector<std::string> requirements;  // the rule's requirement ids
  dsl::model::Severity severity = dsl::model::Severity::medium;
  dsl::model::Verdict verdict = dsl::model::Verdict::unknown;
  std::string subject_record, subject_key;
  std::optional<OwnerRow> owner;  // nullopt: the finding has no owner, or it is no longer stored
  std::string first_seen;         // YYYY-MM-DD
};

struct FindingPage {
  engine::SweepSummary sweep;  // the sweep read (id 0 and no rows: the store has none recorded)
  std::size_t total = 0;       // findings the query selects (before paging)
  std::size_t offset = 0, limit = 0;
  // By severity (critical first), then the sweep's order (rule by rule, subject by subject).
  std::vector<FindingRow> rows;
};

// One page of the sweep's findings the query selects. Throws BrowseError (an unknown sweep,
// field, severity, verdict, rule or area; a bad page) or StoreError.
FindingPage list_findings(engine::store::Store& store, const dsl::model::Ruleset& rs, const FindingQuery& query);

// Every finding the query selects (offset and limit ignored), in the list's order, written
// through the reports' writers: csv (reports::csv_report) or xlsx (reports::write_xlsx_report)
// in `lang`. The rows carry what the history keeps (rule, titles, requirements, citations,
// severity, verdict, subject, owner with its dimensions, first seen); a recorded finding has no
// message or evidence: the live audit has them. `selection` names the query's filters in the
// reader's words ((what, value) pairs, as the page that asks for the export shows them): the
// XLSX summary lists them (or says nothing was filtered); a CSV is one table and has no place
// for them (the server names them in the file's name). Returns the file's bytes. Throws
// BrowseError, StoreError or reports::ReportError.
std::string export_findings(engine::store::Store& store, const dsl::model::Ruleset& rs, const FindingQuery& query,
                            reports::Format format, const std::string& lang,
                            std::vector<std::pair<std::string, std::string>> selection = {});

// ---- Dashboard ----

// Counts of one group of findings.
struct Tally {
  std::string key;  // the group's value: a verdict's, severity's or area's name, a field's value
  std::string label;  // an enum value's label, else the key
  std::size_t findings = 0;
  std::size_t violations = 0;  // violation + late
  friend bool operator==(const Tally&, const Tally&) = default;
};

// One sweep of the trend, counted under the same filters.
struct TrendPoint {
  std::int64_t sweep = 0;
  std::string started_at, as_of;
  std::size_t findings = 0, violations = 0, unknown = 0, upcoming = 0;
  std::size_t owners_with_violations = 0;
  // The findings by verdict (verdicts in their declared order, those with findings; key and
  // label the verdict's name, as Dashboard::by_verdict).
  std::vector<Tally> by_verdict;
};

struct Dashboard {
  engine::SweepSummary sweep;  // the latest recorded sweep (id 0: none yet; everything empty)
  std::size_t findings = 0, violations = 0, unknown = 0, upcoming = 0;
  std::size_t owners_with_violations = 0;
  std::vector<Tally> by_verdict;    // verdicts in their order, those with findings
  std::vector<Tally> by_severity;   // critical first, those with findings
  std::vector<Tally> by_area;       // by area name; a finding counts in each area of its rule
  // Per dimension (browse_dimensions), the findings by the owner's value (by count, then value;
  // findings without an owner are left out).
  std::map<std::string, std::vector<Tally>> by_dimension;
  std::vector<TrendPoint> trend;    // the ruleset's recorded sweeps, oldest first, the last `history`
};

struct DashboardQuery {
  OwnerFilter where;
  std::optional<std::vector<std::string>> limit_to;
  std::string severity, area;  // as FindingQuery's
  std::size_t history = 24;    // sweeps in the trend
};

// The latest recorded sweep's counts under the filters, and the trend over the earlier ones
// under the same filters. Throws BrowseError or StoreError.
Dashboard dashboard(engine::store::Store& store, const dsl::model::Ruleset& rs, const DashboardQuery& query);

}  // namespace eco::app
