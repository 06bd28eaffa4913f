// CSV for spreadsheets: a BOM so that Excel reads the Chinese text as UTF-8, CRLF line ends,
// every cell quoted when RFC 4180 needs it, and text neutralised against formula injection.
#include <string>
#include <vector>

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

void row(std::string& out, const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + quote(cells[i]);
  out += "\r\n";
}

template <typename T>
std::string opt(const std::optional<T>& v) {
  return v ? std::to_string(*v) : std::string();
}

}  // namespace

std::string csv_report(const ReportData& d) {
  using namespace detail;
  const auto& L = d.lang;
  std::string out = "\xEF\xBB\xBF";
  std::vector<std::string> header = {label(L, "col_enterprise_id"),
                                     label(L, "col_enterprise_name")};
  for (const auto& dim : d.dimensions)
    header.push_back(dim.description.empty() ? dim.field : dim.description);
  for (const char* k : {"col_rule", "col_title", "col_requirements", "col_severity", "col_verdict",
                        "col_subject_record", "col_subject_key", "col_message", "col_clause",
                        "col_deadline", "col_days_overdue", "col_days_left", "col_met_on",
                        "col_missing", "col_waiver", "col_change", "col_first_seen"})
    header.push_back(label(L, k));
  row(out, header);
  const EnterpriseIndex index(d);
  for (const auto& f : *d.findings) {
    const auto* e = index.find(f.enterprise_id);
    std::vector<std::string> cells = {f.enterprise_id, e ? e->name : std::string()};
    for (const auto& dim : d.dimensions) {
      auto it =
          e ? e->dimensions.find(dim.field) : std::map<std::string, std::string>::const_iterator{};
      cells.push_back(e && it != e->dimensions.end() ? it->second : std::string());
    }
    std::string reqs, missing;
    for (const auto& r : f.requirements) reqs += (reqs.empty() ? "" : " ") + r;
    for (const auto& m : f.missing) missing += (missing.empty() ? "" : " ") + m;
    std::string waiver;
    if (f.waiver)
      waiver = f.waiver->id + " " + dsl::format_date(f.waiver->valid_from) + ".." +
               dsl::format_date(f.waiver->valid_until) +
               (f.waiver->expired ? " (" + label(L, "waiver_expired") + ")" : "");
    cells.insert(
        cells.end(),
        {f.rule, title(f, L), reqs, severity_label(L, f.severity), verdict_label(L, f.verdict),
         f.subject_record, f.subject_key, message(f, L), clauses(f), date_or_empty(f.deadline),
         opt(f.days_overdue), opt(f.days_left), date_or_empty(f.met_on), missing, waiver,
         f.change.empty() ? "" : label(L, f.change), date_or_empty(f.first_seen)});
    row(out, cells);
  }
  return out;
}

}  // namespace eco::reports
