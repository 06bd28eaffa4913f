#include "app/browse.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <tuple>
#include <variant>

#include "app/report_data.hpp"
#include "app/ruleset.hpp"
#include "app/ruleset_cache.hpp"
#include "app/snapshot_cache.hpp"
#include "engine/store/schema_sql.hpp"
#include "engine/sweeps/history.hpp"

namespace eco::app {
namespace {

namespace model = dsl::model;
using engine::store::quote_ident;
using Bind = std::variant<std::string, std::int64_t>;

// "AIR-01" -> "AIR" (as the reports group requirements: reports/common.cpp).
std::string area_of(const std::string& requirement) {
  const auto dash = requirement.find('-');
  return dash == std::string::npos ? requirement : requirement.substr(0, dash);
}

const model::RecordType& owner_of(const model::Ruleset& rs) {
  const auto* owner = rs.schema.owner();
  if (!owner) throw BrowseError("the ruleset declares no owner record (`role owner`)");
  return *owner;
}

bool holds_text(const model::Field& f) { return f.type.is(model::Kind::string) || f.type.is(model::Kind::enum_); }

// The label a reader sees for a stored value of `f`.
ShownValue shown(const model::Field& f, std::string value) {
  std::string label = value;
  if (f.type.is(model::Kind::enum_) && f.type.enum_type) {
    const int i = f.type.enum_type->find(value);
    if (i >= 0 && !f.type.enum_type->values[static_cast<std::size_t>(i)].label.empty())
      label = f.type.enum_type->values[static_cast<std::size_t>(i)].label;
  }
  return {std::move(value), std::move(label)};
}

// How the owner record is read in SQL, under the alias `o`: its key as the history stores it
// (the key fields' values joined with '|'), its name, its jurisdiction and its dimensions.
struct OwnerSql {
  const model::Ruleset& rs;
  const model::RecordType& owner;
  std::vector<reports::Dimension> dims;

  OwnerSql(const model::Ruleset& r) : rs(r), owner(owner_of(r)), dims(browse_dimensions(r)) {}

  std::string table() const { return quote_ident(owner.name); }
  std::string col(int field) const { return "o." + quote_ident(owner.fields[static_cast<std::size_t>(field)].name); }
  // A single text key is compared as the column itself, so that a lookup or the findings' join
  // uses the key's unique index; other keys are cast (and joined) as the snapshot renders them.
  std::string key() const {
    std::string out;
    for (auto k : owner.key_fields) {
      if (!out.empty()) out += " || '|' || ";
      const auto& f = owner.fields[k];
      const std::string c = "o." + quote_ident(f.name);
      out += owner.key_fields.size() == 1 && holds_text(f) ? c : "CAST(" + c + " AS TEXT)";
    }
    return out.empty() ? "CAST(o._row AS TEXT)" : out;
  }
  std::string name() const { return rs.schema.roles.owner_name >= 0 ? col(rs.schema.roles.owner_name) : key(); }
  std::string jurisdiction() const {
    return rs.schema.roles.owner_jurisdiction >= 0 ? col(rs.schema.roles.owner_jurisdiction) : "NULL";
  }
  // key, name, jurisdiction, then the dimensions: the columns read_row() reads from `first`.
  std::string columns() const {
    std::string out = key() + ", " + name() + ", " + jurisdiction();
    for (const auto& d : dims) out += ", o." + quote_ident(d.field);
    return out;
  }
  std::size_t column_count() const { return 3 + dims.size(); }
  OwnerRow read_row(SQLite::Statement& q, int first) const {
    auto text = [&](int i) { return q.getColumn(first + i).isNull() ? std::string() : q.getColumn(first + i).getString(); };
    OwnerRow r;
    r.key = text(0);
    r.name = text(1);
    r.jurisdiction = text(2);
    for (std::size_t i = 0; i < dims.size(); ++i) {
      const auto& f = owner.fields[static_cast<std::size_t>(owner.find_field(dims[i].field))];
      r.values[dims[i].field] = shown(f, text(3 + static_cast<int>(i)));
    }
    return r;
  }
};

// A WHERE clause being built with its bound values.
struct Where {
  std::vector<std::string> terms;
  std::vector<Bind> binds;

