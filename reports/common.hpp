#pragma once
// What every format of reports/ shares: the labels of a language (templates/labels.json), the
// findings grouped the way readers look at them, and the derived lists (checklist, deadlines,
// parameters, ranking). Internal to reports/.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "reports/report.hpp"

namespace eco::reports::detail {

// The labels of `lang` ("zh" or "en"; anything else reads as zh) as a JSON object.
const nlohmann::json& labels(const std::string& lang);
// One label; throws std::out_of_range on an unknown key (a typo is a bug, not an empty cell).
std::string label(const std::string& lang, const std::string& key);

std::string severity_label(const std::string& lang, dsl::model::Severity s);
std::string verdict_label(const std::string& lang, dsl::model::Verdict v);
std::string confidence_label(const std::string& lang, dsl::model::Confidence c);
std::string decision_label(const std::string& lang, engine::Decision d);

// "AIR-01" -> "AIR"; "" when the finding has no requirement.
std::string requirement_area(const std::string& requirement_id);
// The finding's plan clauses, "三(三)1; 三(一)3".
std::string clauses(const engine::Finding& f);
const std::string& title(const engine::Finding& f, const std::string& lang);
const std::string& message(const engine::Finding& f, const std::string& lang);
bool is_violation(const engine::Finding& f);  // violation or late

// One item of the on-site checklist: a missing value of one subject, and the rules needing it.
struct ChecklistItem {
  std::string owner_key;    // the owner of the subject ("" = none)
  std::string subject_record, subject_key;
  std::string field;        // "facility.ule_status"
  std::string description;  // the field's description in the schema
  std::vector<std::string> rules;
  std::vector<std::string> what;  // the rules' titles in the report's language
};
// From the unknown findings, one item per (subject, missing field), by enterprise and subject
// (finding order within a subject).
std::vector<ChecklistItem> checklist(const ReportData& d);

// Findings with a deadline, by deadline (then rule and subject).
std::vector<const engine::Finding*> with_deadlines(const ReportData& d);

// Every parameter the findings used, once, by name.
std::vector<engine::ParamUse> parameters(const ReportData& d);

struct RankedEnterprise {
  std::string key, name;
  int score = 0;
  std::size_t violations = 0, unknown = 0, upcoming = 0, findings = 0;
};
// Enterprises with findings, by weighted severity (then violations, then key).
std::vector<RankedEnterprise> ranking(const ReportData& d);

// The enterprises of `d` by key (built once per report: lookups per finding stay cheap).
class EnterpriseIndex {
 public:
  explicit EnterpriseIndex(const ReportData& d);
  const EnterpriseInfo* find(const std::string& key) const;  // nullptr when unknown
  std::string name(const std::string& key) const;            // its name, or the key
 private:
  std::unordered_map<std::string, const EnterpriseInfo*> by_key_;
};

// Where a finding stands in the enforcement workflow (docs/enforcement.md), for the CSV and
// XLSX columns: its state's words ("" when the workflow does not concern it), and its
// inspection and actions ("现场检查 1 / 1: 现场确认 2026-11-05; 责令改正 NO 2026-11-06 (期限 ...)").
std::string enforcement_state(const engine::Finding& f, const std::string& lang);
std::string enforcement_steps(const engine::Finding& f, const std::string& lang);

// "2022-10-31" or "".
std::string date_or_empty(const std::optional<dsl::Date>& d);

}  // namespace eco::reports::detail
