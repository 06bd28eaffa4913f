#include "app/compliance_history.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "app/authorization.hpp"
#include "app/enforcement_common.hpp"
#include "app/ruleset.hpp"
#include "engine/enforcement/history.hpp"

namespace eco::app {

namespace en = engine::enforcement;

namespace {

// The field whose values are jurisdictions: the one the ruleset declares (`role jurisdiction`,
// what the workbench scopes inspectors by) or else the policy's.
std::string jurisdiction_field(const dsl::model::Ruleset& rs, const WatchPolicy& policy) {
  const auto declared = declared_jurisdiction(rs.schema);
  return declared ? declared->field : policy.jurisdiction_field;
}

// The grid of the owners `enterprise` ("" all) and `limit_to` select, by jurisdiction then key.
engine::ComplianceHistory grid(engine::store::Store& st, const dsl::model::Ruleset& rs, const WatchPolicy& policy,
                               dsl::Date as_of, int quarters, const std::string& enterprise,
                               const std::optional<std::set<std::string>>& limit_to) {
  const auto& owner = *rs.schema.owner();
  const int name_field = rs.schema.roles.owner_name;
  const auto jfield = jurisdiction_field(rs, policy);
  // One enterprise (an audit's grid): its own findings and owner row only, not the whole history.
  auto in = en::read_history_input(st, rs.id, owner, name_field >= 0 ? owner.fields[name_field].name : "", jfield,
                                   enterprise.empty() ? std::nullopt : std::optional<std::string>(enterprise));
  in.significant_severities = policy.severities;
  in.repeat_sweeps = policy.repeat_sweeps;
  std::erase_if(in.owners, [&](const en::HistoryOwner& o) {
    return (!enterprise.empty() && o.key != enterprise) || (limit_to && !limit_to->count(o.jurisdiction));
  });
  std::stable_sort(in.owners.begin(), in.owners.end(), [](const en::HistoryOwner& a, const en::HistoryOwner& b) {
    return std::tie(a.jurisdiction, a.key) < std::tie(b.jurisdiction, b.key);
  });
  auto h = en::derive_history(in, as_of, quarters);
  h.ruleset = rs.id;
  h.ruleset_title = rs.title;
  h.significant_severities = policy.severities;
  h.severities_source = policy.severities_source;
  h.repeat_sweeps = policy.repeat_sweeps;
  h.repeat_source = policy.repeat_source;
  h.jurisdiction_field = jfield;
  return h;
}

bool has_owner(engine::store::Store& st, const dsl::model::Ruleset& rs, const std::string& key,
               const std::optional<std::set<std::string>>& limit_to, const WatchPolicy& policy) {
  const auto& owner = *rs.schema.owner();
  const auto key_field = owner.fields[owner.key_fields[0]].name;
  if (en::owner_field(st, owner, key, key_field) != key) return false;
  return !limit_to || limit_to->count(en::owner_field(st, owner, key, jurisdiction_field(rs, policy)));
}

}  // namespace

HistoryOutcome compliance_history(const HistoryRequest& r) {
  HistoryOutcome out;
  return workflow_run(out, r.db, r.ruleset, true, [&](const dsl::model::Ruleset& rs, engine::store::Store& store) {
    const auto* owner = rs.schema.owner();
    if (!owner || owner->key_fields.size() != 1)
      return out.fail(RunStatus::bad_request,
                      "the compliance history needs an owner record (`role owner`) with one key field");
    if (r.quarters < 1 || r.quarters > 40) return out.fail(RunStatus::bad_request, "--quarters must be 1 to 40");
    std::string as_of_text;
    if (r.as_of) {
      as_of_text = *r.as_of;
    } else {
      const auto latest = en::latest_sweep(store, rs.id);
      if (!latest.id)
        return out.fail(RunStatus::bad_request,
                        fmt::format("no sweep of {} is recorded in {} (give --as-of for a grid of unknown quarters)",
                                    rs.id, r.db.string()));
      as_of_text = latest.as_of;
    }
    const auto as_of = dsl::parse_date(as_of_text);
    if (!as_of) return out.fail(RunStatus::bad_request, fmt::format("--as-of \"{}\" is not a date (YYYY-MM-DD)", as_of_text));
    WatchPolicy policy;
    try {
      policy = read_watch_policy(r.policy.empty() ? r.ruleset / "enforcement.json" : r.policy, rs, *as_of);
    } catch (const std::runtime_error& e) {
      return out.fail(RunStatus::bad_request, e.what());
    }
    if (!r.enterprise.empty() && !has_owner(store, rs, r.enterprise, r.limit_to, policy))
      return out.fail(RunStatus::bad_request, fmt::format("no enterprise {} in {}{}", r.enterprise, r.db.string(),
                                                          r.limit_to ? " within your jurisdiction" : ""));
    out.history = grid(store, rs, policy, *as_of, r.quarters, r.enterprise, r.limit_to);
  });
}

std::optional<engine::ComplianceHistory> enterprise_compliance(engine::store::Store& store,
                                                               const dsl::model::Ruleset& rs,
                                                               const std::filesystem::path& ruleset_dir,
                                                               const std::string& key, dsl::Date as_of,
                                                               int quarters) {
  const auto* owner = rs.schema.owner();
  const auto file = ruleset_dir / "enforcement.json";
  if (!owner || owner->key_fields.size() != 1 || !std::filesystem::exists(file)) return std::nullopt;
  const auto policy = read_watch_policy(file, rs, as_of);
  return grid(store, rs, policy, as_of, quarters, key, std::nullopt);
}

}  // namespace eco::app