  void add(std::string term, std::vector<Bind> values = {}) {
    terms.push_back(std::move(term));
    for (auto& v : values) binds.push_back(std::move(v));
  }
  void any_of(const std::string& expr, const std::vector<std::string>& values) {
    if (values.empty()) {
      add("0");  // nothing is one of no values
      return;
    }
    std::string list;
    for (std::size_t i = 0; i < values.size(); ++i) list += i ? ", ?" : "?";
    add(expr + " IN (" + list + ")", std::vector<Bind>(values.begin(), values.end()));
  }
  std::string sql() const {
    std::string out;
    for (const auto& t : terms) out += (out.empty() ? " WHERE " : " AND ") + t;
    return out;
  }
  // The terms after a WHERE the caller wrote: " AND t1 AND t2".
  std::string and_sql() const {
    std::string out;
    for (const auto& t : terms) out += " AND " + t;
    return out;
  }
  void bind(SQLite::Statement& q, int first = 1) const {
    int i = first;
    for (const auto& b : binds) {
      if (const auto* s = std::get_if<std::string>(&b)) q.bind(i++, *s);
      else q.bind(i++, static_cast<std::int64_t>(std::get<std::int64_t>(b)));
    }
  }
};

// The owner filter and the jurisdiction limit as terms over `o`.
void owner_terms(const OwnerSql& os, const OwnerFilter& where, const std::optional<std::vector<std::string>>& limit_to,
                 Where& w) {
  for (const auto& [field, value] : where) {
    const int fi = os.owner.find_field(field);
    const model::Field* f = fi < 0 ? nullptr : &os.owner.fields[static_cast<std::size_t>(fi)];
    if (!f || f->key || !holds_text(*f))
      throw BrowseError(fmt::format("'{}' is not a field of {} to filter by (a text or enum field that is not its key)",
                                    field, os.owner.name));
    if (f->type.is(model::Kind::enum_) && f->type.enum_type && f->type.enum_type->find(value) < 0)
      throw BrowseError(fmt::format("'{}' is not a value of {}.{} ({})", value, os.owner.name, field,
                                    f->type.enum_type->name));
    w.add(os.col(fi) + " = ?", {value});
  }
  if (!limit_to) return;
  // Limited, and no field to compare: nothing (authorize() refuses this before; a caller that
  // did not ask it still gets nothing rather than everything).
  if (os.rs.schema.roles.owner_jurisdiction < 0) w.add("0");
  else w.any_of(os.jurisdiction(), *limit_to);
}

void check_page(std::size_t limit) {
  if (limit < 1 || limit > kMaxPage) throw BrowseError(fmt::format("a page holds 1 to {} rows, not {}", kMaxPage, limit));
}

bool has_table(SQLite::Database& db, const char* name) {
  SQLite::Statement q(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
  q.bind(1, name);
  return q.executeStep() && q.getColumn(0).getInt() > 0;
}

// The store's file: its path, and the file system's identity of the file (device, inode), so
// that another store moved or copied in under the same name is not taken for this one.
std::string store_identity(engine::store::Store& store) {
  const auto path = std::filesystem::absolute(store.path()).lexically_normal().string();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return path;
  return fmt::format("{}\n{}:{}", path, static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino));
}

// The sweep a query reads: `id`, or the latest recorded sweep of the ruleset (id 0 when none).
engine::SweepSummary sweep_of(engine::store::Store& store, const model::Ruleset& rs, std::int64_t id) {
  engine::SweepSummary s;
  auto& db = store.db();
  if (!has_table(db, "_sweep")) {
    if (id) throw BrowseError(fmt::format("no sweep {} is recorded in the store", id));
    return s;
  }
  SQLite::Statement q(db, id ? "SELECT id, started_at, as_of, findings, ruleset FROM _sweep WHERE id = ?"
                             : "SELECT id, started_at, as_of, findings, ruleset FROM _sweep WHERE ruleset = ? "
                               "ORDER BY id DESC LIMIT 1");
  if (id) q.bind(1, static_cast<std::int64_t>(id));
  else q.bind(1, rs.id);
  if (!q.executeStep()) {
    if (id) throw BrowseError(fmt::format("no sweep {} is recorded in the store", id));
    return s;
  }
  if (q.getColumn(4).getString() != rs.id)
    throw BrowseError(fmt::format("sweep {} was recorded by the ruleset '{}', not '{}'", id, q.getColumn(4).getString(), rs.id));
  s.id = q.getColumn(0).getInt64();
  s.started_at = q.getColumn(1).getString();
  s.as_of = q.getColumn(2).getString();
  s.findings = static_cast<std::size_t>(q.getColumn(3).getInt64());
  // A recorded sweep never changes (the history is append-only): its summary is counted once per
  // process, not for every page (~100 ms at 76k findings). Keyed by the store's file (its path
  // and the file's identity: another store put in under the same name is counted again), the
  // sweep and its start.
  static std::mutex summaries_mutex;
  static std::map<std::tuple<std::string, std::int64_t, std::string>, engine::SweepSummary> summaries;
  const auto summary_key = std::make_tuple(store_identity(store), s.id, s.started_at);
  {
    std::lock_guard lock(summaries_mutex);
    if (auto it = summaries.find(summary_key); it != summaries.end()) return it->second;
  }
  SQLite::Statement c(db, "SELECT verdict, count(*) FROM _sweep_finding WHERE sweep = ? GROUP BY verdict");
  c.bind(1, static_cast<std::int64_t>(s.id));
  while (c.executeStep()) {
    const auto v = c.getColumn(0).getString();
    const auto n = static_cast<std::size_t>(c.getColumn(1).getInt64());
    if (v == "violation" || v == "late") s.violations += n;
    if (v == "unknown") s.unknown += n;
    if (v == "upcoming") s.upcoming += n;
  }
  SQLite::Statement e(db, "SELECT count(DISTINCT enterprise_id) FROM _sweep_finding WHERE sweep = ? "
                          "AND verdict IN ('violation','late') AND enterprise_id IS NOT NULL");
  e.bind(1, static_cast<std::int64_t>(s.id));
  if (e.executeStep()) s.enterprises_with_violations = static_cast<std::size_t>(e.getColumn(0).getInt64());
  std::lock_guard lock(summaries_mutex);
  if (summaries.size() >= 256) summaries.clear();  // a bound; a cleared sweep is counted again
  summaries.emplace(summary_key, s);
  return s;
}

// The rules whose requirements fall in `area`; BrowseError when no rule's do.
std::vector<std::string> rules_of_area(const model::Ruleset& rs, const std::string& area) {
  std::vector<std::string> out;
  for (const auto& r : rs.rules)
    if (std::any_of(r.requirements.begin(), r.requirements.end(), [&](const auto& q) { return area_of(q) == area; }))
      out.push_back(r.id);
  if (out.empty()) throw BrowseError(fmt::format("no rule of the ruleset implements a requirement of the area '{}'", area));
  return out;
}

// The finding filters other than the sweep, as terms over `f` (the history's finding) and `o`.
// `owner_joined`: whether the query must keep only findings whose owner is stored.
void finding_terms(const OwnerSql& os, const OwnerFilter& where, const std::optional<std::vector<std::string>>& limit_to,
                   const std::string& severity, const std::string& verdict, const std::string& area,
                   const std::string& rule, const std::string& owner, Where& w) {
  const model::Ruleset& rs = os.rs;
  if (!severity.empty()) {
    if (!model::parse_severity(severity)) throw BrowseError(fmt::format("'{}' is not a severity", severity));
    w.add("f.severity = ?", {severity});
  }
  if (!verdict.empty()) {
    // One verdict, or several separated by commas ("violation,late": the dashboard's violations).
    std::vector<std::string> verdicts;
    for (std::size_t at = 0; at <= verdict.size();) {
      const auto comma = std::min(verdict.find(',', at), verdict.size());
      const std::string v = verdict.substr(at, comma - at);
      if (!model::parse_verdict(v)) throw BrowseError(fmt::format("'{}' is not a verdict", v));
      verdicts.push_back(v);
      at = comma + 1;
    }
    w.any_of("f.verdict", verdicts);
  }
  if (!rule.empty()) {
    if (!rs.find_rule(rule)) throw BrowseError(fmt::format("no rule '{}' in the ruleset", rule));
    w.add("f.rule = ?", {rule});
  }
  if (!area.empty()) w.any_of("f.rule", rules_of_area(rs, area));
  if (!owner.empty()) w.add("f.enterprise_id = ?", {owner});
  owner_terms(os, where, limit_to, w);
}

// The history's findings joined with their owner: FROM and JOIN.
std::string findings_from(const OwnerSql& os) {
  return " FROM _sweep_finding f LEFT JOIN " + os.table() + " o ON " + os.key() + " = f.enterprise_id";
}

// The sweep's finding order: severity (critical first), then as recorded.
// The expression is the history's own (engine::sweeps::severity_rank_sql), so that the query reads
// the history's index on (sweep, rank) in order instead of sorting the sweep.
std::string findings_order() { return " ORDER BY " + engine::sweeps::severity_rank_sql("f.severity") + ", f.rowid"; }

struct FindingsRead {
  engine::SweepSummary sweep;
  std::size_t total = 0;
  std::vector<FindingRow> rows;
};

// The query's findings: every one (`all`) or one page.
FindingsRead read_findings(engine::store::Store& store, const model::Ruleset& rs, const FindingQuery& query, bool all) {
  if (!all) check_page(query.limit);
  OwnerSql os(rs);
  FindingsRead out;
  out.sweep = sweep_of(store, rs, query.sweep);
  Where w;
  w.add("f.sweep = ?", {out.sweep.id});
  finding_terms(os, query.where, query.limit_to, query.severity, query.verdict, query.area, query.rule, query.owner, w);
  if (!out.sweep.id) return out;
  auto& db = store.db();
  // Without a term on the owner the LEFT JOIN keeps every finding: the count needs no join.
  const bool owner_terms_given = !query.where.empty() || query.limit_to.has_value();
  SQLite::Statement count(db, "SELECT count(*)" + (owner_terms_given ? findings_from(os) : std::string(" FROM _sweep_finding f")) +
                                  w.sql());
  w.bind(count);
  if (count.executeStep()) out.total = static_cast<std::size_t>(count.getColumn(0).getInt64());
  std::string sql = "SELECT f.rule, f.severity, f.verdict, f.subject_record, f.subject_key, f.first_seen, "
                    "o._row IS NOT NULL, " + os.columns() + findings_from(os) + w.sql() + findings_order();
  if (!all) sql += " LIMIT ? OFFSET ?";
  SQLite::Statement q(db, sql);
  w.bind(q);
  if (!all) {
    q.bind(static_cast<int>(w.binds.size()) + 1, static_cast<std::int64_t>(query.limit));
    q.bind(static_cast<int>(w.binds.size()) + 2, static_cast<std::int64_t>(query.offset));
  }
  while (q.executeStep()) {
    FindingRow r;
    r.rule = q.getColumn(0).getString();
    if (const auto* rule = rs.find_rule(r.rule)) {
      r.title_zh = rule->title_zh;
      r.title_en = rule->title_en;
      r.requirements = rule->requirements;
    }
    r.severity = model::parse_severity(q.getColumn(1).getString()).value_or(model::Severity::medium);
    r.verdict = model::parse_verdict(q.getColumn(2).getString()).value_or(model::Verdict::error);
    r.subject_record = q.getColumn(3).getString();
    r.subject_key = q.getColumn(4).getString();
    r.first_seen = q.getColumn(5).getString();
    if (q.getColumn(6).getInt()) r.owner = os.read_row(q, 7);
    out.rows.push_back(std::move(r));
  }
  return out;
}

// Removes a folder made by temp_folder() when it goes.
struct TempFolder {
  std::filesystem::path path;
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ecoaudit-browse-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw reports::ReportError("cannot create a temporary folder for a report");
    path = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
};

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool is_violation(const std::string& verdict) { return verdict == "violation" || verdict == "late"; }

void tally(std::vector<Tally>& tallies, const std::string& key, const std::string& label, std::size_t n, bool violation) {
  auto it = std::find_if(tallies.begin(), tallies.end(), [&](const Tally& t) { return t.key == key; });
  if (it == tallies.end()) it = tallies.insert(tallies.end(), Tally{key, label, 0, 0});
  it->findings += n;
  if (violation) it->violations += n;
}

// The latest sweep's counts under `filters`: the totals and every tally but the owners with
// violations (counted with the trend).
void count_latest(SQLite::Database& db, const OwnerSql& os, const Where& filters, Dashboard& out) {
  const auto& rs = os.rs;
  const auto rule_areas = [&](const std::string& id) {
    std::set<std::string> areas;
    if (const auto* rule = rs.find_rule(id))
      for (const auto& q : rule->requirements) areas.insert(area_of(q));
    return areas;
  };
  // One row per (rule, verdict, severity, dimension values): a few hundred rules, a few values.
  std::string dims;
  for (const auto& d : os.dims) dims += ", o." + quote_ident(d.field);
  SQLite::Statement q(db, "SELECT f.rule, f.verdict, f.severity, count(*)" + dims + findings_from(os) +
                              " WHERE f.sweep = ?" + filters.and_sql() + " GROUP BY f.rule, f.verdict, f.severity" + dims);
  q.bind(1, static_cast<std::int64_t>(out.sweep.id));
  filters.bind(q, 2);
  std::array<std::size_t, model::kVerdictCount> verdicts{};
  std::array<std::pair<std::size_t, std::size_t>, SweepOutcome::kSeverities> severities{};
  std::map<std::string, std::pair<std::size_t, std::size_t>> areas;
  while (q.executeStep()) {
    const auto verdict = q.getColumn(1).getString();
    const auto n = static_cast<std::size_t>(q.getColumn(3).getInt64());
    const bool violation = is_violation(verdict);
    out.findings += n;
    if (violation) out.violations += n;
    if (verdict == "unknown") out.unknown += n;
    if (verdict == "upcoming") out.upcoming += n;
    if (auto v = model::parse_verdict(verdict)) verdicts[static_cast<std::size_t>(*v)] += n;
    if (auto s = model::parse_severity(q.getColumn(2).getString())) {
      severities[static_cast<std::size_t>(*s)].first += n;
      if (violation) severities[static_cast<std::size_t>(*s)].second += n;
    }
    for (const auto& a : rule_areas(q.getColumn(0).getString())) {
      areas[a].first += n;
      if (violation) areas[a].second += n;
    }
    for (std::size_t i = 0; i < os.dims.size(); ++i) {
      const auto& c = q.getColumn(4 + static_cast<int>(i));
      if (c.isNull()) continue;  // no owner stored: no value to count under
      const auto& f = os.owner.fields[static_cast<std::size_t>(os.owner.find_field(os.dims[i].field))];
      const auto v = shown(f, c.getString());
      tally(out.by_dimension[os.dims[i].field], v.value, v.label, n, violation);
    }
  }
  for (std::size_t v = 0; v < verdicts.size(); ++v)
    if (verdicts[v]) {
      const std::string name(model::to_string(static_cast<model::Verdict>(v)));
      out.by_verdict.push_back({name, name, verdicts[v], is_violation(name) ? verdicts[v] : 0});
    }
  for (std::size_t s = severities.size(); s-- > 0;)
    if (severities[s].first) {
      const std::string name(model::to_string(static_cast<model::Severity>(s)));
      out.by_severity.push_back({name, name, severities[s].first, severities[s].second});
    }
  for (const auto& [a, n] : areas) out.by_area.push_back({a, a, n.first, n.second});
  for (auto& [field, tallies] : out.by_dimension)
    std::sort(tallies.begin(), tallies.end(), [](const Tally& a, const Tally& b) {
      return a.findings != b.findings ? a.findings > b.findings : a.key < b.key;
    });
  for (const auto& d : os.dims) out.by_dimension.try_emplace(d.field);
}

// Owners with a violation or late finding among the findings `where` selects, by sweep.
std::map<std::int64_t, std::size_t> owners_with_violations(SQLite::Database& db, const OwnerSql& os,
                                                           const std::string& where, const Where& filters,
                                                           const std::vector<Bind>& first) {
  SQLite::Statement q(db, "SELECT f.sweep, count(DISTINCT f.enterprise_id)" + findings_from(os) + where +
                              filters.and_sql() +
                              " AND f.verdict IN ('violation','late') AND f.enterprise_id IS NOT NULL GROUP BY f.sweep");
  Where all{{}, first};
  all.binds.insert(all.binds.end(), filters.binds.begin(), filters.binds.end());
  all.bind(q);
  std::map<std::int64_t, std::size_t> out;
  while (q.executeStep()) out[q.getColumn(0).getInt64()] = static_cast<std::size_t>(q.getColumn(1).getInt64());
  return out;
}

// The trend: the ruleset's last `history` recorded sweeps under `filters`, oldest first.
std::vector<TrendPoint> count_trend(engine::store::Store& store, const OwnerSql& os, const Where& filters,
                                    std::size_t history) {
  std::map<std::int64_t, TrendPoint> points;
  for (const auto& s : engine::sweeps::read_history(store, os.rs.id, history))
    points[s.id] = {s.id, s.started_at, s.as_of, 0, 0, 0, 0, 0, {}};
  if (points.empty()) return {};
  std::string in;
  for (const auto& [id, p] : points) in += (in.empty() ? "" : ", ") + std::to_string(id);  // integers from the store
  const std::string where = " WHERE f.sweep IN (" + in + ")";
  SQLite::Statement q(store.db(), "SELECT f.sweep, f.verdict, count(*)" + findings_from(os) + where + filters.and_sql() +
                                      " GROUP BY f.sweep, f.verdict");
  filters.bind(q);
  while (q.executeStep()) {
    auto& p = points[q.getColumn(0).getInt64()];
    const auto verdict = q.getColumn(1).getString();
    const auto n = static_cast<std::size_t>(q.getColumn(2).getInt64());
    p.findings += n;
    if (model::parse_verdict(verdict)) tally(p.by_verdict, verdict, verdict, n, is_violation(verdict));
    if (is_violation(verdict)) p.violations += n;
    if (verdict == "unknown") p.unknown += n;
    if (verdict == "upcoming") p.upcoming += n;
  }
  for (const auto& [id, n] : owners_with_violations(store.db(), os, where, filters, {}))
    points[id].owners_with_violations = n;
  std::vector<TrendPoint> out;
  for (auto& [id, p] : points) {
    // Verdicts in their declared order, as the latest sweep's by_verdict.
    std::sort(p.by_verdict.begin(), p.by_verdict.end(), [](const Tally& a, const Tally& b) {
      return model::parse_verdict(a.key) < model::parse_verdict(b.key);
    });
    out.push_back(std::move(p));
  }
  return out;
}

// ---- The enterprise search's index ----

// The owner rows of a store's current data as the search reads them, in its order (name, then
// key, as SQLite sorts them: the rows are read with that ORDER BY). Searching 100,000 owners
// with LIKE '%text%' read the whole table twice per request (count, then page: ~40 ms of
// CPU); the same comparisons over these rows in memory take a few milliseconds.
struct OwnerIndex {
  struct Entry {
    std::string key, name, jurisdiction;
    bool key_null = false, name_null = false, jurisdiction_null = false;
    std::string key_folded, name_folded;  // ASCII letters in lower case: LIKE's comparison
    std::vector<std::int32_t> dims;       // per dimension: its value's index in `values`; -1 NULL
  };
  std::vector<Entry> entries;
  std::vector<std::vector<std::string>> values;  // per dimension, the distinct stored values
};

// SQLite's LIKE compares ASCII letters without case and every other character as it is.
std::string fold_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// What identifies the store's current data: its newest batch (every change of the records is
// an import batch: docs/store.md; app/snapshot_cache.hpp relies on the same), with the times
// and counts that tell a batch of another store with the same number apart.
std::string data_version(SQLite::Database& db) {
  if (!has_table(db, "_batch")) return "none";
  SQLite::Statement q(db, "SELECT id, started_at, coalesce(finished_at, ''), rows_read, rows_new, rows_updated "
                          "FROM _batch ORDER BY id DESC LIMIT 1");
  if (!q.executeStep()) return "none";
  std::string out;
  for (int i = 0; i < 6; ++i) out += q.getColumn(i).getString() + "\x1f";
  return out;
}

std::shared_ptr<const OwnerIndex> build_owner_index(SQLite::Database& db, const OwnerSql& os) {
  auto index = std::make_shared<OwnerIndex>();
  index->values.resize(os.dims.size());
  std::vector<std::map<std::string, std::int32_t, std::less<>>> seen(os.dims.size());
  SQLite::Statement q(db, "SELECT " + os.columns() + " FROM " + os.table() + " o ORDER BY 2, 1");
  while (q.executeStep()) {
    OwnerIndex::Entry e;
    const auto text = [&](int i, bool& null) {
      null = q.getColumn(i).isNull();
      return null ? std::string() : q.getColumn(i).getString();
    };
    e.key = text(0, e.key_null);
    e.name = text(1, e.name_null);
    e.jurisdiction = text(2, e.jurisdiction_null);
    e.key_folded = fold_ascii(e.key);
    e.name_folded = fold_ascii(e.name);
    for (std::size_t d = 0; d < os.dims.size(); ++d) {
      const auto& c = q.getColumn(3 + static_cast<int>(d));
      if (c.isNull()) {
        e.dims.push_back(-1);
        continue;
      }
      const std::string v = c.getString();
      auto it = seen[d].find(v);
      if (it == seen[d].end()) {
        it = seen[d].emplace(v, static_cast<std::int32_t>(index->values[d].size())).first;
        index->values[d].push_back(v);
      }
      e.dims.push_back(it->second);
    }
    index->entries.push_back(std::move(e));
  }
  return index;
}

// The index of the store's owners as its data stands now: kept per store file and ruleset while
// the store's newest batch is the one it was read after.
std::shared_ptr<const OwnerIndex> owner_index(engine::store::Store& store, const OwnerSql& os) {
  struct Cached {
    std::string version;
    std::shared_ptr<const OwnerIndex> index;
  };
  static std::mutex mutex;
  static std::map<std::string, Cached> cache;
  const std::string where = store_identity(store) + "\n" + os.rs.sha256;
  // Read before the rows are: a batch committed in between makes the index look older than its
  // rows, so the next search reads them again (never the other way round).
  const std::string version = data_version(store.db());
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(where); it != cache.end() && it->second.version == version) return it->second.index;
  }
  auto index = build_owner_index(store.db(), os);
  std::lock_guard lock(mutex);
  if (cache.size() >= 8) cache.clear();  // a bound: a dropped store's index is read again
  cache[where] = {version, index};
  return index;
}

