#include "app/draws.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/ruleset.hpp"
#include "dsl/common/date.hpp"
#include "engine/draw/draw.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/store/schema_sql.hpp"
#include "engine/store/store.hpp"

namespace eco::app {
namespace {

using json = nlohmann::json;
namespace dr = engine::draw;

// A plan that cannot be used; the message names the plan file and the key.
struct PlanError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const dsl::model::Field& need_field(const dsl::model::RecordType& r, const std::string& name, const std::string& where) {
  int i = r.find_field(name);
  if (i < 0) throw PlanError(fmt::format("{}: record {} has no field \"{}\"", where, r.name, name));
  const auto& f = r.fields[static_cast<std::size_t>(i)];
  if (engine::store::column_type(f).empty()) throw PlanError(fmt::format("{}: field {}.{} is not a stored value", where, r.name, name));
  return f;
}

const dsl::model::RecordType& need_record(const dsl::model::Schema& s, const std::string& name, const std::string& where) {
  const auto* r = s.find_record(name);
  if (!r) throw PlanError(fmt::format("{}: the ruleset's schema has no record \"{}\"", where, name));
  return *r;
}

std::string str(const json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty())
    throw PlanError(fmt::format("{}: \"{}\" must be a non-empty string", where, key));
  return j[key].get<std::string>();
}

// A stored value as text for comparisons with the plan's values: booleans are "true"/"false".
std::string cell_text(const SQLite::Column& c, const dsl::model::Field& f) {
  if (c.isNull()) return "";
  if (f.type.kind == dsl::model::Kind::bool_) return c.getInt64() ? "true" : "false";
  return c.getString();
}

std::string value_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

// A condition {"field": [values...]}: all fields must hold one of their values.
struct Condition {
  std::vector<std::pair<std::string, std::vector<std::string>>> any_of;
};

Condition read_condition(const json& j, const dsl::model::RecordType& r, const std::string& where) {
  Condition c;
  if (j.is_null()) return c;
  if (!j.is_object()) throw PlanError(fmt::format("{}: must be an object {{\"field\": [values]}}", where));
  for (auto it = j.begin(); it != j.end(); ++it) {
    need_field(r, it.key(), where);
    std::vector<std::string> vals;
    if (it.value().is_array())
      for (const auto& v : it.value()) vals.push_back(value_text(v));
    else
      vals.push_back(value_text(it.value()));
    c.any_of.emplace_back(it.key(), std::move(vals));
  }
  return c;
}

bool holds(const Condition& c, const std::map<std::string, std::string>& row) {
  for (const auto& [f, vals] : c.any_of)
    if (std::find(vals.begin(), vals.end(), row.at(f)) == vals.end()) return false;
  return true;
}

// Reads `fields` of every row of `r` (text per cell).
std::vector<std::map<std::string, std::string>> rows_of(engine::store::Store& st, const dsl::model::RecordType& r,
                                                        const std::vector<std::string>& fields) {
  std::vector<std::string> cols;
  for (const auto& f : fields) cols.push_back(engine::store::quote_ident(f));
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < cols.size(); ++i) sql += (i ? ", " : "") + cols[i];
  sql += " FROM " + engine::store::quote_ident(r.name);
  SQLite::Statement q(st.db(), sql);
  std::vector<std::map<std::string, std::string>> out;
  while (q.executeStep()) {
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < fields.size(); ++i)
      row[fields[i]] = cell_text(q.getColumn(static_cast<int>(i)), r.fields[static_cast<std::size_t>(r.find_field(fields[i]))]);
    out.push_back(std::move(row));
  }
  return out;
}

