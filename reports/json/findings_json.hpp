#pragma once
// The findings JSON document (schema: reports/json/findings.schema.json, "version": 1):
//   {"version": 1, "run": {...}, "findings": [...], "resolved": [...], "decisions": [...]}
// `resolved` lists the previous sweep's findings that a recorded sweep no longer has.
// Deterministic: the same run and findings give identical bytes apart from run.generated_at.
#include <string>
#include <vector>

#include "engine/findings/finding.hpp"

namespace eco::reports {

inline constexpr int kFindingsJsonVersion = 1;

// The whole document, pretty-printed with two-space indentation and a final newline.
std::string findings_json(const engine::RunInfo& run, const std::vector<engine::Finding>& findings,
                          const std::vector<engine::ResolvedFinding>& resolved = {});

}  // namespace eco::reports
