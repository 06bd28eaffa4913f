#include "reports/common.hpp"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>
#include <set>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "reports/embedded.hpp"
#include "reports/json/findings_json.hpp"

namespace eco::reports {

std::string_view embedded_file(std::string_view name) {
  for (const auto& f : embedded_files())
    if (f.name == name) return f.content;
  throw std::out_of_range("no embedded report file " + std::string(name));
}

namespace {

void write_html(const ReportData& d, std::ostream& out, const std::string&) { out << html_report(d); }
void write_json(const ReportData& d, std::ostream& out, const std::string&) {
  write_findings_json(out, d.run, *d.findings, d.resolved, d.decisions);
}
void write_csv(const ReportData& d, std::ostream& out, const std::string&) { out << csv_report(d); }
void write_xlsx(const ReportData& d, std::ostream&, const std::string& path) { write_xlsx_report(d, path); }
void write_text(const ReportData& d, std::ostream& out, const std::string&) { out << text_report(d); }

}  // namespace

const std::vector<FormatEntry>& formats() {
  static const std::vector<FormatEntry> table{
      {Format::html, "html", "html", false, false, write_html},
      {Format::json, "json", "json", true, false, write_json},
      {Format::csv, "csv", "csv", true, false, write_csv},
      {Format::xlsx, "xlsx", "xlsx", false, true, write_xlsx},
      {Format::text, "text", "txt", true, false, write_text},
  };
  return table;
}

const FormatEntry& format_entry(Format f) {
  for (const auto& e : formats())
    if (e.format == f) return e;
  throw std::out_of_range("no report format entry");  // every Format has one (reports unit test)
}

const FormatEntry* find_format(std::string_view name) {
  for (const auto& e : formats())
    if (name == e.name) return &e;
  return nullptr;
}

std::optional<Format> parse_format(std::string_view s) {
  const FormatEntry* e = find_format(s);
  return e ? std::optional<Format>(e->format) : std::nullopt;
}

const char* to_string(Format f) { return format_entry(f).name; }

const char* extension(Format f) { return format_entry(f).extension; }

namespace {

// The findings JSON document as a ReportWriter: its run from the head, its decisions at the end.
class JsonWriter final : public ReportWriter {
 public:
  JsonWriter(std::ostream& out, const ReportData& head) : w_(out, head.run), decisions_(head.decisions) {}
  void add(const std::vector<engine::Finding>& piece) override { w_.add(piece); }
  void finish(const std::vector<engine::ResolvedFinding>& resolved) override { w_.finish(resolved, decisions_); }

 private:
  FindingsJsonWriter w_;
  std::vector<engine::ApplicationDecision> decisions_;
};

}  // namespace

std::unique_ptr<ReportWriter> report_writer(Format format, std::ostream& out, const ReportData& head,
                                            EnterpriseLookup enterprise) {
  if (!format_entry(format).streamable) return nullptr;
  switch (format) {
    case Format::json:
      return std::make_unique<JsonWriter>(out, head);
    case Format::text:
      return text_report_writer(out, head);
    case Format::csv:
      return csv_report_writer(out, head, std::move(enterprise));
    case Format::html:
    case Format::xlsx:
      break;
  }
  return nullptr;
}

int severity_weight(dsl::model::Severity s) {
  using dsl::model::Severity;
  switch (s) {
    case Severity::critical:
      return 16;
    case Severity::high:
      return 8;
    case Severity::medium:
      return 4;
    case Severity::low:
      return 2;
    case Severity::advice:
      return 1;
  }
  return 0;
}

std::string printable(std::string_view text) {
  // Fast path: nothing to escape (almost every value).
  bool plain = true;
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f || c >= 0x80) {
      plain = false;
      break;
    }
  if (plain) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case 0x1b: out += "\\e"; break;
        default: out += fmt::format("\\x{:02x}", c); break;
      }
      ++i;
      continue;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    // A UTF-8 sequence: its length from the lead byte, its continuation bytes checked.
    const std::size_t len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    bool valid = len > 0 && i + len <= n && c < 0xf5;
    std::uint32_t cp = len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
    for (std::size_t k = 1; valid && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xc0) != 0x80) valid = false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (valid && ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
                  (cp >= 0xd800 && cp <= 0xdfff)))
      valid = false;  // overlong, surrogate or beyond Unicode
    if (!valid) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
      continue;
    }
    if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
      out += fmt::format("\\u{{{:04x}}}", cp);
    else
      out.append(text.substr(i, len));
    i += len;
  }
  return out;
}

std::string neutralise_formula(const std::string& cell) {
  // OWASP's CSV-injection advice: a leading apostrophe makes spreadsheets read the cell as text.
  if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' ||
                        cell[0] == '\t' || cell[0] == '\r'))
    return "'" + cell;
  return cell;
}