// Builds the draw's inputs from the plan, the ruleset and the store.
dr::DrawInputs build_inputs(const json& plan, const std::string& plan_name, const dsl::model::Ruleset& rs,
                            engine::store::Store& st, std::uint64_t seed, const std::string& period, const std::string& as_of) {
  dr::DrawInputs in;
  in.seed = seed;
  in.period = period;
  in.as_of = as_of;
  in.ruleset = rs.id;
  in.ruleset_sha256 = rs.sha256;
  {
    SQLite::Statement q(st.db(), "SELECT COALESCE(MAX(id), 0) FROM _batch");
    q.executeStep();
    in.data_batch = q.getColumn(0).getInt64();
  }
  const auto& s = rs.schema;
  const std::string w = plan_name;
  if (!plan.contains("population") || !plan["population"].is_object()) throw PlanError(w + ": \"population\" is missing");
  const json& pop = plan["population"];
  const auto& er = need_record(s, str(pop, "record", w + " population"), w + " population");
  if (er.key_fields.size() != 1) throw PlanError(fmt::format("{} population: record {} needs a single key field", w, er.name));
  const std::string key = er.fields[er.key_fields[0]].name;
  const std::string county_field = pop.value("county_field", std::string());
  std::set<std::string> wanted{key};
  if (!county_field.empty()) need_field(er, county_field, w + " population.county_field"), wanted.insert(county_field);
  Condition where = read_condition(pop.value("where", json()), er, w + " population.where");
  for (const auto& [f, v] : where.any_of) wanted.insert(f);

  if (!plan.contains("strata") || !plan["strata"].is_array() || plan["strata"].empty())
    throw PlanError(w + ": \"strata\" must list at least one stratum");
  std::vector<Condition> when;
  for (std::size_t i = 0; i < plan["strata"].size(); ++i) {
    const json& sj = plan["strata"][i];
    const std::string sw = fmt::format("{} strata[{}]", w, i);
    dr::StratumSpec spec;
    spec.name = str(sj, "name", sw);
    spec.label = sj.value("label", spec.name);
    if (sj.contains("rate_param")) {
      // The rate is a parameter of the ruleset: its value and source are the ones in force on
      // the as-of day, so a changed parameter shows in --verify like any other input.
      const std::string name = str(sj, "rate_param", sw);
      const auto* p = rs.find_param(name);
      if (!p) throw PlanError(fmt::format("{}: the ruleset has no parameter \"{}\"", sw, name));
      if (p->type.kind != dsl::model::Kind::double_)
        throw PlanError(fmt::format("{}: parameter {} must be a double (a proportion such as 0.25)", sw, name));
      const auto day = dsl::parse_date(as_of);
      const dsl::model::ParamEntry* entry = nullptr;
      for (const auto& e : p->entries)
        if (!e.from || (day && *e.from <= *day)) entry = &e;
      if (!entry) throw PlanError(fmt::format("{}: parameter {} has no value in force on {}", sw, name, as_of));
      const auto v = engine::evaluate_constant(entry->value);
      if (v.kind() != dsl::cel::ValueKind::double_) throw PlanError(fmt::format("{}: parameter {} is not a constant proportion", sw, name));
      const double bp = v.as_double() * 10000;
      const double whole = std::round(bp);
      if (!(bp >= 0 && bp <= 10000) || std::abs(bp - whole) > 1e-6)
        throw PlanError(fmt::format("{}: parameter {} = {} is not a proportion in [0, 1] with at most 4 decimals", sw, name, v.as_double()));
      spec.rate_bp = static_cast<std::uint32_t>(whole);
      spec.rate_source = fmt::format("param {}: {}", name, entry->source);
      if (entry->source.empty()) throw PlanError(fmt::format("{}: parameter {} has no source", sw, name));
      if (sj.contains("rate")) throw PlanError(fmt::format("{}: give \"rate\" or \"rate_param\", not both", sw));
    } else {
      try {
        spec.rate_bp = dr::parse_rate(str(sj, "rate", sw));
      } catch (const dr::DrawError& ex) {
        throw PlanError(fmt::format("{}: {}", sw, ex.what()));
      }
      spec.rate_source = str(sj, "source", sw);  // a rate without its source cannot be published
    }
    when.push_back(read_condition(sj.value("when", json()), er, sw + ".when"));
    for (const auto& [f, v] : when.back().any_of) wanted.insert(f);
    in.strata.push_back(std::move(spec));
  }
  const json ex = plan.value("exclusions", json::object());
  in.exclude_inspected_within_days = ex.value("inspected_within_days", std::int64_t{0});
  if (in.exclude_inspected_within_days < 0) throw PlanError(w + " exclusions.inspected_within_days: must be >= 0");
  std::string positive_field = ex.value("positive_list_field", std::string());
  if (!positive_field.empty()) {
    const auto& f = need_field(er, positive_field, w + " exclusions.positive_list_field");
    if (f.type.kind != dsl::model::Kind::bool_) throw PlanError(w + " exclusions.positive_list_field: must name a bool field");
    in.exclude_positive_list = true;
    wanted.insert(positive_field);
  }
  std::map<std::string, std::string> last_inspected;
  if (in.exclude_inspected_within_days > 0) {
    if (!ex.contains("inspection")) throw PlanError(w + " exclusions: \"inspection\" (record, enterprise_field, date_field) is missing");
    const json& ij = ex["inspection"];
    const std::string iw = w + " exclusions.inspection";
    const auto& ir = need_record(s, str(ij, "record", iw), iw);
    std::string ef = str(ij, "enterprise_field", iw), df = str(ij, "date_field", iw);
    need_field(ir, ef, iw);
    if (need_field(ir, df, iw).type.kind != dsl::model::Kind::date) throw PlanError(iw + ".date_field: must name a date field");
    for (auto& row : rows_of(st, ir, {ef, df})) {
      auto& d = last_inspected[row[ef]];
      if (row[df] > d) d = row[df];  // ISO dates order as text
    }
  }
  for (auto& row : rows_of(st, er, std::vector<std::string>(wanted.begin(), wanted.end()))) {
    if (!holds(where, row)) continue;
    dr::Candidate c;
    c.key = row[key];
    for (std::size_t i = 0; i < when.size(); ++i)
      if (holds(when[i], row)) {
        c.stratum = in.strata[i].name;
        break;
      }
    if (c.stratum.empty()) throw PlanError(fmt::format("{}: enterprise {} is in no stratum (give the last stratum no \"when\")", w, c.key));
    if (!county_field.empty()) c.county = row[county_field];
    auto it = last_inspected.find(c.key);
    if (it != last_inspected.end()) c.last_inspected = it->second;
    if (!positive_field.empty()) c.positive_list = row[positive_field] == "true";
    in.population.push_back(std::move(c));
  }
  if (!plan.contains("inspectors")) throw PlanError(w + ": \"inspectors\" is missing");
  const json& rj = plan["inspectors"];
  const std::string rw = w + " inspectors";
  const auto& rr = need_record(s, str(rj, "record", rw), rw);
  if (rr.key_fields.size() != 1) throw PlanError(fmt::format("{}: record {} needs a single key field", rw, rr.name));
  const std::string rid = rr.fields[rr.key_fields[0]].name;
  std::string rcounty = rj.value("county_field", std::string()), rname = rj.value("name_field", std::string());
  std::vector<std::string> rf{rid};
  if (!rcounty.empty()) need_field(rr, rcounty, rw), rf.push_back(rcounty);
  if (!rname.empty()) need_field(rr, rname, rw), rf.push_back(rname);
  Condition active = read_condition(rj.value("where", json()), rr, rw + ".where");
  for (const auto& [f, v] : active.any_of) rf.push_back(f);
  for (auto& row : rows_of(st, rr, rf))
    if (holds(active, row)) in.roster.push_back({row[rid], rcounty.empty() ? "" : row[rcounty], rname.empty() ? "" : row[rname]});
  in.team_size = rj.value("team_size", 2u);
  in.same_county = rj.value("same_county", !rcounty.empty());
  if (in.same_county && (rcounty.empty() || county_field.empty()))
    throw PlanError(rw + ": same_county needs population.county_field and inspectors.county_field");
  in.inspector_names_public = rj.value("names_public", false);
  if (rj.contains("recusal")) {
    const json& xj = rj["recusal"];
    const std::string xw = rw + ".recusal";
    const auto& xr = need_record(s, str(xj, "record", xw), xw);
    std::string inf = str(xj, "inspector_field", xw), enf = str(xj, "enterprise_field", xw);
    need_field(xr, inf, xw), need_field(xr, enf, xw);
    for (auto& row : rows_of(st, xr, {inf, enf})) in.recusals.push_back({row[inf], row[enf]});
  }
  dr::canonicalise(in);
  return in;
}

