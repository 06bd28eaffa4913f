#include "reports/json/findings_json.hpp"

#include <sstream>

#include <nlohmann/json.hpp>

namespace eco::reports {

namespace {

using nlohmann::ordered_json;  // keys in the documented order, not alphabetical

ordered_json date_or_null(const std::optional<dsl::Date>& d) {
  return d ? ordered_json(dsl::format_date(*d)) : ordered_json(nullptr);
}

template <typename T>
ordered_json or_null(const std::optional<T>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

ordered_json finding_json(const engine::Finding& f) {
  ordered_json j;
  j["rule"] = f.rule;
  j["title"] = {{"zh", f.title_zh}, {"en", f.title_en}};
  j["requirements"] = f.requirements;
  j["severity"] = std::string(dsl::model::to_string(f.severity));
  j["verdict"] = std::string(dsl::model::to_string(f.verdict));
  j["subject"] = {{"record", f.subject_record}, {"key", f.subject_key}};
  j["enterprise_id"] = f.enterprise_id.empty() ? ordered_json(nullptr) : ordered_json(f.enterprise_id);
  j["application_id"] = f.application_id.empty() ? ordered_json(nullptr) : ordered_json(f.application_id);
  j["message"] = {{"zh", f.message_zh}, {"en", f.message_en}};
  ordered_json cites = ordered_json::array();
  for (const auto& c : f.citations) cites.push_back({{"section", c.section}, {"quote", c.quote}});
  j["citation"] = std::move(cites);
  j["deadline"] = date_or_null(f.deadline);
  j["days_overdue"] = or_null(f.days_overdue);
  j["days_left"] = or_null(f.days_left);
  j["met_on"] = date_or_null(f.met_on);
  j["missing"] = f.missing;
  j["error"] = f.error.empty() ? ordered_json(nullptr) : ordered_json(f.error);
  ordered_json ev = ordered_json::array();
  for (const auto& e : f.evidence) {
    ordered_json item;
    item["record"] = e.record;
    item["key"] = e.key;
    item["field"] = e.field;
    item["value"] = e.missing ? ordered_json(nullptr) : ordered_json(e.value);
    item["source"] = {{"batch", e.batch}, {"file", e.file}, {"line", e.line}};
    ev.push_back(std::move(item));
  }
  j["evidence"] = std::move(ev);
  ordered_json conds = ordered_json::array();
  for (const auto& c : f.conditions) {
    ordered_json item;
    item["expr"] = c.expr;
    item["left"] = {{"expr", c.left}, {"value", c.left_value}};
    item["op"] = c.op;
    item["right"] = {{"expr", c.right}, {"value", c.right_value}};
    item["holds"] = or_null(c.holds);
    conds.push_back(std::move(item));
  }
  j["conditions"] = std::move(conds);
  ordered_json params = ordered_json::array();
  for (const auto& p : f.params)
    params.push_back({{"name", p.name},
                      {"value", p.value},
                      {"source", p.source},
                      {"confidence", std::string(dsl::model::to_string(p.confidence))}});
  j["params"] = std::move(params);
  j["rests_on_unverified"] = f.rests_on_unverified;
  if (f.waiver) {
    const auto& w = *f.waiver;
    j["waiver"] = {{"id", w.id},
                   {"legal_basis", w.legal_basis},
                   {"approver", w.approver},
                   {"valid_from", dsl::format_date(w.valid_from)},
                   {"valid_until", dsl::format_date(w.valid_until)},
                   {"expired", w.expired}};
  } else {
    j["waiver"] = nullptr;
  }
  j["change"] = f.change.empty() ? ordered_json(nullptr) : ordered_json(f.change);
  j["first_seen"] = date_or_null(f.first_seen);
  return j;
}

}  // namespace

void write_findings_json(std::ostream& os, const engine::RunInfo& run, const std::vector<engine::Finding>& findings,
                         const std::vector<engine::ResolvedFinding>& resolved,
                         const std::vector<engine::ApplicationDecision>& decisions) {
  ordered_json doc;
  doc["version"] = kFindingsJsonVersion;
  ordered_json r;
  r["command"] = run.command;
  r["generated_at"] = run.generated_at;
  r["as_of"] = dsl::format_date(run.as_of);
  r["data_as_of_batch"] = or_null(run.data_as_of_batch);
  r["ruleset"] = run.ruleset;
  r["ruleset_title"] = run.ruleset_title;
  r["ruleset_sha256"] = run.ruleset_sha256;
  r["batches"] = run.batches;
  r["sweep_id"] = or_null(run.sweep_id);
  r["previous_sweep_id"] = or_null(run.previous_sweep_id);
  doc["run"] = std::move(r);
  ordered_json res = ordered_json::array();
  for (const auto& x : resolved)
    res.push_back({{"rule", x.rule},
                   {"subject", {{"record", x.subject_record}, {"key", x.subject_key}}},
                   {"enterprise_id", x.enterprise_id.empty() ? ordered_json(nullptr) : ordered_json(x.enterprise_id)},
                   {"verdict", x.verdict},
                   {"first_seen", x.first_seen}});
  doc["findings"] = ordered_json::array();
  doc["resolved"] = std::move(res);
  ordered_json dec = ordered_json::array();
  for (const auto& d : decisions) {
    ordered_json docs = ordered_json::array();
    for (const auto& r : d.documents) docs.push_back({{"field", r.field}, {"description", r.description}, {"rules", r.rules}});
    dec.push_back({{"application_id", d.application_id},
                   {"project_name", d.project_name},
                   {"decision", engine::to_string(d.decision)},
                   {"reasons", d.reasons},
                   {"conditions", d.conditions},
                   {"unknowns", d.unknowns},
                   {"documents", std::move(docs)}});
  }
  doc["decisions"] = std::move(dec);
  // The findings are written one at a time into the document's text, so that a sweep of a
  // million findings never holds them all as a JSON tree (that tree was most of a 10 GB peak).
  // The bytes are those of doc.dump(2) with the findings in place.
  std::string text = doc.dump(2);
  const std::string marker = "\"findings\": []";
  const std::size_t at = text.find(marker);
  if (findings.empty() || at == std::string::npos) {
    os << text << '\n';
    return;
  }
  os.write(text.data(), static_cast<std::streamsize>(at));
  os << "\"findings\": [";
  bool first = true;
  std::string indented;
  for (const auto& f : findings) {
    os << (first ? "\n    " : ",\n    ");
    first = false;
    const std::string one = finding_json(f).dump(2);
    indented.clear();
    for (char c : one) {
      indented += c;
      if (c == '\n') indented += "    ";
    }
    os << indented;
  }
  os << "\n  ]";
  os.write(text.data() + at + marker.size(), static_cast<std::streamsize>(text.size() - at - marker.size()));
  os << '\n';
}

std::string findings_json(const engine::RunInfo& run, const std::vector<engine::Finding>& findings,
                          const std::vector<engine::ResolvedFinding>& resolved,
                          const std::vector<engine::ApplicationDecision>& decisions) {
  std::ostringstream os;
  write_findings_json(os, run, findings, resolved, decisions);
  return std::move(os).str();
}

}  // namespace eco::reports
