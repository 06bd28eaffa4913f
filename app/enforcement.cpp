#include "app/enforcement.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/authorization.hpp"
#include "app/enforcement_common.hpp"
#include "app/ruleset.hpp"
#include "engine/eval/evaluator.hpp"

namespace eco::app {

namespace en = engine::enforcement;

namespace {

using json = nlohmann::json;

// The violation `rule` on `key` as a finding of the latest sweep, or failing `out`.
const en::LatestSweep::Entry* find_in_sweep(const en::LatestSweep& latest, const std::string& rule,
                                            const std::string& key) {
  for (const auto& e : latest.findings)
    if (e.finding.rule == rule && e.finding.subject_key == key) return &e;
  return nullptr;
}

}  // namespace

ActionOutcome record_action(const ActionRequest& r) {
  ActionOutcome out;
  return workflow_run(out, r.db, r.ruleset, false, [&](const dsl::model::Ruleset& rs, engine::store::Store& store) {
    const auto kind = en::parse_action_kind(r.kind);
    if (!kind)
      return out.fail(RunStatus::bad_request,
                      fmt::format("unknown action \"{}\": rectification_order, penalty or referral", r.kind));
    const auto latest = en::latest_sweep(store, rs.id);
    if (!latest.id)
      return out.fail(RunStatus::bad_request, fmt::format("no sweep of {} is recorded in {}", rs.id, r.db.string()));
    const auto* e = find_in_sweep(latest, r.rule, r.subject_key);
    if (e && !within(r.limit_to, owner_jurisdiction(rs, store, e->owner_key))) {
      out.out_of_scope = true;
      e = nullptr;  // named as if absent: an inspector learns nothing of another jurisdiction
    }
    if (!e)
      return out.fail(RunStatus::bad_request,
                      fmt::format("sweep {} reports no violation of {} on {} (an action is taken on a violation the "
                                  "latest sweep reports)", latest.id, r.rule, r.subject_key));
    const std::string source = r.client_request.empty() ? r.recorded.source : "client request " + r.client_request;
    if (!r.client_request.empty())
      for (const auto& done : en::actions(store, e->finding))
        if (done.source == source) {
          if (en::to_string(done.kind) != r.kind || done.reference != r.action.reference)
            return out.fail(RunStatus::bad_request,
                            fmt::format("client request {} was already recorded as action {} with other values; a new "
                                        "submission needs a new request id", r.client_request, done.id));
          out.id = done.id;
          out.violation = e->finding;
          out.state = en::to_string(en::current_state(store, e->finding));
          out.replayed = true;
          return;
        }
    if (e->verdict != "violation" && e->verdict != "late")
      return out.fail(RunStatus::bad_request,
                      fmt::format("{} on {} is {} in sweep {}, not a violation: verify it first (an inspection)", r.rule,
                                  r.subject_key, e->verdict, latest.id));
    en::Action a = r.action;
    a.kind = *kind;
    a.violation = e->finding;
    a.owner_record = rs.schema.owner() ? rs.schema.owner()->name : "";
    a.owner_key = e->owner_key;
    a.severity = e->severity;
    const auto overlay = en::read_overlay(store);
    if (auto o = overlay.outcomes.find(e->finding); o != overlay.outcomes.end()) {
      // An inspector found on site that it does not hold: acting on it would contradict the
      // record. A later inspection that confirms it (a newer outcome) lifts this.
      if (o->second.outcome == en::Outcome::not_confirmed)
        return out.fail(RunStatus::bad_request,
                        fmt::format("{} on {} was dismissed on site (inspection {}, item {}, {}: not confirmed); no action "
                                    "is taken on a dismissed finding", r.rule, r.subject_key, o->second.inspection,
                                    o->second.item, o->second.checked_on));
      if (!a.inspection) a.inspection = o->second.inspection;
    }
    out.id = en::record_action(store, a, {r.recorded.by, source});
    out.violation = e->finding;
    out.state = en::to_string(en::current_state(store, e->finding));
  });
}

StateOutcome change_state(const StateRequest& r) {
  StateOutcome out;
  return workflow_run(out, r.db, r.ruleset, false, [&](const dsl::model::Ruleset& rs, engine::store::Store& store) {
    const auto to = en::parse_state(r.to);
    if (!to)
      return out.fail(RunStatus::bad_request,
                      fmt::format("unknown state \"{}\": open, under_enforcement, resolved_pending_verification or resolved",
                                  r.to));
    // The violation as the latest sweep has it, or, once the data no longer shows it, as the
    // workflow knows it (its resolution is still to be verified).
    std::optional<en::FindingId> id;
    std::string owner;
    const auto latest = en::latest_sweep(store, rs.id);
    if (const auto* e = find_in_sweep(latest, r.rule, r.subject_key)) id = e->finding, owner = e->owner_key;
    if (!id)
      for (const auto& t : en::transitions(store))
        if (t.violation.rule == r.rule && t.violation.subject_key == r.subject_key) id = t.violation;
    for (const auto& a : en::actions(store))
      if (a.violation.rule == r.rule && a.violation.subject_key == r.subject_key) {
        if (!id) id = a.violation;
        if (owner.empty()) owner = a.owner_key;
      }
    // A violation only the transitions know has no owner on record: a limited user cannot be
    // shown to own it, so it is refused to them.
    if (id && r.limit_to && (owner.empty() || !within(r.limit_to, owner_jurisdiction(rs, store, owner)))) {
      out.out_of_scope = true;
      id.reset();
    }
    if (!id)
      return out.fail(RunStatus::bad_request,
                      fmt::format("no violation of {} on {}: neither the latest sweep nor the enforcement records have it",
                                  r.rule, r.subject_key));
    out.transition = en::transition(store, *id, *to, r.on, r.reason, {r.recorded.by, r.recorded.source});
  });
}

ViolationsOutcome list_violations(const ViolationsRequest& r) {
  ViolationsOutcome out;
  return workflow_run(out, r.db, r.ruleset, true, [&](const dsl::model::Ruleset& rs, engine::store::Store& store) {
    std::map<en::FindingId, WorkflowViolation> by_id;
    const auto latest = en::latest_sweep(store, rs.id);
    for (auto& a : en::actions(store)) {
      auto& v = by_id[a.violation];
      v.owner_key = a.owner_key;
      v.actions.push_back(std::move(a));
    }
    for (auto& t : en::transitions(store)) by_id[t.violation].transitions.push_back(std::move(t));
    for (auto& [id, v] : by_id) {
      v.violation = id;
      v.state = en::to_string(v.transitions.empty() ? en::State::open : v.transitions.back().to);
      if (v.owner_key.empty())
        if (const auto* e = find_in_sweep(latest, id.rule, id.subject_key)) v.owner_key = e->owner_key;
      if (!r.owner.empty() && v.owner_key != r.owner) continue;
      if (const auto* owner = rs.schema.owner(); owner && !v.owner_key.empty()) {
        if (rs.schema.roles.owner_name >= 0)
          v.owner_name = en::owner_field(store, *owner, v.owner_key, owner->fields[rs.schema.roles.owner_name].name);
        if (const auto declared = declared_jurisdiction(rs.schema))
          v.jurisdiction = en::owner_field(store, *owner, v.owner_key, declared->field);
      }
      if (r.limit_to && !r.limit_to->count(v.jurisdiction)) continue;
      out.violations.push_back(std::move(v));
    }
  });
}

namespace {

// A number of the policy: {"value": N, "source": "..."} or {"param": "NAME"} (an int parameter
// of the ruleset, the value in force on `as_of`, with its source).
std::int64_t policy_number(const json& j, const std::string& where, const dsl::model::Ruleset& rs, dsl::Date as_of,
                           std::string& source) {
  if (!j.is_object()) throw std::runtime_error(where + ": an object {\"value\": N, \"source\": \"...\"} or {\"param\": \"NAME\"}");
  if (j.contains("param")) {
    if (!j["param"].is_string()) throw std::runtime_error(where + ".param: the name of a parameter");
    const auto name = j["param"].get<std::string>();
    const auto* p = rs.find_param(name);
    if (!p) throw std::runtime_error(fmt::format("{}.param: the ruleset has no parameter \"{}\"", where, name));
    if (p->type.kind != dsl::model::Kind::int_)
      throw std::runtime_error(fmt::format("{}.param: parameter {} must be an int", where, name));
    const dsl::model::ParamEntry* entry = nullptr;
    for (const auto& e : p->entries)
      if (!e.from || *e.from <= as_of) entry = &e;
    if (!entry) throw std::runtime_error(fmt::format("{}.param: parameter {} has no value in force on {}", where, name,
                                                     dsl::format_date(as_of)));
    const auto v = engine::evaluate_constant(entry->value);
    if (v.kind() != dsl::cel::ValueKind::int_)
      throw std::runtime_error(fmt::format("{}.param: parameter {} is not a constant", where, name));
    if (entry->source.empty()) throw std::runtime_error(fmt::format("{}.param: parameter {} has no source", where, name));
    source = fmt::format("param {}: {}", name, entry->source);
    return v.as_int();
  }
  if (!j.contains("value") || !j["value"].is_number_integer() || j["value"].get<std::int64_t>() < 0)
    throw std::runtime_error(where + ".value: a whole number >= 0");
  if (!j.contains("source") || !j["source"].is_string() || j["source"].get<std::string>().empty())
    throw std::runtime_error(where + ".source: required (where the number comes from)");
  source = j["source"].get<std::string>();
  return j["value"].get<std::int64_t>();
}

}  // namespace

WatchPolicy read_watch_policy(const std::filesystem::path& file, const dsl::model::Ruleset& rs, dsl::Date as_of) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read the watch-list policy {}", file.string()));
  std::stringstream text;
  text << in.rdbuf();
  const auto j = json::parse(text.str(), nullptr, false);
  const std::string w = file.string();
  if (!j.is_object()) throw std::runtime_error(w + ": not a JSON object");
  WatchPolicy p;
  const auto* owner = rs.schema.owner();
  if (!owner) throw std::runtime_error(w + ": the ruleset declares no owner record (`role owner`)");
  p.jurisdiction_field = j.value("jurisdiction_field", std::string());
  if (p.jurisdiction_field.empty() || owner->find_field(p.jurisdiction_field) < 0)
    throw std::runtime_error(fmt::format("{} jurisdiction_field: a field of {} (the owner record) is required; \"{}\" is not one",
                                         w, owner->name, p.jurisdiction_field));
  const json sig = j.value("significant", json());
  if (!sig.is_object()) throw std::runtime_error(w + " significant: an object is required");
  for (const auto& s : sig.value("severities", json::array())) {
    if (!s.is_string() || !dsl::model::parse_severity(s.get<std::string>()))
      throw std::runtime_error(w + " significant.severities: critical, high, medium, low or advice");
    p.severities.push_back(s.get<std::string>());
  }
  if (!p.severities.empty()) {
    p.severities_source = sig.value("severities_source", std::string());
    if (p.severities_source.empty()) throw std::runtime_error(w + " significant.severities_source: required");
  }
  if (sig.contains("repeat_sweeps"))
    p.repeat_sweeps = policy_number(sig["repeat_sweeps"], w + " significant.repeat_sweeps", rs, as_of, p.repeat_source);
  if (p.severities.empty() && p.repeat_sweeps == 0)
    throw std::runtime_error(w + " significant: give severities, repeat_sweeps or both");
  if (!j.contains("unresolved_days")) throw std::runtime_error(w + " unresolved_days: required");
  p.days = policy_number(j["unresolved_days"], w + " unresolved_days", rs, as_of, p.days_source);
  return p;
}