// The published list (一公开): enterprises, strata and quotas with their sources; inspectors'
// names only when the plan marks them public, never their ids, counties or recusals.
std::string published(const dr::DrawInputs& in, const dr::DrawResult& r, std::int64_t id, const std::string& format) {
  std::map<std::string, std::string> names;
  for (const auto& i : in.roster) names[i.id] = i.name;
  if (format == "csv") {
    auto q = [](const std::string& v) {
      std::string o = "\"";
      for (char c : v) o += c == '"' ? std::string("\"\"") : std::string(1, c);
      return o + "\"";
    };
    std::string out = "draw,period,stratum,enterprise,county,inspectors\n";
    for (const auto& s : r.selections) {
      std::string insp;
      if (in.inspector_names_public)
        for (const auto& i : s.inspectors) insp += (insp.empty() ? "" : "、") + names[i];
      out += fmt::format("{},{},{},{},{},{}\n", id, q(in.period), q(s.stratum), q(s.enterprise), q(s.county), q(insp));
    }
    return out;
  }
  nlohmann::ordered_json j;
  j["draw"] = id;
  j["period"] = in.period;
  j["seed"] = std::to_string(in.seed);
  j["as_of"] = in.as_of;
  j["ruleset"] = in.ruleset;
  j["ruleset_sha256"] = in.ruleset_sha256;
  j["data_batch"] = in.data_batch;
  j["inputs_sha256"] = engine::store::sha256_hex(dr::inputs_json(in));
  nlohmann::ordered_json strata = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < r.strata.size(); ++i)
    strata.push_back({{"name", r.strata[i].name}, {"label", in.strata[i].label},
                      {"rate", fmt::format("{}.{:02}%", in.strata[i].rate_bp / 100, in.strata[i].rate_bp % 100)},
                      {"rate_source", in.strata[i].rate_source}, {"population", r.strata[i].population},
                      {"excluded", r.strata[i].excluded}, {"eligible", r.strata[i].eligible}, {"quota", r.strata[i].quota}});
  j["strata"] = std::move(strata);
  nlohmann::ordered_json sel = nlohmann::ordered_json::array();
  for (const auto& s : r.selections) {
    nlohmann::ordered_json e{{"stratum", s.stratum}, {"enterprise", s.enterprise}, {"county", s.county},
                             {"inspectors", s.inspectors.size()}};
    if (in.inspector_names_public) {
      nlohmann::ordered_json n = nlohmann::ordered_json::array();
      for (const auto& i : s.inspectors) n.push_back(names[i]);
      e["inspector_names"] = std::move(n);
    }
    sel.push_back(std::move(e));
  }
  j["selections"] = std::move(sel);
  return j.dump(2) + "\n";
}

