#include "app/browse.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <variant>

#include "app/report_data.hpp"
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
std::string findings_order() {
  std::string out = " ORDER BY CASE f.severity";
  for (int s = static_cast<int>(model::Severity::critical), rank = 0; s >= 0; --s, ++rank)
    out += fmt::format(" WHEN '{}' THEN {}", model::to_string(static_cast<model::Severity>(s)), rank);
  return out + " ELSE 99 END, f.rowid";
}

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
  SQLite::Statement count(db, "SELECT count(*)" + findings_from(os) + w.sql());
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

}  // namespace

std::unique_ptr<engine::store::Store> open_for_browsing(const std::filesystem::path& db, const model::Ruleset& rs) {
  if (!std::filesystem::exists(db)) throw engine::store::StoreError("no store at " + db.string());
  engine::store::OpenOptions o;
  o.read_only = true;
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
  count_latest(store.db(), os, filters, out);
  out.trend = count_trend(store, os, filters, query.history);
  const auto owners = owners_with_violations(store.db(), os, " WHERE f.sweep = ?", filters, {out.sweep.id});
  if (auto it = owners.find(out.sweep.id); it != owners.end()) out.owners_with_violations = it->second;
  return out;
}

}  // namespace eco::app