// The search over the index: the rows the SQL of search_owners() selects, in its order.
OwnerPage search_index(const OwnerIndex& index, const OwnerSql& os, const OwnerQuery& query) {
  OwnerPage page;
  page.offset = query.offset;
  page.limit = query.limit;
  if (query.limit_to && os.rs.schema.roles.owner_jurisdiction < 0) return page;  // limited, nothing to compare
  // Each filter as (dimension, the index of its value; -1 when no owner has it).
  std::vector<std::pair<std::size_t, std::int32_t>> equal;
  for (const auto& [field, value] : query.where) {
    std::size_t d = 0;
    while (os.dims[d].field != field) ++d;  // the caller checked that it is a dimension
    const auto& vs = index.values[d];
    const auto it = std::find(vs.begin(), vs.end(), value);
    equal.emplace_back(d, it == vs.end() ? -1 : static_cast<std::int32_t>(it - vs.begin()));
  }
  const std::string needle = fold_ascii(query.text);
  std::size_t matched = 0;
  for (const auto& e : index.entries) {
    if (query.limit_to && (e.jurisdiction_null || std::find(query.limit_to->begin(), query.limit_to->end(),
                                                            e.jurisdiction) == query.limit_to->end()))
      continue;
    if (!std::all_of(equal.begin(), equal.end(), [&](const auto& x) { return x.second >= 0 && e.dims[x.first] == x.second; }))
      continue;
    if (!needle.empty() && !(!e.name_null && e.name_folded.find(needle) != std::string::npos) &&
        !(!e.key_null && e.key_folded.find(needle) != std::string::npos))
      continue;
    if (matched++ < query.offset || page.rows.size() >= query.limit) continue;
    OwnerRow r;
    r.key = e.key;
    r.name = e.name;
    r.jurisdiction = e.jurisdiction;
    for (std::size_t d = 0; d < os.dims.size(); ++d) {
      const auto& f = os.owner.fields[static_cast<std::size_t>(os.owner.find_field(os.dims[d].field))];
      r.values[os.dims[d].field] = shown(f, e.dims[d] < 0 ? std::string() : index.values[d][static_cast<std::size_t>(e.dims[d])]);
    }
    page.rows.push_back(std::move(r));
  }
  page.total = matched;
  return page;
}

}  // namespace