std::string today_utc() {
  auto d = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  std::chrono::year_month_day ymd{d};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

// The plan at `path` as JSON, or failing `out` naming the file.
std::optional<json> read_plan(const std::filesystem::path& path, RunResult& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    out.fail(RunStatus::bad_request, fmt::format("cannot read the draw plan {}", path.string()));
    return std::nullopt;
  }
  try {
    json plan = json::parse(f);
    if (plan.is_object()) return plan;
    out.fail(RunStatus::bad_request, fmt::format("{}: the plan must be a JSON object", path.string()));
  } catch (const json::parse_error& ex) {
    out.fail(RunStatus::bad_request, fmt::format("{}: not JSON: {}", path.string(), ex.what()));
  }
  return std::nullopt;
}

std::filesystem::path plan_path(const std::filesystem::path& ruleset, const std::filesystem::path& plan) {
  return plan.empty() ? ruleset / "draw.json" : plan;
}

// The prologue every draw run shares: the checked ruleset and its store, then `body` with the
// draw's errors turned into the outcome's status (nothing is recorded on any of them).
template <class Outcome, class Body>
Outcome draw_run(Outcome& out, const std::filesystem::path& db, const std::filesystem::path& ruleset, bool read_only,
                 Body&& body) {
  if (!std::filesystem::exists(db)) {
    out.fail(RunStatus::bad_request, fmt::format("no store at {} (create it with `ecoaudit init`)", db.string()));
    return std::move(out);
  }
  dsl::SourceManager sm;
  auto rs = ruleset_for_run(ruleset, sm, out);
  if (!rs) return std::move(out);
  try {
    engine::store::OpenOptions oo;
    oo.read_only = read_only;
    auto st = engine::store::Store::open(db, rs->schema, oo);
    body(*rs, *st);
  } catch (const PlanError& ex) {
    out.fail(RunStatus::bad_request, ex.what());
  } catch (const dr::DrawError& ex) {
    out.fail(RunStatus::bad_request, ex.what());
  } catch (const engine::store::StoreError& ex) {
    out.fail(RunStatus::store_error, ex.what());
  } catch (const SQLite::Exception& ex) {
    out.fail(RunStatus::store_error, fmt::format("{}: {}", db.string(), ex.what()));
  }
  return std::move(out);
}

}  // namespace