WatchlistOutcome watchlist(const WatchlistRequest& r) {
  WatchlistOutcome out;
  return workflow_run(out, r.db, r.ruleset, true, [&](const dsl::model::Ruleset& rs, engine::store::Store& store) {
    const auto latest = en::latest_sweep(store, rs.id);
    if (!latest.id)
      return out.fail(RunStatus::bad_request, fmt::format("no sweep of {} is recorded in {}", rs.id, r.db.string()));
    out.sweep = latest.id;
    out.as_of = r.as_of.value_or(latest.as_of);
    const auto as_of = dsl::parse_date(out.as_of);
    if (!as_of) return out.fail(RunStatus::bad_request, fmt::format("--as-of \"{}\" is not a date (YYYY-MM-DD)", out.as_of));
    try {
      out.policy = read_watch_policy(r.policy.empty() ? r.ruleset / "enforcement.json" : r.policy, rs, *as_of);
    } catch (const std::runtime_error& e) {
      return out.fail(RunStatus::bad_request, e.what());
    }
    // One jurisdiction for the list, the grid and the change notices: the declared one first.
    if (const auto declared = declared_jurisdiction(rs.schema)) out.policy.jurisdiction_field = declared->field;
    if (r.days) {
      if (*r.days < 0) return out.fail(RunStatus::bad_request, "--days must be >= 0");
      out.policy.days = *r.days;
      out.policy.days_source = "--days";
    }
    const auto overlay = en::read_overlay(store);
    const auto sweeps = en::violation_sweeps(store, rs.id);
    const auto& owner = *rs.schema.owner();
    const int name_field = rs.schema.roles.owner_name;
    std::map<std::string, std::vector<std::string>> team;  // owner -> its latest inspection's inspectors
    for (const auto& in : en::list_inspections(store, ""))
      team.emplace(in.owner_key, in.inspectors);  // newest first: the first one stays
    for (const auto& e : latest.findings) {
      if (e.verdict != "violation" && e.verdict != "late") continue;
      // The list is of owners left without enforcement; a finding with no owner (a screening
      // refusal of a project application) is the permit desk's decision, not a non-compliance.
      if (e.owner_key.empty()) continue;
      if (overlay.actions.count(e.finding)) continue;  // under enforcement already
      const auto s = overlay.states.find(e.finding);
      const auto state = s == overlay.states.end() ? en::State::open : s->second;
      if (state == en::State::resolved) continue;
      const auto first = dsl::parse_date(e.first_seen);
      if (!first) continue;
      const std::int64_t days = as_of->days - first->days;
      if (days <= out.policy.days) continue;
      WatchEntry w;
      if (std::find(out.policy.severities.begin(), out.policy.severities.end(), e.severity) != out.policy.severities.end())
        w.why.push_back("severity " + e.severity);
      const auto n = sweeps.count(e.finding) ? sweeps.at(e.finding) : 0;
      if (out.policy.repeat_sweeps > 0 && n >= out.policy.repeat_sweeps)
        w.why.push_back(fmt::format("reported in {} sweeps (>= {})", n, out.policy.repeat_sweeps));
      if (w.why.empty()) continue;
      w.violation = e.finding;
      w.owner_key = e.owner_key;
      w.owner_name = name_field >= 0 ? en::owner_field(store, owner, e.owner_key, owner.fields[name_field].name) : "";
      w.jurisdiction = en::owner_field(store, owner, e.owner_key, out.policy.jurisdiction_field);
      if (r.limit_to && !r.limit_to->count(w.jurisdiction)) continue;
      if (auto t = team.find(e.owner_key); t != team.end()) w.inspectors = t->second;
      w.verdict = e.verdict;
      w.severity = e.severity;
      w.first_seen = e.first_seen;
      w.state = en::to_string(state);
      w.days_unresolved = days;
      w.sweeps = n;
      out.entries.push_back(std::move(w));
    }
    std::sort(out.entries.begin(), out.entries.end(), [](const WatchEntry& a, const WatchEntry& b) {
      return std::tie(a.jurisdiction, a.inspectors, a.violation) < std::tie(b.jurisdiction, b.inspectors, b.violation);
    });
  });
}