std::unique_ptr<engine::store::Store> open_for_browsing(const std::filesystem::path& db, const model::Ruleset& rs) {
  if (!std::filesystem::exists(db)) throw engine::store::StoreError("no store at " + db.string());
  engine::store::OpenOptions o;
  o.read_only = true;
  o.schema_version = store_schema_version(rs);  // a request at a time: the schema described once
  return engine::store::Store::open(db, rs.schema, o);
}

std::vector<std::string> finding_areas(const model::Ruleset& rs) {
  std::set<std::string> areas;
  for (const auto& r : rs.rules)
    for (const auto& q : r.requirements) areas.insert(area_of(q));
  return {areas.begin(), areas.end()};
}

std::vector<reports::Dimension> browse_dimensions(const model::Ruleset& rs) {
  const auto* owner = rs.schema.owner();
  if (!owner) return {};
  std::string error;
  auto dims = dimensions(*owner, {}, error).value_or(std::vector<reports::Dimension>{});
  const int j = rs.schema.roles.owner_jurisdiction;
  if (j >= 0) {
    const auto& f = owner->fields[static_cast<std::size_t>(j)];
    std::erase_if(dims, [&](const reports::Dimension& d) { return d.field == f.name; });
    dims.insert(dims.begin(), {f.name, f.description});
  }
  return dims;
}

