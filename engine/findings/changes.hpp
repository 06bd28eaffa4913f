#pragma once
// Change notices (issue 15 item 6, docs/enforcement.md "Change notices"): what a recorded sweep
// changed against the previous one, per jurisdiction and inspector team. Plain data: the
// application layer derives it (app/change_notices.hpp), reports render it
// (reports/changes.hpp: text, JSON, Atom).
#include <cstdint>
#include <string>
#include <vector>

namespace eco::engine {

struct ChangeEntry {
  std::string rule, subject_record, subject_key;
  std::string owner_key, owner_name;
  std::string verdict, severity, first_seen;  // in the sweep (resolved: in the previous one)
  std::vector<std::string> why;               // escalated: why it is significant
  std::int64_t days_unresolved = 0;           // escalated: as-of day - first seen
};

// The changes of one jurisdiction and one team (the inspectors of the enterprises' latest
// inspection opened before the sweep ran; empty: not inspected).
struct ChangeGroup {
  std::string jurisdiction;
  std::vector<std::string> inspectors;
  std::vector<ChangeEntry> added, resolved, escalated;  // by rule, subject
};

struct SweepChanges {
  std::int64_t sweep = 0, previous = 0;  // previous 0: the first recorded sweep (everything is new)
  std::string as_of, started_at;         // started_at: UTC, ISO 8601
  std::vector<ChangeGroup> groups;       // by jurisdiction, then inspectors; only groups with a change
};

struct ChangeNotices {
  std::string ruleset, ruleset_title;
  std::string jurisdiction_field;
  std::vector<SweepChanges> sweeps;      // newest first
};

}  // namespace eco::engine
