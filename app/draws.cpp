#include "app/draws.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <span>
#include <stdexcept>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "app/ruleset.hpp"
#include "dsl/check/check.hpp"
#include "dsl/common/date.hpp"
#include "engine/draw/draw.hpp"
#include "engine/enforcement/records.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/eval/expression.hpp"
#include "engine/snapshot/from_store.hpp"
#include "engine/store/schema_sql.hpp"
#include "engine/store/store.hpp"

namespace eco::app {
namespace {

using json = nlohmann::json;
namespace dr = engine::draw;
namespace model = dsl::model;
namespace cel = dsl::cel;

// A plan that cannot be used; the message names the plan file and the key.
struct PlanError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::uint32_t need_field(const model::RecordType& r, const std::string& name, const std::string& where) {
  int i = r.find_field(name);
  if (i < 0) throw PlanError(fmt::format("{}: record {} has no field \"{}\"", where, r.name, name));
  const auto& f = r.fields[static_cast<std::size_t>(i)];
  if (engine::store::column_type(f).empty()) throw PlanError(fmt::format("{}: field {}.{} is not a stored value", where, r.name, name));
  return static_cast<std::uint32_t>(i);
}

const model::RecordType& need_record(const model::Schema& s, const std::string& name, const std::string& where) {
  const auto* r = s.find_record(name);
  if (!r) throw PlanError(fmt::format("{}: the ruleset's schema has no record \"{}\"", where, name));
  return *r;
}

std::string str(const json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty())
    throw PlanError(fmt::format("{}: \"{}\" must be a non-empty string", where, key));
  return j[key].get<std::string>();
}

// A condition (or weight) of the plan: a rule-language expression over the variable of its
// record (`for`), with the ruleset's parameters and `as_of` in scope.
struct PlanExpr {
  std::string text;    // "" = none written
  std::string where;   // where it was written, for messages: "draw.json strata[0].when"
  std::optional<model::CheckedExpr> checked;
};

// The expression an earlier plan's field-equality object {"field": [values...]} meant: every
// field holding one of its values, a missing value matching none (hence has() on an optional
// field). "" when the object is not of that form.
std::string equality_as_expression(const json& v, const std::string& var, const model::RecordType* record) {
  if (!v.is_object() || v.empty()) return "";
  std::string out;
  for (auto it = v.begin(); it != v.end(); ++it) {
    const int fi = record ? record->find_field(it.key()) : -1;
    const json values = it.value().is_array() ? it.value() : json::array({it.value()});
    std::vector<std::string> texts;
    for (const auto& x : values) {
      if (x.is_string()) {
        std::string t = "'";
        for (char c : x.get<std::string>()) t += c == '\'' || c == '\\' ? std::string("\\") + c : std::string(1, c);
        texts.push_back(t + "'");
      } else if (x.is_boolean() || x.is_number()) {
        texts.push_back(x.dump());
      } else {
        return "";
      }
    }
    if (texts.empty()) return "";
    const std::string f = var + "." + it.key();
    std::string one = texts.size() == 1 ? f + " == " + texts[0] : f + " in [" + fmt::format("{}", fmt::join(texts, ", ")) + "]";
    if (fi >= 0 && record->fields[static_cast<std::size_t>(fi)].optional) one = "has(" + f + ") && " + one;
    out += (out.empty() ? "" : " && ") + one;
  }
  return out;
}

// Reads `key` of `j` as an expression; refuses the field-equality objects earlier plans wrote,
// saying which expression means the same.
PlanExpr read_expr(const json& j, const char* key, const std::string& where, const std::string& var,
                   const model::RecordType* record) {
  PlanExpr x;
  x.where = where + "." + key;
  if (!j.contains(key) || j[key].is_null()) return x;
  const json& v = j[key];
  if (v.is_object() || v.is_array()) {
    const std::string same = equality_as_expression(v, var, record);
    throw PlanError(fmt::format("{}: write the condition as a rule expression over {}{}; the field-equality form "
                                "{{\"field\": [values]}} is no longer read (docs/draw.md)",
                                x.where, var, same.empty() ? "" : fmt::format(" (here: \"{}\")", same)));
  }
  if (!v.is_string() || v.get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos)
    throw PlanError(fmt::format("{}: must be a rule expression (a non-empty string)", x.where));
  x.text = v.get<std::string>();
  return x;
}

// The variables the population's expressions have beside their record: the member's violations
// of the latest recorded sweep by severity, still open (not resolved, not dismissed on site).
constexpr const char* kOpenViolations[] = {"open_critical", "open_high", "open_medium", "open_low"};

// `"for": "e in enterprise"`: the variable and the record type it ranges over, as a rule binds
// them. Earlier plans named the record alone (`"record"`): refused, saying what to write.
std::pair<std::string, const model::RecordType*> read_for(const json& j, const std::string& where, const model::Ruleset& rs,
                                                          const char* example) {
  if (!j.contains("for") && j.contains("record") && j["record"].is_string())
    throw PlanError(fmt::format("{}: name the record with its variable, as a rule does: \"for\": \"{} in {}\" (\"record\" "
                                "is no longer read)",
                                where, example, j["record"].get<std::string>()));
  const std::string text = str(j, "for", where);
  std::vector<std::string> words;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = text.find_first_not_of(" \t", i);
    if (b == std::string::npos) break;
    const auto e = text.find_first_of(" \t", b);
    words.push_back(text.substr(b, e == std::string::npos ? std::string::npos : e - b));
    i = e == std::string::npos ? text.size() : e;
  }
  auto ident = [](const std::string& w) {
    return !w.empty() && !(w[0] >= '0' && w[0] <= '9') &&
           std::all_of(w.begin(), w.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
  };
  if (words.size() != 3 || words[1] != "in" || !ident(words[0]))
    throw PlanError(fmt::format("{}.for: write \"VARIABLE in RECORD\" as a rule binds it (e.g. \"{} in {}\"), not \"{}\"", where,
                                example, words.size() == 3 ? words[2] : "RECORD", text));
  if (rs.find_param(words[0]) || words[0] == model::kEvaluationDateName ||
      std::find(std::begin(kOpenViolations), std::end(kOpenViolations), words[0]) != std::end(kOpenViolations))
    throw PlanError(fmt::format("{}.for: the variable \"{}\" is the name of a parameter or of a value the plan's expressions "
                                "see: choose another",
                                where, words[0]));
  const auto& r = need_record(rs.schema, words[2], where + ".for");
  if (r.key_fields.size() != 1) throw PlanError(fmt::format("{}.for: record {} needs a single key field", where, r.name));
  return {words[0], &r};
}

// The plan, read and its expressions checked against the ruleset's schema (before any store data).
struct Plan {
  std::string name;
  const model::RecordType* population = nullptr;
  std::string var;
  std::optional<std::uint32_t> county_field;
  PlanExpr where;
  struct Stratum {
    dr::StratumSpec spec;
    std::string rate_param;  // the rate is this parameter's value on the as-of day
    PlanExpr when;
  };
  std::vector<Stratum> strata;
  PlanExpr positive_list;
  PlanExpr weight;               // a weighted draw: each member's weight (an int expression)
  std::string weight_source;
  bool reads_sweep = false;      // an expression reads the latest sweep's open violations
  std::int64_t within_days = 0;
  std::string within_days_source;
  struct Link {
    const model::RecordType* record = nullptr;
    std::uint32_t a = 0, b = 0;  // inspection: enterprise, date; recusal: inspector, enterprise
  };
  Link inspection, recusal;
  const model::RecordType* roster = nullptr;
  std::string roster_var;
  PlanExpr roster_where;
  std::optional<std::uint32_t> roster_county, roster_name;
  std::uint32_t team_size = 2;
  bool same_county = true, names_public = false;
  std::string warnings;  // the checker's warnings on the expressions, rendered
};

// A link record of the plan, `{"record": R, FIRST: F1, SECOND: F2}` at `where`: the record type
// and its two fields (stored values), read in that order so that the first problem is named.
Plan::Link read_link(const json& j, const std::string& where, const model::Ruleset& rs, const char* first_field,
                     const char* second_field) {
  Plan::Link link;
  link.record = &need_record(rs.schema, str(j, "record", where), where);
  link.a = need_field(*link.record, str(j, first_field, where), where);
  link.b = need_field(*link.record, str(j, second_field, where), where);
  return link;
}

// Renders diagnostics without the trailing newline (a RunResult's lines).
std::string rendered(const dsl::SourceManager& sm, const dsl::Diagnostics& d) {
  std::string t = dsl::render_text(sm, d);
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return t;
}

Plan read_plan_spec(const json& plan, const std::string& w, const model::Ruleset& rs, dsl::SourceManager& sm) {
  Plan p;
  p.name = w;
  if (!plan.contains("population") || !plan["population"].is_object()) throw PlanError(w + ": \"population\" is missing");
  const json& pop = plan["population"];
  const std::string pw = w + " population";
  std::tie(p.var, p.population) = read_for(pop, pw, rs, "e");
  const auto& er = *p.population;
  if (const auto cf = pop.value("county_field", std::string()); !cf.empty()) p.county_field = need_field(er, cf, pw + ".county_field");
  p.where = read_expr(pop, "where", pw, p.var, p.population);

  if (!plan.contains("strata") || !plan["strata"].is_array() || plan["strata"].empty())
    throw PlanError(w + ": \"strata\" must list at least one stratum");
  for (std::size_t i = 0; i < plan["strata"].size(); ++i) {
    const json& sj = plan["strata"][i];
    const std::string sw = fmt::format("{} strata[{}]", w, i);
    if (!sj.is_object()) throw PlanError(sw + ": must be an object");
    Plan::Stratum st;
    st.spec.name = str(sj, "name", sw);
    st.spec.label = sj.value("label", st.spec.name);
    if (sj.contains("rate_param")) {
      st.rate_param = str(sj, "rate_param", sw);
      const auto* prm = rs.find_param(st.rate_param);
      if (!prm) throw PlanError(fmt::format("{}: the ruleset has no parameter \"{}\"", sw, st.rate_param));
      if (prm->type.kind != model::Kind::double_)
        throw PlanError(fmt::format("{}: parameter {} must be a double (a proportion such as 0.25)", sw, st.rate_param));
      if (sj.contains("rate")) throw PlanError(fmt::format("{}: give \"rate\" or \"rate_param\", not both", sw));
    } else {
      try {
        st.spec.rate_bp = dr::parse_rate(str(sj, "rate", sw));
      } catch (const dr::DrawError& ex) {
        throw PlanError(fmt::format("{}: {}", sw, ex.what()));
      }
      st.spec.rate_source = str(sj, "source", sw);  // a rate without its source cannot be published
    }
    st.when = read_expr(sj, "when", sw, p.var, p.population);
    st.spec.when = st.when.text;
    p.strata.push_back(std::move(st));
  }
  if (plan.contains("weight")) {
    const json& wj = plan["weight"];
    if (!wj.is_object())
      throw PlanError(fmt::format("{} weight: write {{\"expr\": \"an int expression over {}\", \"source\": \"why\"}}", w, p.var));
    p.weight = read_expr(wj, "expr", w + " weight", p.var, p.population);
    if (p.weight.text.empty()) throw PlanError(w + " weight: \"expr\" is missing");
    // Weighting changes every enterprise's chance: like a rate, it is published with its basis.
    p.weight_source = str(wj, "source", w + " weight");
  }
  const json ex = plan.value("exclusions", json::object());
  const std::string xw = w + " exclusions";
  if (ex.contains("positive_list_field")) {
    const std::string f = ex["positive_list_field"].is_string() ? ex["positive_list_field"].get<std::string>() : "FIELD";
    throw PlanError(fmt::format("{}.positive_list_field: write the positive list as a condition, \"positive_list\": "
                                "\"has({}.{}) && {}.{}\" (the field name alone is no longer read)",
                                xw, p.var, f, p.var, f));
  }
  p.positive_list = read_expr(ex, "positive_list", xw, p.var, p.population);
  if (ex.contains("inspected_within_days") && !ex["inspected_within_days"].is_number_integer())
    throw PlanError(xw + ".inspected_within_days: must be a whole number of days");
  p.within_days = ex.value("inspected_within_days", std::int64_t{0});
  if (p.within_days < 0) throw PlanError(xw + ".inspected_within_days: must be >= 0");
  if (p.within_days > 0) {
    // Leaving enterprises out of a public draw needs its reason published, as a rate does.
    p.within_days_source = str(ex, "inspected_within_days_source", xw);
    if (ex.contains("inspection")) {
      const std::string iw = xw + ".inspection";
      p.inspection = read_link(ex["inspection"], iw, rs, "enterprise_field", "date_field");
      if (p.inspection.record->fields[p.inspection.b].type.kind != model::Kind::date)
        throw PlanError(iw + ".date_field: must name a date field");
    }
  }
  if (!plan.contains("inspectors") || !plan["inspectors"].is_object()) throw PlanError(w + ": \"inspectors\" is missing");
  const json& rj = plan["inspectors"];
  const std::string rw = w + " inspectors";
  std::tie(p.roster_var, p.roster) = read_for(rj, rw, rs, "i");
  if (const auto f = rj.value("county_field", std::string()); !f.empty()) p.roster_county = need_field(*p.roster, f, rw + ".county_field");
  if (const auto f = rj.value("name_field", std::string()); !f.empty()) p.roster_name = need_field(*p.roster, f, rw + ".name_field");
  p.roster_where = read_expr(rj, "where", rw, p.roster_var, p.roster);
  p.team_size = rj.value("team_size", 2u);
  p.same_county = rj.value("same_county", p.roster_county.has_value());
  if (p.same_county && (!p.roster_county || !p.county_field))
    throw PlanError(rw + ": same_county needs population.county_field and inspectors.county_field");
  p.names_public = rj.value("names_public", false);
  if (rj.contains("recusal")) p.recusal = read_link(rj["recusal"], rw + ".recusal", rs, "inspector_field", "enterprise_field");

  // Every expression checked as a rule's would be, all errors reported at once. The
  // population's expressions also see its member's open violations in the latest sweep.
  dsl::Diagnostics diags;
  auto check = [&](PlanExpr& x, const std::string& var, const model::RecordType* record, std::string what,
                   std::vector<std::string> guards, model::Kind expected = model::Kind::bool_) {
    if (x.text.empty()) return;
    const auto source = sm.add(x.where, x.text);
    dsl::ExpressionSpec spec{std::move(what), model::Type::of(expected), {{var, model::Type::record(record)}}, std::move(guards),
                             "the draw stops on that row"};
    if (record == p.population)
      for (const char* v : kOpenViolations) spec.variables.push_back({v, model::Type::of(model::Kind::int_)});
    x.checked = dsl::check_expression(rs, sm, source, spec, diags);
    if (x.checked && record == p.population)
      for (const auto& [id, ref] : x.checked->refs)
        if (ref.kind == model::Ref::Kind::variable && ref.name != var) p.reads_sweep = true;
  };
  check(p.where, p.var, p.population, "the population's condition", {});
  // The other conditions see only the population: what its condition proves present is present.
  const auto proven = p.where.checked ? dsl::proven_present(*p.where.checked) : std::vector<std::string>{};
  for (auto& st : p.strata) check(st.when, p.var, p.population, "a stratum's condition", proven);
  check(p.positive_list, p.var, p.population, "the positive list's condition", proven);
  check(p.weight, p.var, p.population, "the weight", proven, model::Kind::int_);
  check(p.roster_where, p.roster_var, p.roster, "the inspectors' condition", {});
  diags.sort();
  if (diags.has_errors()) throw PlanError(fmt::format("the draw plan {} has errors:\n{}", w, rendered(sm, diags)));
  if (diags.warning_count() > 0) p.warnings = rendered(sm, diags);
  return p;
}

// The value of the row's expression, of kind `want` (`more`: the values of its variables after
// the record's); PlanError (naming the row, the expression and what it lacks) when it cannot be
// decided, as nothing may be silently left out of a draw.
cel::Value value_of(engine::BoundExpression& e, const PlanExpr& x, const engine::Snapshot& snap, std::uint32_t record,
                    std::uint32_t row, std::span<const cel::Value> more, cel::ValueKind want) {
  std::vector<cel::Value> bound{cel::Value::record(record, row)};
  bound.insert(bound.end(), more.begin(), more.end());
  cel::Value v = e.evaluate(snap, bound);
  if (v.is(want)) return v;
  const auto& s = snap.schema();
  std::string why;
  auto field = [&](const cel::FieldRef& f) { return s.records[f.record].name + "." + s.records[f.record].fields[f.field].name; };
  if (v.is_unknown()) {
    std::string missing;
    for (const auto& f : v.unknown_info().fields) missing += (missing.empty() ? "" : ", ") + field(f);
    for (const auto& n : v.unknown_info().names) missing += (missing.empty() ? "" : ", ") + n;
    why = fmt::format("{} has no value (test it with has() to decide without it)", missing);
  } else if (v.is_error() && v.error_info().code == cel::ErrorCode::no_such_field && v.error_info().has_field) {
    why = fmt::format("{} has no value (test it with has() to decide without it)", field(v.error_info().field));
  } else if (v.is_error()) {
    why = v.error_info().message;
  } else {
    why = fmt::format("it gives a {}, not {}", cel::type_name(v), cel::kind_name(want));
  }
  throw PlanError(fmt::format("{} `{}` cannot be decided for {} {}: {}", x.where, x.text, s.records[record].name,
                              snap.key_of(record, row), why));
}

bool holds(engine::BoundExpression& e, const PlanExpr& x, const engine::Snapshot& snap, std::uint32_t record,
           std::uint32_t row, std::span<const cel::Value> more = {}) {
  return value_of(e, x, snap, record, row, more, cel::ValueKind::bool_).as_bool();
}

// Builds the draw's inputs from the plan, the ruleset and the store.
dr::DrawInputs build_inputs(const Plan& plan, const model::Ruleset& rs, engine::store::Store& st, std::uint64_t seed,
                            const std::string& period, const std::string& as_of) {
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
  const auto day = dsl::parse_date(as_of);
  if (!day) throw PlanError(fmt::format("the day \"{}\" is not a date YYYY-MM-DD", as_of));
  const std::string& w = plan.name;
  for (const auto& s : plan.strata) {
    dr::StratumSpec spec = s.spec;
    if (!s.rate_param.empty()) {
      // The rate is a parameter of the ruleset: its value and source are the ones in force on
      // the as-of day, so a changed parameter shows in --verify like any other input.
      const auto* prm = rs.find_param(s.rate_param);
      const model::ParamEntry* entry = nullptr;
      for (const auto& e : prm->entries)
        if (!e.from || *e.from <= *day) entry = &e;
      const std::string sw = fmt::format("{} strata {}", w, s.spec.name);
      if (!entry) throw PlanError(fmt::format("{}: parameter {} has no value in force on {}", sw, s.rate_param, as_of));
      const auto v = engine::evaluate_constant(entry->value);
      if (v.kind() != cel::ValueKind::double_) throw PlanError(fmt::format("{}: parameter {} is not a constant proportion", sw, s.rate_param));
      const double bp = v.as_double() * 10000;
      const double whole = std::round(bp);
      if (!(bp >= 0 && bp <= 10000) || std::abs(bp - whole) > 1e-6)
        throw PlanError(fmt::format("{}: parameter {} = {} is not a proportion in [0, 1] with at most 4 decimals", sw, s.rate_param,
                                    v.as_double()));
      if (entry->source.empty()) throw PlanError(fmt::format("{}: parameter {} has no source", sw, s.rate_param));
      spec.rate_bp = static_cast<std::uint32_t>(whole);
      spec.rate_source = fmt::format("param {}: {}", s.rate_param, entry->source);
    }
    in.strata.push_back(std::move(spec));
  }
  in.population_record = plan.population->name;
  in.population_where = plan.where.text;
  in.roster_where = plan.roster_where.text;
  in.exclude_inspected_within_days = plan.within_days;
  in.inspected_within_days_source = plan.within_days_source;
  in.exclude_positive_list = !plan.positive_list.text.empty();
  in.positive_list = plan.positive_list.text;
  in.team_size = plan.team_size;
  in.same_county = plan.same_county;
  in.inspector_names_public = plan.names_public;

  const auto loaded = engine::load_snapshot(st);
  const engine::Snapshot& snap = loaded.snapshot;
  auto bind = [&](const PlanExpr& x, const std::string& var, const model::RecordType* r) {
    std::vector<engine::BoundExpression::Variable> vars{{var, r->index}};
    if (r == plan.population)
      for (const char* v : kOpenViolations) vars.push_back({v, std::nullopt});
    return x.checked ? std::make_unique<engine::BoundExpression>(rs, *x.checked, std::move(vars), *day) : nullptr;
  };

  // The open violations of the latest recorded sweep, per member and severity, when an
  // expression reads them (the sweep's id is recorded: a newer sweep shows in --verify).
  std::map<std::string, std::array<std::int64_t, 4>> open;
  if (plan.reads_sweep) {
    namespace en = engine::enforcement;
    const auto sweep = en::latest_sweep(st, rs.id);
    if (sweep.id == 0)
      throw PlanError(fmt::format("{}: its expressions read the open violations of the latest sweep, and no sweep of {} is "
                                  "recorded (run `ecoaudit sweep` first)",
                                  w, rs.id));
    in.violations_sweep = sweep.id;
    const auto overlay = en::read_overlay(st);
    for (const auto& f : sweep.findings) {
      if (f.verdict != "violation") continue;
      if (auto o = overlay.outcomes.find(f.finding); o != overlay.outcomes.end() && o->second.outcome == en::Outcome::not_confirmed)
        continue;  // dismissed on site
      if (auto t = overlay.states.find(f.finding); t != overlay.states.end() &&
                                                   (t->second == en::State::resolved || t->second == en::State::resolved_pending_verification))
        continue;
      for (std::size_t i = 0; i < 4; ++i)
        if (f.severity == std::string(kOpenViolations[i]).substr(5)) ++open[f.owner_key][i];
    }
  }
  in.weighted = !plan.weight.text.empty();
  in.weight = plan.weight.text;
  in.weight_source = plan.weight_source;

  // The latest inspection on or before the as-of day, of either source: a record of the
  // ruleset (imported) or an inspection opened in EcoAudit. One after the as-of day is not
  // "within the interval before it": the inspections opened from this very draw later leave
  // its inputs as they were. Equal days: the smaller name, so the store's row order decides
  // nothing.
  std::map<std::string, std::pair<std::string, std::string>> last;  // key -> (day, which)
  auto saw = [&](const std::string& key, const std::string& date, std::string which) {
    if (date.empty() || date > as_of) return;  // ISO days order as text
    auto& l = last[key];
    if (date > l.first || (date == l.first && (l.second.empty() || which < l.second))) l = {date, std::move(which)};
  };
  if (plan.within_days > 0) {
    if (const auto* ir = plan.inspection.record)
      for (std::uint32_t row = 0; row < snap.rows(ir->index); ++row)
        saw(snap.display(ir->index, row, plan.inspection.a), snap.display(ir->index, row, plan.inspection.b),
            fmt::format("{} {}", ir->name, snap.key_of(ir->index, row)));
    for (const auto& i : engine::enforcement::list_inspections(st, ""))
      if (i.owner_record == plan.population->name) saw(i.owner_key, i.planned_on, fmt::format("EcoAudit inspection {}", i.id));
  }

  const std::uint32_t er = plan.population->index;
  auto where = bind(plan.where, plan.var, plan.population);
  std::vector<std::unique_ptr<engine::BoundExpression>> when;
  for (const auto& s : plan.strata) when.push_back(bind(s.when, plan.var, plan.population));
  auto positive = bind(plan.positive_list, plan.var, plan.population);
  auto weight = bind(plan.weight, plan.var, plan.population);
  std::vector<cel::Value> counts(4);
  for (std::uint32_t row = 0; row < snap.rows(er); ++row) {
    const std::string key = snap.key_of(er, row);
    const auto o = open.find(key);
    for (std::size_t i = 0; i < 4; ++i) counts[i] = cel::Value::integer(o == open.end() ? 0 : o->second[i]);
    if (where && !holds(*where, plan.where, snap, er, row, counts)) continue;
    dr::Candidate c;
    c.key = key;
    for (std::size_t i = 0; i < when.size(); ++i)
      if (!when[i] || holds(*when[i], plan.strata[i].when, snap, er, row, counts)) {
        c.stratum = in.strata[i].name;
        break;
      }
    if (c.stratum.empty())
      throw PlanError(fmt::format("{}: {} {} is in no stratum (give the last stratum no \"when\")", w, plan.population->name, c.key));
    if (plan.county_field) c.county = snap.display(er, row, *plan.county_field);
    if (auto it = last.find(c.key); it != last.end()) c.last_inspected = it->second.first, c.last_inspection = it->second.second;
    if (positive) c.positive_list = holds(*positive, plan.positive_list, snap, er, row, counts);
    if (weight) {
      // A weight below 1 would leave an enterprise out unannounced: exclusions are the plan's
      // population condition and positive list, published as such.
      const auto v = value_of(*weight, plan.weight, snap, er, row, counts, cel::ValueKind::int_).as_int();
      if (v < 1 || static_cast<std::uint64_t>(v) > dr::kMaxWeight)
        throw PlanError(fmt::format("{} `{}` gives {} {} the weight {}: a weight is a whole number from 1 to {} (leave an "
                                    "enterprise out with the population's condition or the positive list)",
                                    plan.weight.where, plan.weight.text, plan.population->name, key, v, dr::kMaxWeight));
      c.weight = static_cast<std::uint64_t>(v);
    }
    in.population.push_back(std::move(c));
  }

  const std::uint32_t rr = plan.roster->index;
  auto active = bind(plan.roster_where, plan.roster_var, plan.roster);
  for (std::uint32_t row = 0; row < snap.rows(rr); ++row)
    if (!active || holds(*active, plan.roster_where, snap, rr, row))
      in.roster.push_back({snap.key_of(rr, row), plan.roster_county ? snap.display(rr, row, *plan.roster_county) : "",
                           plan.roster_name ? snap.display(rr, row, *plan.roster_name) : ""});
  if (const auto* xr = plan.recusal.record)
    for (std::uint32_t row = 0; row < snap.rows(xr->index); ++row)
      in.recusals.push_back({snap.display(xr->index, row, plan.recusal.a), snap.display(xr->index, row, plan.recusal.b)});
  dr::canonicalise(in);
  return in;
}

// The published list (一公开): enterprises, strata and quotas with their sources; inspectors'
// names only when the plan marks them public, never their ids, counties or recusals.
// The criteria are published with the rates: who is in the population, in which stratum, and
// why an enterprise was left out (each with its source), so that the public can check them.
std::string published(const dr::DrawInputs& in, const dr::DrawResult& r, std::int64_t id, const std::string& inputs_sha256,
                      const std::string& format) {
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
  j["inputs_sha256"] = inputs_sha256;
  j["population"] = {{"record", in.population_record}, {"where", in.population_where}};
  nlohmann::ordered_json strata = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < r.strata.size(); ++i)
    strata.push_back({{"name", r.strata[i].name}, {"label", in.strata[i].label}, {"when", in.strata[i].when},
                      {"rate", fmt::format("{}.{:02}%", in.strata[i].rate_bp / 100, in.strata[i].rate_bp % 100)},
                      {"rate_source", in.strata[i].rate_source}, {"population", r.strata[i].population},
                      {"excluded", r.strata[i].excluded}, {"eligible", r.strata[i].eligible}, {"quota", r.strata[i].quota}});
  j["strata"] = std::move(strata);
  j["exclusions"] = {{"inspected_within_days", in.exclude_inspected_within_days},
                     {"inspected_within_days_source", in.inspected_within_days_source},
                     {"positive_list", in.positive_list}};
  if (in.weighted) j["weight"] = {{"expression", in.weight}, {"source", in.weight_source}};
  if (in.violations_sweep != 0) j["violations_sweep"] = in.violations_sweep;
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
    body(*rs, *st, sm);
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
  dr::PeriodDays days;
  try {
    days = dr::period_days(r.period);
  } catch (const dr::DrawError& ex) {
    out.fail(RunStatus::bad_request, ex.what());
    return out;
  }
  // The day a draw counts its exclusions back from and takes its rates on is a day of the
  // period it draws for: a rate changed for the period, or an inspection of the quarter
  // before, is then what the period's draw sees. A draw made ahead of its period says so with
  // the period's first day.
  const std::string as_of = r.as_of.empty() ? today_utc() : r.as_of;
  if (as_of < days.first || as_of > days.last) {
    out.fail(RunStatus::bad_request,
             fmt::format("{} {} is not a day of the period {} ({} to {}): give --as-of a day of the period (to draw ahead of "
                         "it, its first day {})",
                         r.as_of.empty() ? "today," : "--as-of", as_of, r.period, days.first, days.last, days.first));
    return out;
  }
  const auto pp = plan_path(r.ruleset, r.plan);
  std::optional<json> plan;
  if (std::filesystem::exists(r.db) && !(plan = read_plan(pp, out))) return out;  // a missing store: draw_run says so
  return draw_run(out, r.db, r.ruleset, false, [&](const dsl::model::Ruleset& rs, engine::store::Store& st, dsl::SourceManager& sm) {
    const Plan spec = read_plan_spec(*plan, pp.string(), rs, sm);
    out.warnings = spec.warnings;
    std::uint64_t seed = 0;
    if (r.seed) {
      seed = *r.seed;
    } else {
      // A fresh seed from the system's entropy; it is recorded, so the draw stays reproducible.
      std::random_device rd;
      seed = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    }
    auto in = build_inputs(spec, rs, st, seed, r.period, as_of);
    auto result = dr::compute(in);
    out.id = dr::record(st, in, result);
    out.seed = seed;
    out.selected = result.selections.size();
    out.published = published(in, result, out.id, engine::store::sha256_hex(dr::inputs_json(in)), r.format);
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
  return draw_run(out, r.db, r.ruleset, true, [&](const dsl::model::Ruleset& rs, engine::store::Store& st, dsl::SourceManager& sm) {
    if (!recorded(st, r.id, out)) return;
    const auto plan = read_plan(pp, out);
    if (!plan) return;
    auto rec = dr::read(st, r.id);
    dr::DrawInputs was = dr::inputs_from_json(rec.inputs);
    auto now = build_inputs(read_plan_spec(*plan, pp.string(), rs, sm), rs, st, was.seed, was.period, was.as_of);
    out.problems = dr::verify(rec, now).problems;
    out.inputs_sha256 = rec.inputs_sha256;
  });
}

DrawShowOutcome show_draws(const DrawShowRequest& r) {
  DrawShowOutcome out;
  return draw_run(out, r.db, r.ruleset, true, [&](const dsl::model::Ruleset& rs, engine::store::Store& st, dsl::SourceManager&) {
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
      out.published = published(was, result, rec.id, rec.inputs_sha256, r.format);
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

namespace {

RosterOutcome roster_in(const model::Ruleset& rs, engine::store::Store& st, const std::filesystem::path& pp,
                        const std::vector<std::string>& ids) {
  RosterOutcome out;
  out.plan = pp.string();
  std::error_code ec;
  if (!std::filesystem::exists(pp, ec)) return out;  // no plan, no roster: nothing to check against
  const auto plan = read_plan(pp, out);
  if (!plan) return out;
  try {
    if (!plan->contains("inspectors") || !(*plan)["inspectors"].is_object())
      throw PlanError(out.plan + ": \"inspectors\" is missing");
    const auto* roster = read_for((*plan)["inspectors"], out.plan + " inspectors", rs, "i").second;
    out.record = roster->name;
    // Identifiers from the checked schema only (quote_ident); the id is bound.
    SQLite::Statement q(st.db(), fmt::format("SELECT 1 FROM {} WHERE {} = ?", engine::store::quote_ident(roster->name),
                                             engine::store::quote_ident(roster->fields[roster->key_fields[0]].name)));
    for (const auto& id : ids) {
      q.reset();
      q.bind(1, id);
      if (q.executeStep()) out.known.insert(id);
    }
  } catch (const PlanError& ex) {
    out.record.clear();
    out.fail(RunStatus::bad_request, ex.what());
  } catch (const SQLite::Exception& ex) {
    out.record.clear();
    out.fail(RunStatus::store_error, fmt::format("{}: {}", st.path().string(), ex.what()));
  }
  return out;
}

}  // namespace

RosterOutcome roster_ids(const model::Ruleset& rs, engine::store::Store& st, const std::filesystem::path& ruleset_dir,
                         const std::vector<std::string>& ids) {
  return roster_in(rs, st, plan_path(ruleset_dir, {}), ids);
}

RosterOutcome roster_ids(const RosterRequest& r) {
  RosterOutcome out;
  return draw_run(out, r.db, r.ruleset, true, [&](const model::Ruleset& rs, engine::store::Store& st, dsl::SourceManager&) {
    out = roster_in(rs, st, plan_path(r.ruleset, r.plan), r.ids);
  });
}

}  // namespace eco::app
