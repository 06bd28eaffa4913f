// The compliance history as JSON, CSV and text (reports/compliance.hpp); HTML is in
// html/html_report.cpp and XLSX in xlsx/findings_xlsx.cpp, beside the helpers they share.
#include "reports/compliance.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/common.hpp"
#include "reports/report.hpp"

namespace eco::reports {

namespace {

std::string quote(const std::string& raw) {
  const std::string s = neutralise_formula(raw);
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

char quarter_letter(const engine::QuarterCell& c) {
  if (c.sweeps.empty()) return '-';
  switch (c.status) {
    case engine::QuarterStatus::in_compliance: return 'C';
    case engine::QuarterStatus::unknown: return '?';
    case engine::QuarterStatus::violation: return 'V';
    case engine::QuarterStatus::significant_non_compliance: return 'S';
  }
  return '?';
}

std::string quarter_label(const engine::QuarterCell& cell, const std::string& lang) {
  if (cell.sweeps.empty()) return detail::label(lang, "q_no_sweep");
  return detail::label(lang, std::string("q_") + engine::to_string(cell.status));
}

std::string compliance_json(const engine::ComplianceHistory& h) {
  nlohmann::ordered_json j;
  j["ruleset"] = h.ruleset;
  j["ruleset_title"] = h.ruleset_title;
  j["as_of"] = h.as_of;
  j["quarters"] = h.quarters;
  j["sweeps"] = h.sweeps;
  j["policy"] = {{"severities", h.significant_severities}, {"severities_source", h.severities_source},
                 {"repeat_sweeps", h.repeat_sweeps}, {"repeat_source", h.repeat_source},
                 {"jurisdiction_field", h.jurisdiction_field}};
  auto rows = nlohmann::ordered_json::array();
  for (const auto& r : h.rows) {
    auto cells = nlohmann::ordered_json::array();
    for (const auto& c : r.quarters)
      cells.push_back({{"quarter", c.quarter}, {"status", engine::to_string(c.status)}, {"sweeps", c.sweeps},
                       {"significant", c.significant}, {"violations", c.violations}, {"unknown", c.unknown}});
    rows.push_back({{"enterprise_id", r.key}, {"enterprise_name", r.name}, {"jurisdiction", r.jurisdiction},
                    {"quarters", std::move(cells)}});
  }
  j["enterprises"] = std::move(rows);
  return j.dump(2) + "\n";
}

std::string compliance_csv(const engine::ComplianceHistory& h, const std::string& lang) {
  std::string out = "\xEF\xBB\xBF";
  auto row = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + quote(cells[i]);
    out += "\r\n";
  };
  row({"enterprise_id", "enterprise_name", "jurisdiction", "quarter", "status", "status_label", "sweeps",
       "significant", "violations", "unknown"});
  for (const auto& r : h.rows)
    for (const auto& c : r.quarters) {
      std::string sweeps;
      for (auto s : c.sweeps) sweeps += (sweeps.empty() ? "" : " ") + std::to_string(s);
      row({r.key, r.name, r.jurisdiction, c.quarter, engine::to_string(c.status), quarter_label(c, lang), sweeps,
           std::to_string(c.significant), std::to_string(c.violations), std::to_string(c.unknown)});
    }
  return out;
}

std::string compliance_text(const engine::ComplianceHistory& h) {
  std::string out = fmt::format("compliance history of {} as of {}: {} quarters ({} to {}), {} recorded sweep{}\n",
                                h.ruleset, h.as_of, h.quarters.size(), h.quarters.empty() ? "" : h.quarters.front(),
                                h.quarters.empty() ? "" : h.quarters.back(), h.sweeps, h.sweeps == 1 ? "" : "s");
  out += "  C in compliance, V violation, S significant non-compliance, ? unknown, - no sweep (unknown)\n";
  if (!h.significant_severities.empty()) {
    std::string sev;
    for (const auto& s : h.significant_severities) sev += (sev.empty() ? "" : " or ") + s;
    out += fmt::format("  significant: severity {} ({})\n", sev, printable(h.severities_source));
  }
  if (h.repeat_sweeps > 0)
    out += fmt::format("  significant: reported in {} sweeps or more ({})\n", h.repeat_sweeps, printable(h.repeat_source));
  for (const auto& r : h.rows) {
    std::string grid;
    for (const auto& c : r.quarters) grid += quarter_letter(c);
    out += fmt::format("{}  {} {} ({} {})\n", grid, printable(r.key), printable(r.name), h.jurisdiction_field,
                       printable(r.jurisdiction.empty() ? "(none)" : r.jurisdiction));
  }
  out += fmt::format("{} enterprise{}\n", h.rows.size(), h.rows.size() == 1 ? "" : "s");
  return out;
}

}  // namespace eco::reports
