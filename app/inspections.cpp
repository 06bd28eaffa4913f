#include "app/inspections.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "app/authorization.hpp"
#include "app/draws.hpp"
#include "app/enforcement_common.hpp"
#include "app/ruleset.hpp"
#include "engine/draw/draw.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/snapshot/from_store.hpp"

namespace eco::app {

namespace en = engine::enforcement;

namespace {

// The inspectors the draw sent to `owner`, or a message why the draw cannot be used.
std::vector<std::string> drawn_team(engine::store::Store& st, std::int64_t draw, const std::string& owner,
                                    std::string& error) {
  try {
    const auto rec = engine::draw::read(st, draw);
    const auto result = nlohmann::json::parse(rec.result, nullptr, false);
    if (result.is_object() && result.contains("selections"))
      for (const auto& s : result["selections"])
        if (s.value("enterprise", "") == owner) return s.value("inspectors", std::vector<std::string>{});
    error = fmt::format("draw {} did not select {}", draw, owner);
  } catch (const engine::draw::DrawError& e) {
    error = e.what();
  }
  return {};
}

}  // namespace

std::vector<engine::Finding> evaluate_owner(const dsl::model::Ruleset& rs, engine::store::Store& st,
                                            const std::string& owner_key, dsl::Date as_of, std::string& error) {
  const auto* owner = rs.schema.owner();
  if (!owner) {
    error = "the ruleset declares no owner record (`role owner`) to inspect";
    return {};
  }
  auto loaded = engine::load_snapshot(st);
  if (!loaded.snapshot.find(owner->index, owner_key)) {
    error = fmt::format("no {} with id '{}' in the store", owner->name, owner_key);
    return {};
  }
  engine::CompiledRuleset compiled(rs);
  engine::EvalOptions eo;
  eo.as_of = as_of;
  eo.scope = engine::EvalOptions::Scope{owner->name, {owner_key}};
  auto findings = compiled.evaluate(loaded.snapshot, eo);
  // What the sweeps report of it: the workflow's dismissals apply here too.
  en::apply(en::read_overlay(st), findings);
  return findings;
}

std::string owner_jurisdiction(const dsl::model::Ruleset& rs, engine::store::Store& st, const std::string& owner_key) {
  const auto* owner = rs.schema.owner();
  const auto declared = declared_jurisdiction(rs.schema);
  if (!owner || !declared || owner_key.empty()) return "";
  return en::owner_field(st, *owner, owner_key, declared->field);
}

std::string owner_name(const dsl::model::Ruleset& rs, engine::store::Store& st, const std::string& owner_key) {
  const auto* owner = rs.schema.owner();
  if (!owner || rs.schema.roles.owner_name < 0 || owner_key.empty()) return "";
  return en::owner_field(st, *owner, owner_key, owner->fields[static_cast<std::size_t>(rs.schema.roles.owner_name)].name);
}

InspectionOpenOutcome open_inspection(const InspectionOpenRequest& r) {
  InspectionOpenOutcome out;
  return workflow_run(out, r.db, r.ruleset, false, [&](const dsl::model::Ruleset& rs, engine::store::Store& store) {
    const auto latest = en::latest_sweep(store, rs.id);
    if (!latest.id)
      return out.fail(RunStatus::bad_request,
                      fmt::format("no sweep of {} is recorded in {}: an inspection's checklist comes from the latest "
                                  "sweep (run `ecoaudit sweep` first)", rs.id, r.db.string()));
    if (!within(r.limit_to, owner_jurisdiction(rs, store, r.owner))) {
      out.out_of_scope = true;
      return out.fail(RunStatus::bad_request, fmt::format("no enterprise '{}' in your jurisdictions", r.owner));
    }
    en::Inspection in;
    in.ruleset = rs.id;
    in.sweep = latest.id;
    in.owner_key = r.owner;
    in.owner_record = rs.schema.owner() ? rs.schema.owner()->name : "";
    in.draw = r.draw;
    in.planned_on = r.planned_on;
    in.inspectors = r.inspectors;
    if (r.draw > 0) {
      std::string error;
      auto team = drawn_team(store, r.draw, r.owner, error);
      if (!error.empty()) return out.fail(RunStatus::bad_request, error);
      // The draw's team goes, unless the bureau names who goes instead (a recusal found later).
      if (in.inspectors.empty()) in.inspectors = std::move(team);
    }
    std::string error;
    const auto as_of = dsl::parse_date(latest.as_of).value_or(dsl::Date{});
    auto findings = evaluate_owner(rs, store, r.owner, as_of, error);
    if (!error.empty()) return out.fail(RunStatus::bad_request, error);
    std::vector<en::FindingId> swept;
    for (const auto& e : latest.findings)
      if (e.owner_key == r.owner) swept.push_back(e.finding);
    in.items = en::checklist(findings, swept);
    std::set<en::FindingId> listed;
    for (const auto& it : in.items) listed.insert(it.finding);
    // Items the latest sweep had that the data no longer shows (or that were dismissed since):
    // counted, not listed; there is nothing left to verify about them.
    for (const auto& id : swept)
      if (!listed.count(id) && id.rule != en::kOrderRule) ++out.gone;
    in.id = en::record_inspection(store, in, {r.recorded.by, r.recorded.source});
    out.inspection = en::read_inspection(store, in.id);
  });
}

OutcomeOutcome record_outcome(const OutcomeRequest& r) {
  OutcomeOutcome out;
  return workflow_run(out, r.db, r.ruleset, false, [&](const dsl::model::Ruleset& rs, engine::store::Store& store) {
    const auto in = en::read_inspection(store, r.inspection);
    if (!within(r.limit_to, owner_jurisdiction(rs, store, in.owner_key))) {
      out.out_of_scope = true;
      return out.fail(RunStatus::bad_request, fmt::format("no inspection {} in your jurisdictions", r.inspection));
    }
    const std::string source = r.client_request.empty() ? r.recorded.source : "client request " + r.client_request;
    if (!r.client_request.empty()) {
      // A resent submission: answer what was recorded for it, write nothing. The same id for
      // another item or outcome is a client's mistake, never silently taken as this one.
      for (const auto& o : en::outcomes(store, r.inspection)) {
        if (o.source != source) continue;
        if (o.item != r.item || en::to_string(o.outcome) != r.outcome || o.note != r.note || o.checked_on != r.checked_on ||
            o.evidence_files != r.evidence_files)
          return out.fail(RunStatus::bad_request,
                          fmt::format("client request {} was already recorded for item {} with other values (version {}); "
                                      "a new submission needs a new request id",
                                      r.client_request, o.item, o.version));
        out.recorded = o;
        out.replayed = true;
        out.state = en::to_string(en::current_state(store, in.items.at(static_cast<std::size_t>(o.item - 1)).finding));
        return;
      }
    }
    const auto outcome = en::parse_outcome(r.outcome);
    if (!outcome)
      return out.fail(RunStatus::bad_request,
                      fmt::format("unknown outcome \"{}\": confirmed, not_confirmed, corrected_on_site or not_verified",
                                  r.outcome));
    out.recorded = en::record_outcome(store, r.inspection, r.item, *outcome, r.note, r.checked_on, r.evidence_files,
                                      {r.recorded.by, source});
    out.state = en::to_string(en::current_state(store, in.items.at(static_cast<std::size_t>(r.item - 1)).finding));
  });
}

InspectionShowOutcome show_inspections(const InspectionShowRequest& r) {
  InspectionShowOutcome out;
  return workflow_run(out, r.db, r.ruleset, true, [&](const dsl::model::Ruleset& rs, engine::store::Store& store) {
    std::vector<en::Inspection> found;
    if (r.inspection > 0) {
      found.push_back(en::read_inspection(store, r.inspection));
    } else {
      found = en::list_inspections(store, r.owner);
    }
    for (auto& in : found) {
      auto j = owner_jurisdiction(rs, store, in.owner_key);
      if (!within(r.limit_to, j)) {
        if (r.inspection > 0) {
          out.out_of_scope = true;
          return out.fail(RunStatus::bad_request, fmt::format("no inspection {} in your jurisdictions", r.inspection));
        }
        continue;
      }
      out.owner_names.push_back(owner_name(rs, store, in.owner_key));
      out.jurisdictions.push_back(std::move(j));
      out.inspections.push_back(std::move(in));
    }
    if (r.inspection > 0) out.outcomes = en::outcomes(store, r.inspection);
    if (r.viewer_inspector) {
      out.viewer_roster_id = *r.viewer_inspector;
    } else if (!r.viewer_name.empty()) {
      // The fallback only for a name the roster has: an unlinked account named like some free
      // text of a team ("a") is nobody's inspector. A plan that cannot be read gives no match
      // here; the draws say what is wrong with it.
      // Nor when an enabled account is linked to that id: the link wins (one inspector, one account).
      const auto roster = roster_ids(rs, store, r.ruleset, {r.viewer_name});
      if (roster.known.count(r.viewer_name) && !Accounts::open(r.db)->inspector_linked(r.viewer_name))
        out.viewer_roster_id = r.viewer_name;
    }
  });
}

}  // namespace eco::app