std::vector<ShownValue> dimension_values(engine::store::Store& store, const model::Ruleset& rs, const std::string& field) {
  const auto& owner = owner_of(rs);
  const int fi = owner.find_field(field);
  const model::Field* f = fi < 0 ? nullptr : &owner.fields[static_cast<std::size_t>(fi)];
  if (!f || f->key || !holds_text(*f))
    throw BrowseError(fmt::format("'{}' is not a field of {} to filter by (a text or enum field that is not its key)",
                                  field, owner.name));
  std::vector<ShownValue> out;
  if (f->type.is(model::Kind::enum_) && f->type.enum_type) {
    for (const auto& v : f->type.enum_type->values) out.push_back(shown(*f, v.name));
    return out;
  }
  SQLite::Statement q(store.db(), "SELECT DISTINCT " + quote_ident(f->name) + " FROM " + quote_ident(owner.name) +
                                      " WHERE " + quote_ident(f->name) + " IS NOT NULL ORDER BY 1");
  while (q.executeStep()) out.push_back(shown(*f, q.getColumn(0).getString()));
  return out;
}

OwnerPage search_owners(engine::store::Store& store, const model::Ruleset& rs, const OwnerQuery& query) {
  check_page(query.limit);
  OwnerSql os(rs);
  {
    Where checked;  // refuses a field or value that is not there, as the SQL below does
    owner_terms(os, query.where, query.limit_to, checked);
  }
  // Filters on the owner's dimensions only (all the pages give): the index in memory.
  if (std::all_of(query.where.begin(), query.where.end(), [&](const auto& kv) {
        return std::any_of(os.dims.begin(), os.dims.end(), [&](const reports::Dimension& d) { return d.field == kv.first; });
      }))
    return search_index(*owner_index(store, os), os, query);
  Where w;
  if (!query.text.empty()) {
    // LIKE with every wildcard of the user's text escaped: "%" finds a percent sign.
    std::string pattern = "%";
    for (char c : query.text) {
      if (c == '%' || c == '_' || c == '\\') pattern += '\\';
      pattern += c;
    }
    pattern += '%';
    w.add("(" + os.name() + " LIKE ? ESCAPE '\\' OR " + os.key() + " LIKE ? ESCAPE '\\')", {pattern, pattern});
  }
  owner_terms(os, query.where, query.limit_to, w);
  OwnerPage page;
  page.offset = query.offset;
  page.limit = query.limit;
  auto& db = store.db();
  const std::string from = " FROM " + os.table() + " o";
  SQLite::Statement count(db, "SELECT count(*)" + from + w.sql());
  w.bind(count);
  if (count.executeStep()) page.total = static_cast<std::size_t>(count.getColumn(0).getInt64());
  SQLite::Statement q(db, "SELECT " + os.columns() + from + w.sql() + " ORDER BY 2, 1 LIMIT ? OFFSET ?");
  w.bind(q);
  q.bind(static_cast<int>(w.binds.size()) + 1, static_cast<std::int64_t>(query.limit));
  q.bind(static_cast<int>(w.binds.size()) + 2, static_cast<std::int64_t>(query.offset));
  while (q.executeStep()) page.rows.push_back(os.read_row(q, 0));
  return page;
}