std::string watchlist_json(const WatchlistOutcome& out) {
  const auto& p = out.policy;
  nlohmann::ordered_json j;
  j["sweep"] = out.sweep;
  j["as_of"] = out.as_of;
  j["policy"] = {{"severities", p.severities}, {"severities_source", p.severities_source},
                 {"repeat_sweeps", p.repeat_sweeps}, {"repeat_source", p.repeat_source},
                 {"days", p.days}, {"days_source", p.days_source}, {"jurisdiction_field", p.jurisdiction_field}};
  auto entries = nlohmann::ordered_json::array();
  for (const auto& e : out.entries)
    entries.push_back({{"jurisdiction", e.jurisdiction}, {"inspectors", e.inspectors}, {"rule", e.violation.rule},
                       {"subject", {{"record", e.violation.subject_record}, {"key", e.violation.subject_key}}},
                       {"enterprise_id", e.owner_key}, {"enterprise_name", e.owner_name}, {"verdict", e.verdict},
                       {"severity", e.severity}, {"first_seen", e.first_seen}, {"days_unresolved", e.days_unresolved},
                       {"sweeps", e.sweeps}, {"state", e.state}, {"why", e.why}});
  j["entries"] = std::move(entries);
  return j.dump(2);
}

}  // namespace eco::app
