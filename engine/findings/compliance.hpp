#pragma once
// Compliance history (issue 15 item 5, docs/enforcement.md "Compliance history"): per
// enterprise, the status of each of the last quarters, derived from the recorded sweeps and the
// enforcement records (engine/enforcement/history.hpp derives it). Plain data for the reports.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eco::engine {

// A quarter's status, from the best to the worst (the order the quarter's sweeps are combined in):
//   in_compliance               every sweep of the quarter covered the enterprise and counted
//                               nothing against it
//   unknown                     no sweep covered it in the quarter, or one counted an unknown
//                               (something to verify) and none a violation
//   violation                   a sweep counted a violation or late finding
//   significant_non_compliance  a sweep counted a significant one (the watch list's policy)
enum class QuarterStatus : std::uint8_t { in_compliance, unknown, violation, significant_non_compliance };

inline const char* to_string(QuarterStatus s) {
  switch (s) {
    case QuarterStatus::in_compliance: return "in_compliance";
    case QuarterStatus::unknown: return "unknown";
    case QuarterStatus::violation: return "violation";
    case QuarterStatus::significant_non_compliance: return "significant_non_compliance";
  }
  return "unknown";
}

// One enterprise in one quarter.
struct QuarterCell {
  std::string quarter;                   // "2026Q3"
  QuarterStatus status = QuarterStatus::unknown;
  std::vector<std::int64_t> sweeps;      // the recorded sweeps that covered it in the quarter; empty: none
  // Distinct findings counted in the quarter's sweeps, each under the worst way it counted.
  std::size_t significant = 0, violations = 0, unknown = 0;
  friend bool operator==(const QuarterCell&, const QuarterCell&) = default;
};

struct ComplianceRow {
  std::string key, name, jurisdiction;   // the enterprise (owner record)
  std::vector<QuarterCell> quarters;     // oldest first
  friend bool operator==(const ComplianceRow&, const ComplianceRow&) = default;
};

// The grid of a population (or one enterprise in its audit report).
struct ComplianceHistory {
  std::string ruleset, ruleset_title;
  std::string as_of;                     // the last quarter is the one of this day
  std::vector<std::string> quarters;     // oldest first
  std::vector<std::string> significant_severities;
  std::string severities_source;
  std::int64_t repeat_sweeps = 0;        // 0: not used
  std::string repeat_source;
  std::string jurisdiction_field;
  std::int64_t sweeps = 0;               // recorded sweeps within the quarters
  std::vector<ComplianceRow> rows;       // by jurisdiction, then key
};

}  // namespace eco::engine
