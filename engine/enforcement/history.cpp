#include "engine/enforcement/history.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "engine/store/schema_sql.hpp"

namespace eco::engine::enforcement {

namespace {

using dsl::model::Verdict;

// How a finding counts in a sweep, from nothing to the worst; the same order as QuarterStatus.
enum class Counts : std::uint8_t { nothing, unknown, violation, significant };

QuarterStatus status_of(Counts c) {
  switch (c) {
    case Counts::nothing: return QuarterStatus::in_compliance;
    case Counts::unknown: return QuarterStatus::unknown;
    case Counts::violation: return QuarterStatus::violation;
    case Counts::significant: return QuarterStatus::significant_non_compliance;
  }
  return QuarterStatus::unknown;
}

std::string text(const SQLite::Column& c) { return c.isNull() ? std::string() : c.getString(); }

store::StoreError db_error(store::Store& st, const char* what, const SQLite::Exception& e) {
  return store::StoreError(fmt::format("{}: cannot {}: {}", st.path().string(), what, e.what()));
}

}  // namespace

std::string quarter_of(dsl::Date day) {
  const auto ymd = dsl::to_ymd(day);
  return fmt::format("{}Q{}", ymd.year, (ymd.month - 1) / 3 + 1);
}

std::vector<std::string> last_quarters(dsl::Date as_of, int n) {
  const auto ymd = dsl::to_ymd(as_of);
  int index = ymd.year * 4 + static_cast<int>((ymd.month - 1) / 3);  // quarters since year 0
  std::vector<std::string> out;
  for (int i = index - n + 1; i <= index; ++i) out.push_back(fmt::format("{}Q{}", i / 4, i % 4 + 1));
  return out;
}

ComplianceHistory derive_history(const HistoryInput& in, dsl::Date as_of, int quarters) {
  ComplianceHistory h;
  h.as_of = dsl::format_date(as_of);
  h.quarters = last_quarters(as_of, quarters);
  std::map<std::string, std::size_t> quarter_index;
  for (std::size_t i = 0; i < h.quarters.size(); ++i) quarter_index[h.quarters[i]] = i;

  // Per enterprise and quarter: the sweeps that covered it and how each finding counted (the
  // worst way over the quarter's sweeps).
  struct Cell {
    std::vector<std::int64_t> sweeps;
    std::map<FindingId, Counts> findings;
  };
  std::map<std::string, std::vector<Cell>> cells;
  for (const auto& o : in.owners) cells[o.key].resize(h.quarters.size());

  // The state of each violation on a day: its latest transition (by id) dated on or before it.
  std::map<FindingId, std::vector<const Transition*>> transitions;
  for (const auto& t : in.transitions) transitions[t.violation].push_back(&t);
  auto resolved_on = [&](const FindingId& id, dsl::Date day) {
    const auto it = transitions.find(id);
    if (it == transitions.end()) return false;
    const Transition* last = nullptr;
    for (const auto* t : it->second)
      if (auto on = dsl::parse_date(t->on); on && *on <= day) last = t;
    return last && last->to == State::resolved;
  };

  std::vector<const HistorySweep*> sweeps;
  for (const auto& s : in.sweeps) sweeps.push_back(&s);
  std::sort(sweeps.begin(), sweeps.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
  std::map<FindingId, std::int64_t> reported;  // violation or late in the sweeps so far
  for (const auto* s : sweeps) {
    for (const auto& f : s->findings)
      if (f.verdict == Verdict::violation || f.verdict == Verdict::late) ++reported[f.finding];
    if (s->as_of > as_of) continue;
    const auto q = quarter_index.find(quarter_of(s->as_of));
    if (q == quarter_index.end()) continue;
    ++h.sweeps;
    std::set<std::string> covered;
    for (const auto& o : in.owners)
      if (o.first_batch > 0 && o.first_batch <= s->last_batch) {
        covered.insert(o.key);
        cells[o.key][q->second].sweeps.push_back(s->id);
      }
    for (const auto& f : s->findings) {
      if (!covered.count(f.owner_key)) continue;
      Counts c = Counts::nothing;
      if (f.verdict == Verdict::violation || f.verdict == Verdict::late) {
        const bool severe = std::find(in.significant_severities.begin(), in.significant_severities.end(),
                                      f.severity) != in.significant_severities.end();
        const bool repeated = in.repeat_sweeps > 0 && reported[f.finding] >= in.repeat_sweeps;
        c = resolved_on(f.finding, s->as_of) ? Counts::nothing
            : severe || repeated            ? Counts::significant
                                            : Counts::violation;
      } else if (f.verdict == Verdict::unknown || f.verdict == Verdict::error) {
        c = Counts::unknown;
      }
      if (const auto d = in.dismissed.find(f.finding); d != in.dismissed.end()) {
        if (s->id == d->second) c = Counts::nothing;
        else if (s->id < d->second && c != Counts::nothing) c = Counts::unknown;
      }
      if (c == Counts::nothing) continue;
      auto& worst = cells[f.owner_key][q->second].findings[f.finding];
      worst = std::max(worst, c);
    }
  }

  for (const auto& o : in.owners) {
    ComplianceRow row{o.key, o.name, o.jurisdiction, {}};
    const auto& mine = cells[o.key];
    for (std::size_t i = 0; i < h.quarters.size(); ++i) {
      QuarterCell cell;
      cell.quarter = h.quarters[i];
      cell.sweeps = mine[i].sweeps;
      Counts worst = Counts::nothing;
      for (const auto& [id, c] : mine[i].findings) {
        worst = std::max(worst, c);
        if (c == Counts::significant) ++cell.significant;
        else if (c == Counts::violation) ++cell.violations;
        else if (c == Counts::unknown) ++cell.unknown;
      }
      cell.status = cell.sweeps.empty() ? QuarterStatus::unknown : status_of(worst);
      row.quarters.push_back(std::move(cell));
    }
    h.rows.push_back(std::move(row));
  }
  return h;
}

HistoryInput read_history_input(store::Store& st, const std::string& ruleset, const dsl::model::RecordType& owner,
                                const std::string& name_field, const std::string& jurisdiction_field,
                                const std::optional<std::string>& only_owner) {
  HistoryInput in;
  auto& db = st.db();
  try {
    if (db.tableExists("_sweep")) {
      std::map<std::int64_t, std::size_t> at;
      SQLite::Statement s(db, "SELECT id, as_of, batches FROM _sweep WHERE ruleset = ? ORDER BY id");
      s.bind(1, ruleset);
      while (s.executeStep()) {
        HistorySweep sw;
        sw.id = s.getColumn(0).getInt64();
        const auto day = dsl::parse_date(text(s.getColumn(1)));
        if (!day) continue;  // not written by a sweep: it never records a malformed day
        sw.as_of = *day;
        const auto batches = text(s.getColumn(2));
        for (std::size_t p = 0; p < batches.size();) {
          auto comma = batches.find(',', p);
          if (comma == std::string::npos) comma = batches.size();
          std::int64_t b = 0;
          std::from_chars(batches.data() + p, batches.data() + comma, b);
          sw.last_batch = std::max(sw.last_batch, b);
          p = comma + 1;
        }
        at[sw.id] = in.sweeps.size();
        in.sweeps.push_back(std::move(sw));
      }
      const std::string columns =
          "SELECT f.sweep, f.rule, f.subject_record, f.subject_key, coalesce(f.enterprise_id, ''), f.verdict, "
          "f.severity FROM _sweep_finding f ";
      // Written as `sweep IN (...)`, not as a join: the planner then reads the index ranges of each
      // sweep (a join made it scan the history in the order of another index).
      const std::string of_ruleset = "WHERE f.sweep IN (SELECT id FROM _sweep WHERE ruleset = ?) ";
      // Each row into its sweep's findings; `keep` says which rows count.
      const auto read = [&](SQLite::Statement& f, const auto& keep) {
        while (f.executeStep()) {
          const auto it = at.find(f.getColumn(0).getInt64());
          const auto verdict = dsl::model::parse_verdict(text(f.getColumn(5)));
          if (it == at.end() || !verdict) continue;
          HistoryFinding h{{text(f.getColumn(1)), text(f.getColumn(2)), text(f.getColumn(3))}, text(f.getColumn(4)),
                           *verdict, text(f.getColumn(6))};
          if (keep(h)) in.sweeps[it->second].findings.push_back(std::move(h));
        }
      };
      const auto all = [](const HistoryFinding&) { return true; };
      if (!only_owner) {
        SQLite::Statement f(db, columns + of_ruleset +
                                    "AND f.verdict IN ('violation', 'late', 'unknown', 'error') "
                                    "ORDER BY f.sweep, f.rule, f.subject_record, f.subject_key");
        f.bind(1, ruleset);
        read(f, all);
      } else {
        // The owner's findings: per sweep, a range of the index on (sweep, enterprise_id, rank).
        SQLite::Statement f(db, columns + of_ruleset +
                                    "AND f.enterprise_id = ? AND f.verdict IN ('violation', 'late', 'unknown', "
                                    "'error') ORDER BY f.sweep, f.rule, f.subject_record, f.subject_key");
        f.bind(1, ruleset);
        f.bind(2, *only_owner);
        read(f, all);
        // The same identities' violation and late findings recorded under another owner or none
        // (a subject that changed hands): they count towards `repeat_sweeps` as in the whole
        // input. Per sweep, ranges of the index on (sweep, subject_key).
        std::set<FindingId> mine;
        std::set<std::string> subjects;
        for (const auto& sw : in.sweeps)
          for (const auto& h : sw.findings) {
            mine.insert(h.finding);
            subjects.insert(h.finding.subject_key);
          }
        if (!subjects.empty()) {
          std::string marks;
          for (std::size_t i = 0; i < subjects.size(); ++i) marks += i ? ", ?" : "?";
          SQLite::Statement o(db, columns + of_ruleset + "AND f.subject_key IN (" + marks +
                                      ") AND f.verdict IN ('violation', 'late') AND f.enterprise_id IS NOT ? "
                                      "ORDER BY f.sweep, f.rule, f.subject_record, f.subject_key");
          int i = 0;
          o.bind(++i, ruleset);
          for (const auto& k : subjects) o.bind(++i, k);
          o.bind(++i, *only_owner);
          read(o, [&](const HistoryFinding& h) { return mine.count(h.finding) > 0; });
          for (auto& sw : in.sweeps)
            std::stable_sort(sw.findings.begin(), sw.findings.end(),
                             [](const HistoryFinding& a, const HistoryFinding& b) { return a.finding < b.finding; });
        }
      }
    }
    if (owner.key_fields.size() == 1) {
      // Identifiers come from the checked schema only (quote_ident). The first batch of a key is
      // the lowest of its current row's and its replaced versions'.
      const auto key = store::quote_ident(owner.fields[owner.key_fields[0]].name);
      const auto table = store::quote_ident(owner.name);
      const auto column = [&](const std::string& field) {
        return owner.find_field(field) >= 0 ? "o." + store::quote_ident(field) : std::string("NULL");
      };
      SQLite::Statement q(db, fmt::format("SELECT o.{0}, {1}, {2}, min(o._batch, coalesce((SELECT min(h._batch) FROM {3} h "
                                          "WHERE h.{0} = o.{0}), o._batch)) FROM {4} o{5} ORDER BY o.{0}",
                                          key, column(name_field), column(jurisdiction_field),
                                          store::quote_ident(store::history_table(owner.name)), table,
                                          only_owner ? fmt::format(" WHERE o.{} = ?", key) : std::string()));
      if (only_owner) q.bind(1, *only_owner);
      while (q.executeStep())
        in.owners.push_back({text(q.getColumn(0)), text(q.getColumn(1)), text(q.getColumn(2)), q.getColumn(3).getInt64()});
    }
    if (db.tableExists("_inspection")) {
      in.transitions = transitions(st);
      // The latest outcome of each finding stands (a correction has a higher id).
      SQLite::Statement o(db,
                          "SELECT i.rule, i.subject_record, i.subject_key, o.outcome, n.sweep FROM _inspection_outcome o "
                          "JOIN _inspection_item i ON i.inspection = o.inspection AND i.item = o.item "
                          "JOIN _inspection n ON n.id = o.inspection ORDER BY o.id");
      while (o.executeStep()) {
        const FindingId id{text(o.getColumn(0)), text(o.getColumn(1)), text(o.getColumn(2))};
        if (parse_outcome(text(o.getColumn(3))) == Outcome::not_confirmed)
          in.dismissed[id] = o.getColumn(4).getInt64();
        else
          in.dismissed.erase(id);
      }
    }
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "read the compliance history", e);
  }
  return in;
}

}  // namespace eco::engine::enforcement
