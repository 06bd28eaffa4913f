#include "reports/json/findings_json.hpp"

#include <array>
#include <iterator>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace eco::reports {

namespace {

using nlohmann::ordered_json;  // keys in the documented order, not alphabetical

template <typename T>
ordered_json or_null(const std::optional<T>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

// The findings are written as text directly, in exactly the layout of nlohmann's dump(2)
// (the unit test FindingsJson.* compares the bytes with the parsed and re-dumped tree):
// building an ordered_json per finding and re-indenting its dump was most of a million-finding
// sweep's write time. Strings go through nlohmann whenever they need escaping or hold
// non-ASCII bytes, so escapes and the rejection of invalid UTF-8 are the library's.
class FindingWriter {
 public:
  explicit FindingWriter(std::string& out) : o_(out) {}

  // One finding as a member of the document's findings array (indentation 4).
  void finding(const engine::Finding& f) {
    open('{');
    key("rule"), str(f.rule);
    key("title"), open('{'), key("zh"), str(f.title_zh), key("en"), str(f.title_en), close('}');
    key("requirements"), strings(f.requirements);
    key("severity"), str(dsl::model::to_string(f.severity));
    key("verdict"), str(dsl::model::to_string(f.verdict));
    key("subject"), open('{'), key("record"), str(f.subject_record), key("key"), str(f.subject_key), close('}');
    key("enterprise_id"), str_or_null(f.owner.key);
    key("application_id"), str_or_null(f.screened.key);
    key("message"), open('{'), key("zh"), str(f.message_zh), key("en"), str(f.message_en), close('}');
    key("citation");
    if (f.citations.empty()) o_ += "[]";
    else {
      open('[');
      for (const auto& c : f.citations)
        item(), open('{'), key("section"), str(c.section), key("quote"), str(c.quote), close('}');
      close(']');
    }
    key("deadline"), date(f.deadline);
    key("days_overdue"), num(f.days_overdue);
    key("days_left"), num(f.days_left);
    key("met_on"), date(f.met_on);
    key("missing"), strings(f.missing);
    key("error"), str_or_null(f.error);
    key("reasons");
    if (f.reasons.empty()) o_ += "[]";
    else {
      open('[');
      for (const auto& r : f.reasons) item(), open('{'), key("zh"), str(r.zh), key("en"), str(r.en), close('}');
      close(']');
    }
    key("evidence");
    if (f.evidence.empty()) o_ += "[]";
    else {
      open('[');
      for (const auto& e : f.evidence) {
        item(), open('{');
        key("record"), str(e.record.str());
        key("key"), str(e.key);
        key("field"), str(e.field.str());
        key("value");
        if (e.missing) o_ += "null";
        else str(e.value);
        key("source"), open('{'), key("batch"), num(e.batch), key("file"), str(e.file.str()), key("line"), num(e.line);
        close('}');
        close('}');
      }
      close(']');
    }
    key("conditions");
    if (f.conditions.empty()) o_ += "[]";
    else {
      open('[');
      for (const auto& c : f.conditions) {
        item(), open('{');
        key("expr"), str(c.expr);
        key("left"), open('{'), key("expr"), str(c.left), key("value"), str(c.left_value), close('}');
        key("op"), str(c.op);
        key("right"), open('{'), key("expr"), str(c.right), key("value"), str(c.right_value), close('}');
        key("holds");
        if (c.holds) boolean(*c.holds);
        else o_ += "null";
        close('}');
      }
      close(']');
    }
    key("params");
    if (f.params.empty()) o_ += "[]";
    else {
      open('[');
      for (const auto& p : f.params) {
        item(), open('{');
        key("name"), str(p.name), key("value"), str(p.value), key("source"), str(p.source);
        key("confidence"), str(dsl::model::to_string(p.confidence));
        close('}');
      }
      close(']');
    }
    key("rests_on_unverified"), boolean(f.rests_on_unverified);
    key("waiver");
    if (f.waiver) {
      const auto& w = *f.waiver;
      open('{');
      key("id"), str(w.id), key("legal_basis"), str(w.legal_basis), key("approver"), str(w.approver);
      key("valid_from"), str(dsl::format_date(w.valid_from)), key("valid_until"), str(dsl::format_date(w.valid_until));
      key("expired"), boolean(w.expired);
      close('}');
    } else {
      o_ += "null";
    }
    key("change"), str_or_null(engine::to_string(f.change));
    key("first_seen"), date(f.first_seen);
    // Only on a finding the enforcement workflow concerns (findings.schema.json: optional).
    if (f.enforcement) {
      const auto& e = *f.enforcement;
      key("enforcement"), open('{');
      key("state"), str(e.state);
      key("inspection");
      if (e.inspection) {
        open('{');
        key("id"), num(e.inspection), key("item"), num(e.item), key("outcome"), str(e.outcome);
        key("checked"), str(e.checked_on);
        close('}');
      } else {
        o_ += "null";
      }
      key("actions");
      if (e.actions.empty()) o_ += "[]";
      else {
        open('[');
        for (const auto& a : e.actions) {
          item(), open('{');
          key("id"), num(a.id), key("kind"), str(a.kind), key("reference"), str(a.reference);
          key("issued"), str(a.issued_on), key("deadline"), str_or_null(a.deadline);
          close('}');
        }
        close(']');
      }
      close('}');
    }
    close('}');
  }

 private:
  // Containers open on the current line; their first member or item starts a new line.
  void open(char c) {
    o_ += c;
    first_[++depth_] = true;
    indent_ += 2;
  }
  void close(char c) {
    indent_ -= 2;
    --depth_;
    newline();
    o_ += c;
  }
  void newline() {
    o_ += '\n';
    o_.append(static_cast<std::size_t>(indent_), ' ');
  }
  void item() {
    if (!first_[depth_]) o_ += ',';
    first_[depth_] = false;
    newline();
  }
  void key(std::string_view k) {
    item();
    o_ += '"';
    o_ += k;
    o_ += "\": ";
  }
  void str(std::string_view s) {
    // One table lookup per byte (the test was most of the writer's time in a 1M sweep).
    static constexpr auto kNeedsLibrary = [] {
      std::array<bool, 256> t{};
      for (std::size_t c = 0; c < t.size(); ++c) t[c] = c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
      return t;
    }();
    bool plain = true;
    for (unsigned char c : s)
      if (kNeedsLibrary[c]) {
        plain = false;
        break;
      }
    if (plain) {
      o_ += '"';
      o_ += s;
      o_ += '"';
    } else {
      o_ += ordered_json(s).dump();
    }
  }
  void str_or_null(const std::string& s) {
    if (s.empty()) o_ += "null";
    else str(s);
  }
  void strings(const std::vector<std::string>& v) {
    if (v.empty()) {
      o_ += "[]";
      return;
    }
    open('[');
    for (const auto& s : v) item(), str(s);
    close(']');
  }
  void date(const std::optional<dsl::Date>& d) {
    if (d) str(dsl::format_date(*d));
    else o_ += "null";
  }
  template <typename T>
  void num(T v) {
    fmt::format_to(std::back_inserter(o_), "{}", v);
  }
  template <typename T>
  void num(const std::optional<T>& v) {
    if (v) num(*v);
    else o_ += "null";
  }
  void boolean(bool b) { o_ += b ? "true" : "false"; }

  std::string& o_;
  int indent_ = 4;
  // Per open container, whether its next member is its first (a finding nests 4 deep; no
  // allocation per finding).
  std::array<bool, 8> first_{};
  std::size_t depth_ = 0;
};

}  // namespace

namespace {

const char kFindingsMarker[] = "\"findings\": []";

}  // namespace

// The head and the tail are cut out of nlohmann's dump(2) of the document without findings,
// around its empty findings array; the findings are written between them one at a time, so
// that the bytes are those of the whole document's dump(2) and a sweep of a million findings
// never holds them all, neither as findings nor as a JSON tree.
FindingsJsonWriter::FindingsJsonWriter(std::ostream& out, const engine::RunInfo& run) : os_(out) {
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
  doc["findings"] = ordered_json::array();
  const std::string text = doc.dump(2);
  // The run's strings are escaped, so the first occurrence is the member itself.
  const std::size_t at = text.find(kFindingsMarker);
  os_.write(text.data(), static_cast<std::streamsize>(at));
  os_ << "\"findings\": [";
}

FindingsJsonWriter::~FindingsJsonWriter() = default;

void FindingsJsonWriter::add(const engine::Finding& f) {
  buf_ += count_ ? ",\n    " : "\n    ";
  ++count_;
  FindingWriter(buf_).finding(f);
  if (buf_.size() >= (1u << 20)) {
    os_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }
}

void FindingsJsonWriter::add(const std::vector<engine::Finding>& piece) {
  for (const auto& f : piece) add(f);
}

void FindingsJsonWriter::finish(const std::vector<engine::ResolvedFinding>& resolved,
                                const std::vector<engine::ApplicationDecision>& decisions) {
  os_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  buf_.clear();
  buf_.shrink_to_fit();
  os_ << (count_ ? "\n  ]" : "]");
  // The members after the findings, as dump(2) writes them at the top level.
  ordered_json doc;
  doc["findings"] = ordered_json::array();
  ordered_json res = ordered_json::array();
  for (const auto& x : resolved)
    res.push_back({{"rule", x.rule},
                   {"subject", {{"record", x.subject_record}, {"key", x.subject_key}}},
                   {"enterprise_id", x.owner_key.empty() ? ordered_json(nullptr) : ordered_json(x.owner_key)},
                   {"verdict", x.verdict},
                   {"first_seen", x.first_seen}});
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
  const std::string text = doc.dump(2);
  const std::size_t after = text.find(kFindingsMarker) + sizeof kFindingsMarker - 1;
  os_.write(text.data() + after, static_cast<std::streamsize>(text.size() - after));
  os_ << '\n';
}

void write_findings_json(std::ostream& os, const engine::RunInfo& run, const std::vector<engine::Finding>& findings,
                         const std::vector<engine::ResolvedFinding>& resolved,
                         const std::vector<engine::ApplicationDecision>& decisions) {
  FindingsJsonWriter w(os, run);
  w.add(findings);
  w.finish(resolved, decisions);
}

std::string findings_json(const engine::RunInfo& run, const std::vector<engine::Finding>& findings,
                          const std::vector<engine::ResolvedFinding>& resolved,
                          const std::vector<engine::ApplicationDecision>& decisions) {
  std::ostringstream os;
  write_findings_json(os, run, findings, resolved, decisions);
  return std::move(os).str();
}

}  // namespace eco::reports
