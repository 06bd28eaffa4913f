#include "cli/finding_text.hpp"

#include <fmt/format.h>

#include "reports/report.hpp"

namespace eco::cli {

namespace {
// The details without escapes; finding_details passes each line through reports::printable.
std::string raw_details(const engine::Finding& f, const std::string& in, bool en) {
  std::string out;
  const std::string& msg = en ? f.message_en : f.message_zh;
  if (!msg.empty()) out += fmt::format("{}message: {}\n", in, msg);
  for (const auto& c : f.citations) out += fmt::format("{}cite: {} “{}”\n", in, c.section, c.quote);
  if (!f.missing.empty()) {
    out += in + "missing:";
    for (const auto& m : f.missing) out += " " + m;
    out += "\n";
  }
  if (!f.error.empty()) out += fmt::format("{}error: {}\n", in, f.error);
  for (const auto& r : f.reasons) out += fmt::format("{}reason: {}\n", in, en ? r.en : r.zh);
  if (f.deadline) {
    out += fmt::format("{}deadline: {}", in, dsl::format_date(*f.deadline));
    if (f.days_overdue) out += fmt::format(" ({} days {})", *f.days_overdue, f.met_on ? "late" : "overdue");
    if (f.days_left) out += fmt::format(" ({} days left)", *f.days_left);
    out += "\n";
  }
  if (f.met_on) out += fmt::format("{}met on: {}\n", in, dsl::format_date(*f.met_on));
  for (const auto& c : f.conditions)
    out += fmt::format("{}condition: {} = {} {} {} = {}: {}\n", in, c.left, c.left_value, c.op, c.right, c.right_value,
                       !c.holds ? "undecided" : *c.holds ? "holds" : "fails");
  for (const auto& e : f.evidence) {
    out += fmt::format("{}evidence: {} {} {} = {}", in, e.record.str(), e.key, e.field.str(), e.missing ? "(missing)" : e.value);
    if (!e.file.empty())
      out += e.batch ? fmt::format("  [{}:{}, batch {}]", e.file.str(), e.line, e.batch) : fmt::format("  [{}, record {}]", e.file.str(), e.line);
    out += "\n";
  }
  for (const auto& p : f.params)
    out += fmt::format("{}parameter: {} = {} ({}; confidence {})\n", in, p.name, p.value, p.source,
                       dsl::model::to_string(p.confidence));
  if (f.rests_on_unverified) out += in + "note: rests on an unverified parameter\n";
  if (f.waiver)
    out += fmt::format("{}waiver: {} {} {} until {} ({})\n", in, f.waiver->id, f.waiver->expired ? "expired," : "valid,",
                       f.waiver->legal_basis, dsl::format_date(f.waiver->valid_until), f.waiver->approver);
  if (!f.trace.empty()) out += in + "trace:\n";
  for (const auto& t : f.trace)
    out += fmt::format("{}  {}{}{} = {}\n", in, std::string(2 * t.depth, ' '), t.depth == 0 ? t.clause + ": " : "", t.expr,
                       t.value);
  return out;
}
}  // namespace

std::string finding_details(const engine::Finding& f, const std::string& in, bool en) {
  // Every line is data but for its final newline: a value cannot act on the terminal.
  const std::string raw = raw_details(f, in, en);
  std::string out;
  out.reserve(raw.size());
  std::size_t b = 0;
  while (b < raw.size()) {
    std::size_t e = raw.find('\n', b);
    if (e == std::string::npos) e = raw.size();
    out += reports::printable(std::string_view(raw).substr(b, e - b));
    out += '\n';
    b = e + 1;
  }
  return out;
}

}  // namespace eco::cli