std::optional<OwnerRow> find_owner(engine::store::Store& store, const model::Ruleset& rs, const std::string& key) {
  OwnerSql os(rs);
  SQLite::Statement q(store.db(), "SELECT " + os.columns() + " FROM " + os.table() + " o WHERE " + os.key() + " = ?");
  q.bind(1, key);
  if (!q.executeStep()) return std::nullopt;
  return os.read_row(q, 0);
}

LiveAuditOutcome live_audit(const LiveAuditRequest& request, std::stop_token stop) {
  LiveAuditOutcome out;
  std::optional<TempFolder> folder;
  try {
    folder.emplace();
  } catch (const reports::ReportError& e) {
    out.fail(RunStatus::report_error, e.what());
    return out;
  }
  AuditRequest a;
  a.db = request.db;
  a.ruleset = request.ruleset;
  a.owner = request.owner;
  a.as_of = request.as_of;
  a.lang = request.lang;
  a.reports.formats = {reports::Format::html, reports::Format::json};
  a.reports.out = folder->path.string();
  // One snapshot for every live audit of the process, reloaded when the store gets a batch:
  // loading the whole store for each audit cost seconds at 100k enterprises.
  static SnapshotCache snapshots;
  a.snapshots = &snapshots;
  // And one checked, compiled ruleset: parsing and compiling it was a third of an audit.
  static RulesetCache rulesets;
  a.rulesets = &rulesets;
  auto audit = run_audit(a, {}, std::move(stop));
  out.status = audit.status;
  out.errors = audit.errors;
  out.findings = audit.findings;
  if (audit.status != RunStatus::done) return out;
  // The run names its files after the owner (audit-<key>.html): read them whatever the name.
  for (const auto& entry : std::filesystem::directory_iterator(folder->path)) {
    const auto ext = entry.path().extension();
    if (ext == ".html") out.html = read_file(entry.path());
    else if (ext == ".json") out.json = read_file(entry.path());
  }
  return out;
}

