#pragma once
// The findings JSON document (schema: reports/json/findings.schema.json, "version": 1):
//   {"version": 1, "run": {...}, "findings": [...], "resolved": [...], "decisions": [...]}
// `resolved` lists the previous sweep's findings that a recorded sweep no longer has.
// Deterministic: the same run and findings give identical bytes apart from run.generated_at.
#include <ostream>
#include <string>
#include <vector>

#include "engine/findings/finding.hpp"

namespace eco::reports {

inline constexpr int kFindingsJsonVersion = 1;

// Writes the whole document to `out`, pretty-printed with two-space indentation and a final
// newline, one finding at a time (memory does not grow with the number of findings).
// `decisions` (screening) refer to findings by their index in `findings`.
void write_findings_json(std::ostream& out, const engine::RunInfo& run, const std::vector<engine::Finding>& findings,
                         const std::vector<engine::ResolvedFinding>& resolved = {},
                         const std::vector<engine::ApplicationDecision>& decisions = {});

// The same document as a string.
std::string findings_json(const engine::RunInfo& run, const std::vector<engine::Finding>& findings,
                          const std::vector<engine::ResolvedFinding>& resolved = {},
                          const std::vector<engine::ApplicationDecision>& decisions = {});

}  // namespace eco::reports
