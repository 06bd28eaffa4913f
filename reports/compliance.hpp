#pragma once
// The compliance history's renderings (issue 15 item 5, docs/enforcement.md "Compliance
// history"): the quarter grid of a population or of one enterprise, in every format. The
// grid's statuses are derived by the engine (engine/enforcement/history.hpp); reports only
// show them. Human-readable formats follow `lang` (zh | en).
#include <string>

#include "engine/findings/compliance.hpp"

namespace eco::reports {

// A status in words ("合规", "In compliance"); a quarter without a sweep has its own words
// ("无巡查 (未知)", "No sweep (unknown)").
std::string quarter_label(const engine::QuarterCell& cell, const std::string& lang);

// JSON: the ruleset, the as-of day, the quarters, the significance policy with its sources,
// and per enterprise its cells (status, sweeps, counts). Keys in English, values as derived.
std::string compliance_json(const engine::ComplianceHistory& h);
// CSV (UTF-8 with a BOM, CRLF, cells quoted and neutralised): one row per enterprise and quarter.
std::string compliance_csv(const engine::ComplianceHistory& h, const std::string& lang);
// XLSX: sheet Grid (one row per enterprise, one column per quarter, coloured by status) and
// sheet Quarters (the CSV's rows). Throws ReportError.
void write_compliance_xlsx(const engine::ComplianceHistory& h, const std::string& lang, const std::string& path);
// HTML: one self-contained page with the quarter grid and its legend (generated_at: UTC ISO 8601).
std::string compliance_html(const engine::ComplianceHistory& h, const std::string& lang,
                            const std::string& generated_at);
// A quarter in one letter: C in compliance, V violation, S significant non-compliance,
// ? unknown, - no sweep (unknown).
char quarter_letter(const engine::QuarterCell& cell);
// Text for a terminal: one line per enterprise, one letter per quarter (C in compliance,
// V violation, S significant non-compliance, ? unknown, - no sweep), with a legend.
std::string compliance_text(const engine::ComplianceHistory& h);

}  // namespace eco::reports