FindingPage list_findings(engine::store::Store& store, const model::Ruleset& rs, const FindingQuery& query) {
  auto read = read_findings(store, rs, query, false);
  FindingPage page;
  page.sweep = std::move(read.sweep);
  page.total = read.total;
  page.offset = query.offset;
  page.limit = query.limit;
  page.rows = std::move(read.rows);
  return page;
}

std::string export_findings(engine::store::Store& store, const model::Ruleset& rs, const FindingQuery& query,
                            reports::Format format, const std::string& lang,
                            std::vector<std::pair<std::string, std::string>> selection) {
  if (format != reports::Format::csv && format != reports::Format::xlsx)
    throw BrowseError(fmt::format("findings are exported as csv or xlsx, not {}", reports::to_string(format)));
  auto read = read_findings(store, rs, query, true);
  const auto& owner = owner_of(rs);
  reports::ReportData d;
  d.kind = reports::ReportKind::sweep;
  d.lang = lang;
  d.run.command = "sweep";
  d.run.generated_at = engine::store::utc_now();
  if (auto as_of = dsl::parse_date(read.sweep.as_of)) d.run.as_of = *as_of;
  d.run.ruleset = rs.id;
  d.run.ruleset_title = rs.title;
  d.run.ruleset_sha256 = rs.sha256;
  if (read.sweep.id) d.run.sweep_id = read.sweep.id;
  d.selection = std::move(selection);
  d.dimensions = browse_dimensions(rs);
  d.field_descriptions = field_descriptions(rs.schema);
  std::vector<engine::Finding> findings;
  findings.reserve(read.rows.size());
  std::map<std::string, reports::EnterpriseInfo> owners;
  for (auto& r : read.rows) {
    engine::Finding f;
    f.rule = r.rule;
    f.title_zh = r.title_zh;
    f.title_en = r.title_en;
    if (const auto* rule = rs.find_rule(r.rule)) f.citations = rule->citations;
    f.requirements = r.requirements;
    f.severity = r.severity;
    f.verdict = r.verdict;
    f.subject_record = r.subject_record;
    f.subject_key = r.subject_key;
    f.first_seen = dsl::parse_date(r.first_seen);
    if (r.owner) {
      f.owner = {owner.name, r.owner->key};
      auto& e = owners[r.owner->key];
      e.key = r.owner->key;
      e.name = r.owner->name;
      for (const auto& [field, v] : r.owner->values) e.dimensions[field] = v.label;
    }
    findings.push_back(std::move(f));
  }
  d.findings = &findings;
  for (auto& [key, e] : owners) d.enterprises.push_back(std::move(e));
  d.enterprises_checked = d.enterprises.size();
  if (format == reports::Format::csv) return reports::csv_report(d);
  TempFolder folder;
  const auto path = folder.path / "findings.xlsx";
  reports::write_xlsx_report(d, path.string());
  return read_file(path);
}