DrawOutcome make_draw(const DrawRequest& r) {
  DrawOutcome out;
  if (!r.as_of.empty() && !dsl::parse_date(r.as_of)) {
    out.fail(RunStatus::bad_request, fmt::format("--as-of wants a day YYYY-MM-DD, got '{}'", r.as_of));
    return out;
  }
  if (r.period.empty()) {
    out.fail(RunStatus::bad_request, "--period is required (e.g. 2026Q4)");
    return out;
  }
  const auto pp = plan_path(r.ruleset, r.plan);
  std::optional<json> plan;
  if (std::filesystem::exists(r.db) && !(plan = read_plan(pp, out))) return out;  // a missing store: draw_run says so
  return draw_run(out, r.db, r.ruleset, false, [&](const dsl::model::Ruleset& rs, engine::store::Store& st) {
    std::uint64_t seed = 0;
    if (r.seed) {
      seed = *r.seed;
    } else {
      // A fresh seed from the system's entropy; it is recorded, so the draw stays reproducible.
      std::random_device rd;
      seed = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    }
    auto in = build_inputs(*plan, pp.string(), rs, st, seed, r.period, r.as_of.empty() ? today_utc() : r.as_of);
    auto result = dr::compute(in);
    out.id = dr::record(st, in, result);
    out.seed = seed;
    out.selected = result.selections.size();
    out.published = published(in, result, out.id, r.format);
  });
}

namespace {

// Whether the store has draw `id`; fails `out` (with not_found) when it has not.
template <class Outcome>
bool recorded(engine::store::Store& st, std::int64_t id, Outcome& out) {
  const auto ids = dr::recorded_ids(st);
  if (std::find(ids.begin(), ids.end(), id) != ids.end()) return true;
  out.not_found = true;
  out.fail(RunStatus::bad_request, fmt::format("{} has no draw {}", st.path().string(), id));
  return false;
}

}  // namespace

DrawVerifyOutcome verify_draw(const DrawVerifyRequest& r) {
  DrawVerifyOutcome out;
  const auto pp = plan_path(r.ruleset, r.plan);
  return draw_run(out, r.db, r.ruleset, true, [&](const dsl::model::Ruleset& rs, engine::store::Store& st) {
    if (!recorded(st, r.id, out)) return;
    const auto plan = read_plan(pp, out);
    if (!plan) return;
    auto rec = dr::read(st, r.id);
    dr::DrawInputs was = dr::inputs_from_json(rec.inputs);
    auto now = build_inputs(*plan, pp.string(), rs, st, was.seed, was.period, was.as_of);
    out.problems = dr::verify(rec, now).problems;
    out.inputs_sha256 = rec.inputs_sha256;
  });
}

DrawShowOutcome show_draws(const DrawShowRequest& r) {
  DrawShowOutcome out;
  return draw_run(out, r.db, r.ruleset, true, [&](const dsl::model::Ruleset& rs, engine::store::Store& st) {
    if (r.id != 0) {
      if (!recorded(st, r.id, out)) return;
      // Republished from its record alone (no store data is read), after checking that its
      // inputs still produce its result.
      auto rec = dr::read(st, r.id);
      dr::DrawInputs was = dr::inputs_from_json(rec.inputs);
      auto result = dr::compute(was);
      if (dr::result_json(result) != rec.result || engine::store::sha256_hex(rec.inputs) != rec.inputs_sha256) {
        out.recomputes = false;
        return;
      }
      out.published = published(was, result, rec.id, r.format);
      return;
    }
    for (auto id : dr::recorded_ids(st, rs.id)) {
      auto rec = dr::read(st, id);
      DrawSummary s;
      s.id = rec.id;
      s.created_at = rec.created_at;
      s.period = rec.period;
      s.seed = std::to_string(rec.seed);
      s.ruleset = rec.ruleset;
      s.ruleset_sha256 = rec.ruleset_sha256;
      s.data_batch = rec.data_batch;
      s.inputs_sha256 = rec.inputs_sha256;
      s.result_sha256 = rec.result_sha256;
      // The summary reads the record as recorded; a record that no longer parses is listed
      // with what its columns say (verify names what is wrong with it).
      const auto inputs = json::parse(rec.inputs, nullptr, false);
      if (inputs.is_object()) {
        s.as_of = inputs.value("as_of", "");
        if (inputs.contains("population") && inputs["population"].is_array()) s.population = inputs["population"].size();
      }
      const auto result = json::parse(rec.result, nullptr, false);
      if (result.is_object() && result.contains("selections") && result["selections"].is_array())
        s.selected = result["selections"].size();
      out.draws.push_back(std::move(s));
    }
  });
}

}  // namespace eco::app
