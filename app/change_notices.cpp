#include "app/change_notices.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "app/authorization.hpp"
#include "app/enforcement_common.hpp"
#include "app/ruleset.hpp"
#include "engine/sweeps/history.hpp"

namespace eco::app {

namespace en = engine::enforcement;
using engine::ChangeEntry;
using engine::ChangeGroup;
using engine::SweepChanges;

namespace {

// What the store knew when a sweep ran: the enforcement actions and state transitions recorded
// before it started (by their time: they do not name a sweep), and the inspections opened
// before it (by the sweep each was opened on).
struct Knowledge {
  std::vector<en::Action> actions;
  std::vector<en::Transition> transitions;
  std::vector<en::Inspection> inspections;  // newest first
};

// The violations of `sweep` on the watch list as the sweep left it (docs/enforcement.md "The
// watch list"), by finding, with why each is significant.
std::map<en::FindingId, ChangeEntry> watched(const en::LatestSweep& sweep, const Knowledge& k,
                                             const std::map<en::FindingId, std::int64_t>& counts, const WatchPolicy& p) {
  std::map<en::FindingId, ChangeEntry> out;
  const auto as_of = dsl::parse_date(sweep.as_of);
  if (!as_of) return out;
  std::set<en::FindingId> acted;
  for (const auto& a : k.actions)
    if (a.recorded_at <= sweep.started_at) acted.insert(a.violation);
  std::map<en::FindingId, en::State> state;
  for (const auto& t : k.transitions)
    if (t.recorded_at <= sweep.started_at) state[t.violation] = t.to;
  for (const auto& e : sweep.findings) {
    if (e.verdict != "violation" && e.verdict != "late") continue;
    if (acted.count(e.finding)) continue;
    if (auto s = state.find(e.finding); s != state.end() && s->second == en::State::resolved) continue;
    const auto first = dsl::parse_date(e.first_seen);
    if (!first || as_of->days - first->days <= p.days) continue;
    ChangeEntry c;
    if (std::find(p.severities.begin(), p.severities.end(), e.severity) != p.severities.end())
      c.why.push_back("severity " + e.severity);
    const auto n = counts.count(e.finding) ? counts.at(e.finding) : 0;
    if (p.repeat_sweeps > 0 && n >= p.repeat_sweeps)
      c.why.push_back(fmt::format("reported in {} sweeps (>= {})", n, p.repeat_sweeps));
    if (c.why.empty()) continue;
    c.rule = e.finding.rule;
    c.subject_record = e.finding.subject_record;
    c.subject_key = e.finding.subject_key;
    c.owner_key = e.owner_key;
    c.verdict = e.verdict;
    c.severity = e.severity;
    c.first_seen = e.first_seen;
    c.days_unresolved = as_of->days - first->days;
    out.emplace(e.finding, std::move(c));
  }
  return out;
}

ChangeEntry entry_of(const en::LatestSweep::Entry& e) {
  ChangeEntry c;
  c.rule = e.finding.rule;
  c.subject_record = e.finding.subject_record;
  c.subject_key = e.finding.subject_key;
  c.owner_key = e.owner_key;
  c.verdict = e.verdict;
  c.severity = e.severity;
  c.first_seen = e.first_seen;
  return c;
}

}  // namespace

ChangesOutcome change_notices(const ChangesRequest& r) {
  ChangesOutcome out;
  dsl::SourceManager sm;
  auto rs = ruleset_for_run(r.ruleset, sm, out);
  if (!rs) return out;
  auto store = open_workflow_store(r.db, *rs, out, true);
  if (!store) return out;
  return guarded(out, [&] {
    if (r.sweeps < 1 || r.sweeps > 100) return out.fail(RunStatus::bad_request, "--sweeps must be 1 to 100");
    const auto* owner = rs->schema.owner();
    if (!owner || owner->key_fields.size() != 1)
      return out.fail(RunStatus::bad_request, "change notices need an owner record (`role owner`) with one key field");
    std::vector<engine::SweepSummary> history;
    for (auto& s : engine::sweeps::read_history(*store, rs->id, 1000000))
      if (r.sweep == 0 || s.id <= r.sweep) history.push_back(std::move(s));
    if (history.empty() || (r.sweep != 0 && history.back().id != r.sweep))
      return out.fail(RunStatus::bad_request,
                      r.sweep ? fmt::format("no sweep {} of {} is recorded in {}", r.sweep, rs->id, r.db.string())
                              : fmt::format("no sweep of {} is recorded in {}", rs->id, r.db.string()));
    const auto newest = dsl::parse_date(history.back().as_of);
    if (!newest) return out.fail(RunStatus::bad_request, "the recorded sweep has no valid as-of day");
    try {
      out.policy = read_watch_policy(r.policy.empty() ? r.ruleset / "enforcement.json" : r.policy, *rs, *newest);
    } catch (const std::runtime_error& e) {
      return out.fail(RunStatus::bad_request, e.what());
    }
    // Jurisdictions: the field the ruleset declares (what the workbench scopes inspectors by),
    // or else the policy's.
    if (const auto declared = declared_jurisdiction(rs->schema)) out.policy.jurisdiction_field = declared->field;
    const Knowledge k{en::actions(*store), en::transitions(*store), en::list_inspections(*store, "")};
    const int name_field = rs->schema.roles.owner_name;
    struct OwnerInfo {
      std::string name, jurisdiction;
    };
    std::map<std::string, OwnerInfo> owners;
    const auto owner_info = [&](const std::string& key) -> const OwnerInfo& {
      auto it = owners.find(key);
      if (it == owners.end())
        it = owners
                 .emplace(key, OwnerInfo{name_field >= 0 ? en::owner_field(*store, *owner, key, owner->fields[name_field].name) : "",
                                         en::owner_field(*store, *owner, key, out.policy.jurisdiction_field)})
                 .first;
      return it->second;
    };
    const std::size_t first = history.size() > static_cast<std::size_t>(r.sweeps) ? history.size() - r.sweeps : 0;
    for (std::size_t i = history.size(); i-- > first;) {
      const auto cur = en::read_sweep(*store, rs->id, history[i].id);
      const auto prev = i > 0 ? en::read_sweep(*store, rs->id, history[i - 1].id) : en::LatestSweep{};
      SweepChanges sc;
      sc.sweep = cur.id;
      sc.previous = prev.id;
      sc.as_of = cur.as_of;
      sc.started_at = cur.started_at;
      // The watch list as each sweep left it, its numbers as in force on its as-of day.
      // (A parameter without a value in force on an older sweep's day: the newest's numbers.)
      auto policy_on = [&](const en::LatestSweep& s) {
        const auto d = dsl::parse_date(s.as_of);
        if (!d) return out.policy;
        try {
          return read_watch_policy(r.policy.empty() ? r.ruleset / "enforcement.json" : r.policy, *rs, *d);
        } catch (const std::runtime_error&) {
          return out.policy;
        }
      };
      const auto now_watched = watched(cur, k, en::violation_sweeps(*store, rs->id, cur.id), policy_on(cur));
      const auto was_watched =
          prev.id ? watched(prev, k, en::violation_sweeps(*store, rs->id, prev.id), policy_on(prev))
                  : std::map<en::FindingId, ChangeEntry>{};
      // The team of each enterprise: its latest inspection opened before the sweep ran (one
      // opened on an earlier sweep: an inspection records the latest sweep when it is opened).
      auto team_of = [&](const std::string& key) {
        for (const auto& in : k.inspections)
          if (in.owner_key == key && in.sweep < cur.id) return in.inspectors;
        return std::vector<std::string>{};
      };
      std::map<std::tuple<std::string, std::vector<std::string>>, ChangeGroup> groups;
      auto group_of = [&](const std::string& owner_key) -> ChangeGroup* {
        const auto& info = owner_info(owner_key);
        if (r.limit_to && !r.limit_to->count(info.jurisdiction)) return nullptr;
        auto team = team_of(owner_key);
        auto& g = groups[{info.jurisdiction, team}];
        g.jurisdiction = info.jurisdiction;
        g.inspectors = std::move(team);
        return &g;
      };
      auto named = [&](ChangeEntry c) {
        c.owner_name = owner_info(c.owner_key).name;
        return c;
      };
      std::set<en::FindingId> before, after;
      for (const auto& e : prev.findings) before.insert(e.finding);
      for (const auto& e : cur.findings) after.insert(e.finding);
      for (const auto& e : cur.findings)
        if (!before.count(e.finding))
          if (auto* g = group_of(e.owner_key)) g->added.push_back(named(entry_of(e)));
      for (const auto& e : prev.findings)
        if (!after.count(e.finding))
          if (auto* g = group_of(e.owner_key)) g->resolved.push_back(named(entry_of(e)));
      for (const auto& [id, c] : now_watched)
        if (!was_watched.count(id))
          if (auto* g = group_of(c.owner_key)) g->escalated.push_back(named(c));
      for (auto& [key, g] : groups)
        if (!g.added.empty() || !g.resolved.empty() || !g.escalated.empty()) sc.groups.push_back(std::move(g));
      out.notices.sweeps.push_back(std::move(sc));
    }
    out.notices.ruleset = rs->id;
    out.notices.ruleset_title = rs->title;
    out.notices.jurisdiction_field = out.policy.jurisdiction_field;
  });
}

}  // namespace eco::app
