// CSV for spreadsheets: a BOM so that Excel reads the Chinese text as UTF-8, CRLF line ends,
// every cell quoted when RFC 4180 needs it, and text neutralised against formula injection.
#include <sstream>
#include <string>
#include <utility>
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

// The header row at construction, then one row per finding as it arrives.
class CsvWriter final : public ReportWriter {
 public:
  CsvWriter(std::ostream& out, const ReportData& head, EnterpriseLookup enterprise)
      : out_(out), lang_(head.lang), dimensions_(head.dimensions), enterprise_(std::move(enterprise)) {
    using namespace detail;
    const auto& L = lang_;
    std::string text = "\xEF\xBB\xBF";
    std::vector<std::string> header = {label(L, "col_enterprise_id"), label(L, "col_enterprise_name")};
    for (const auto& dim : dimensions_) header.push_back(dim.description.empty() ? dim.field : dim.description);
    for (const char* k : {"col_rule", "col_title", "col_requirements", "col_severity", "col_verdict",
                          "col_subject_record", "col_subject_key", "col_message", "col_clause",
                          "col_deadline", "col_days_overdue", "col_days_left", "col_met_on",
                          "col_missing", "col_waiver", "col_change", "col_first_seen", "col_state",
                          "col_enforcement"})
      header.push_back(label(L, k));
    row(text, header);
    out_ << text;
  }

  void add(const std::vector<engine::Finding>& piece) override {
    using namespace detail;
    const auto& L = lang_;
    std::string text;
    for (const auto& f : piece) {
      const EnterpriseInfo* e = f.owner.key.empty() ? nullptr : enterprise_(f.owner.key);
      std::vector<std::string> cells = {f.owner.key, e ? e->name : std::string()};
      for (const auto& dim : dimensions_) {
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
           f.change == engine::Change::none ? "" : label(L, engine::to_string(f.change)), date_or_empty(f.first_seen),
           enforcement_state(f, L), enforcement_steps(f, L)});
      row(text, cells);
      if (text.size() >= (1u << 20)) {
        out_ << text;
        text.clear();
      }
    }
    out_ << text;
  }

  void finish(const std::vector<engine::ResolvedFinding>&) override {}

 private:
  std::ostream& out_;
  std::string lang_;
  std::vector<Dimension> dimensions_;
  EnterpriseLookup enterprise_;
};

}  // namespace

std::unique_ptr<ReportWriter> csv_report_writer(std::ostream& out, const ReportData& head,
                                                EnterpriseLookup enterprise) {
  return std::make_unique<CsvWriter>(out, head, std::move(enterprise));
}

std::string csv_report(const ReportData& d) {
  std::ostringstream out;
  const detail::EnterpriseIndex index(d);
  CsvWriter w(out, d, [&](const std::string& key) { return index.find(key); });
  w.add(*d.findings);
  w.finish(d.resolved);
  return std::move(out).str();
}

}  // namespace eco::reports