namespace detail {

const nlohmann::json& labels(const std::string& lang) {
  static const nlohmann::json all = nlohmann::json::parse(embedded_file("labels.json"));
  return all.at(lang == "en" ? "en" : "zh");
}

std::string label(const std::string& lang, const std::string& key) {
  return labels(lang).at(key).get<std::string>();
}

namespace {
// The label of an enum value of the model, or its name when labels.json has none yet (a
// verdict added to the model must not make every report fail).
std::string value_label(const std::string& lang, const std::string& prefix, std::string_view name) {
  return labels(lang).value(prefix + std::string(name), std::string(name));
}
}  // namespace

std::string severity_label(const std::string& lang, dsl::model::Severity s) {
  return value_label(lang, "sev_", dsl::model::to_string(s));
}
std::string verdict_label(const std::string& lang, dsl::model::Verdict v) {
  return value_label(lang, "ver_", dsl::model::to_string(v));
}
std::string confidence_label(const std::string& lang, dsl::model::Confidence c) {
  return value_label(lang, "conf_", dsl::model::to_string(c));
}
std::string decision_label(const std::string& lang, engine::Decision d) {
  return label(lang, engine::to_string(d));
}

std::string requirement_area(const std::string& id) {
  const auto dash = id.find('-');
  return dash == std::string::npos ? id : id.substr(0, dash);
}

std::string clauses(const engine::Finding& f) {
  std::string out;
  for (const auto& c : f.citations) out += (out.empty() ? "" : "; ") + c.section;
  return out;
}

const std::string& title(const engine::Finding& f, const std::string& lang) {
  return lang == "en" && !f.title_en.empty() ? f.title_en : f.title_zh;
}
const std::string& message(const engine::Finding& f, const std::string& lang) {
  return lang == "en" && !f.message_en.empty() ? f.message_en : f.message_zh;
}

bool is_violation(const engine::Finding& f) {
  return f.verdict == dsl::model::Verdict::violation || f.verdict == dsl::model::Verdict::late;
}

std::vector<ChecklistItem> checklist(const ReportData& d) {
  std::vector<ChecklistItem> out;
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> index;
  for (const auto& f : *d.findings) {
    if (f.verdict != dsl::model::Verdict::unknown) continue;
    for (const auto& m : f.missing) {
      auto [it, fresh] = index.try_emplace({f.subject_record, f.subject_key, m}, out.size());
      if (fresh) {
        ChecklistItem item;
        item.owner_key = f.owner.key;
        item.subject_record = f.subject_record;
        item.subject_key = f.subject_key;
        item.field = m;
        if (auto dsc = d.field_descriptions.find(m); dsc != d.field_descriptions.end())
          item.description = dsc->second;
        out.push_back(std::move(item));
      }
      auto& item = out[it->second];
      if (std::find(item.rules.begin(), item.rules.end(), f.rule) == item.rules.end()) {
        item.rules.push_back(f.rule);
        item.what.push_back(title(f, d.lang));
      }
    }
  }
  // One visit per enterprise, one stop per subject: grouped so, in finding order within.
  std::stable_sort(out.begin(), out.end(), [](const ChecklistItem& a, const ChecklistItem& b) {
    return std::tie(a.owner_key, a.subject_record, a.subject_key) <
           std::tie(b.owner_key, b.subject_record, b.subject_key);
  });
  return out;
}

std::vector<const engine::Finding*> with_deadlines(const ReportData& d) {
  std::vector<const engine::Finding*> out;
  for (const auto& f : *d.findings)
    if (f.deadline) out.push_back(&f);
  std::stable_sort(out.begin(), out.end(), [](const engine::Finding* a, const engine::Finding* b) {
    return std::tie(*a->deadline, a->rule, a->subject_key) <
           std::tie(*b->deadline, b->rule, b->subject_key);
  });
  return out;
}

std::vector<engine::ParamUse> parameters(const ReportData& d) {
  std::map<std::string, engine::ParamUse> by_name;
  for (const auto& f : *d.findings)
    for (const auto& p : f.params) by_name.try_emplace(p.name, p);
  std::vector<engine::ParamUse> out;
  for (auto& [n, p] : by_name) out.push_back(std::move(p));
  return out;
}

EnterpriseIndex::EnterpriseIndex(const ReportData& d) {
  for (const auto& e : d.enterprises) by_key_.emplace(e.key, &e);
}
const EnterpriseInfo* EnterpriseIndex::find(const std::string& key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : it->second;
}
std::string EnterpriseIndex::name(const std::string& key) const {
  const auto* e = find(key);
  return e && !e->name.empty() ? e->name : key;
}

std::vector<RankedEnterprise> ranking(const ReportData& d) {
  std::map<std::string, RankedEnterprise> by_key;
  for (const auto& f : *d.findings) {
    if (f.owner.key.empty()) continue;
    auto& r = by_key[f.owner.key];
    r.key = f.owner.key;
    ++r.findings;
    if (is_violation(f)) {
      ++r.violations;
      r.score += severity_weight(f.severity);
    } else if (f.verdict == dsl::model::Verdict::unknown) {
      ++r.unknown;
    } else if (f.verdict == dsl::model::Verdict::upcoming) {
      ++r.upcoming;
    }
  }
  std::vector<RankedEnterprise> out;
  const EnterpriseIndex index(d);
  for (auto& [k, r] : by_key) {
    r.name = index.name(k);
    out.push_back(std::move(r));
  }
  std::stable_sort(
      out.begin(), out.end(), [](const RankedEnterprise& a, const RankedEnterprise& b) {
        return std::tie(b.score, b.violations, a.key) < std::tie(a.score, a.violations, b.key);
      });
  return out;
}

std::string date_or_empty(const std::optional<dsl::Date>& d) {
  return d ? dsl::format_date(*d) : std::string();
}

std::string enforcement_state(const engine::Finding& f, const std::string& lang) {
  return f.enforcement ? label(lang, "state_" + f.enforcement->state) : std::string();
}

std::string enforcement_steps(const engine::Finding& f, const std::string& lang) {
  if (!f.enforcement) return "";
  const auto& e = *f.enforcement;
  std::string out;
  if (e.inspection)
    out = fmt::format("{} {} / {}: {} {}", label(lang, "inspection_ref"), e.inspection, e.item,
                      label(lang, "outcome_" + e.outcome), e.checked_on);
  for (const auto& a : e.actions) {
    out += (out.empty() ? "" : "; ") + fmt::format("{} {} {}", label(lang, "action_" + a.kind), a.reference, a.issued_on);
    if (!a.deadline.empty()) out += fmt::format(" ({} {})", label(lang, "deadline"), a.deadline);
  }
  return out;
}

}  // namespace detail
}  // namespace eco::reports