Dashboard dashboard(engine::store::Store& store, const model::Ruleset& rs, const DashboardQuery& query) {
  OwnerSql os(rs);
  Dashboard out;
  out.sweep = sweep_of(store, rs, 0);
  Where filters;
  finding_terms(os, query.where, query.limit_to, query.severity, "", query.area, "", "", filters);
  if (!out.sweep.id) return out;
  // The counts group the latest sweeps' findings (the trend: up to `history` sweeps) by the
  // owners' current values: counted once per store file, ruleset, latest sweep, newest batch and
  // query, not for every request (each counted the whole latest sweep and the trend's sweeps).
  std::string key = fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n", store_identity(store), rs.sha256, out.sweep.id,
                                out.sweep.started_at, data_version(store.db()), query.severity, query.area, query.history);
  for (const auto& [field, value] : query.where) key += field + "=" + value + "\x1f";
  key += query.limit_to ? "\n limit:" : "\n all";
  if (query.limit_to)
    for (const auto& j : *query.limit_to) key += j + "\x1f";
  static std::mutex mutex;
  static std::map<std::string, Dashboard> counted;
  {
    std::lock_guard lock(mutex);
    if (auto it = counted.find(key); it != counted.end()) return it->second;
  }
  count_latest(store.db(), os, filters, out);
  out.trend = count_trend(store, os, filters, query.history);
  const auto owners = owners_with_violations(store.db(), os, " WHERE f.sweep = ?", filters, {out.sweep.id});
  if (auto it = owners.find(out.sweep.id); it != owners.end()) out.owners_with_violations = it->second;
  std::lock_guard lock(mutex);
  if (counted.size() >= 64) counted.clear();  // a bound; a dropped query is counted again
  counted.emplace(std::move(key), out);
  return out;
}

}  // namespace eco::app
