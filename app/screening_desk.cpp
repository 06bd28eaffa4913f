#include "app/screening_desk.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sodium.h>

#include "app/accounts.hpp"
#include "app/ruleset.hpp"
#include "engine/store/schema_sql.hpp"
#include "engine/store/store.hpp"

namespace eco::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCreateSql[] = {
    "CREATE TABLE IF NOT EXISTS _screening_decision (id INTEGER PRIMARY KEY, at TEXT NOT NULL, "
    "officer TEXT NOT NULL, record TEXT NOT NULL, application TEXT NOT NULL, project_name TEXT NOT NULL, "
    "decision TEXT NOT NULL, as_of TEXT NOT NULL, ruleset TEXT NOT NULL, ruleset_sha256 TEXT NOT NULL, "
    "batch INTEGER NOT NULL, source TEXT NOT NULL, sha256 TEXT NOT NULL, note TEXT NOT NULL, "
    "detail TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS _screening_decision__application ON _screening_decision(application)",
    // Append-only as the audit trail is (app/accounts.cpp says why the INSERT guard is needed).
    "CREATE TRIGGER IF NOT EXISTS _screening_decision__no_update BEFORE UPDATE ON _screening_decision BEGIN "
    "SELECT RAISE(ABORT, 'recorded screening decisions are append-only: record a new decision instead'); END",
    "CREATE TRIGGER IF NOT EXISTS _screening_decision__no_delete BEFORE DELETE ON _screening_decision BEGIN "
    "SELECT RAISE(ABORT, 'recorded screening decisions are append-only: they cannot be deleted'); END",
    "CREATE TRIGGER IF NOT EXISTS _screening_decision__no_replace BEFORE INSERT ON _screening_decision "
    "WHEN EXISTS (SELECT 1 FROM _screening_decision WHERE id = NEW.id) BEGIN "
    "SELECT RAISE(ABORT, 'recorded screening decisions are append-only: they cannot be replaced'); END",
};

// A private folder for the documents of one screening, removed with them.
class Staging {
 public:
  Staging() {
    std::string tmpl = (fs::temp_directory_path() / "ecoaudit-screening-XXXXXX").string();
    if (mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~Staging() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "json" or "xml" for an upload: its name's extension, else its first character (after a
// UTF-8 byte order mark and white space); "" when neither tells.
std::string document_format(const ScreeningDocument& d) {
  const std::string name = lower(d.name);
  if (name.ends_with(".json")) return "json";
  if (name.ends_with(".xml")) return "xml";
  std::string_view c = d.content;
  if (c.starts_with("\xEF\xBB\xBF")) c.remove_prefix(3);
  while (!c.empty() && std::isspace(static_cast<unsigned char>(c.front()))) c.remove_prefix(1);
  if (c.starts_with("<")) return "xml";
  if (c.starts_with("{") || c.starts_with("[")) return "json";
  return "";
}

nlohmann::json finding_json(const engine::Finding& f) {
  return {{"rule", f.rule},
          {"title", {{"zh", f.title_zh}, {"en", f.title_en}}},
          {"severity", dsl::model::to_string(f.severity)},
          {"verdict", dsl::model::to_string(f.verdict)},
          {"message", {{"zh", f.message_zh}, {"en", f.message_en}}}};
}

nlohmann::json decision_detail(const engine::ApplicationDecision& d, const std::vector<engine::Finding>& findings) {
  auto list = [&](const std::vector<std::size_t>& indexes) {
    nlohmann::json out = nlohmann::json::array();
    for (auto i : indexes) out.push_back(finding_json(findings.at(i)));
    return out;
  };
  nlohmann::json documents = nlohmann::json::array();
  for (const auto& doc : d.documents)
    documents.push_back({{"field", doc.field}, {"description", doc.description}, {"rules", doc.rules}});
  return {{"reasons", list(d.reasons)},
          {"conditions", list(d.conditions)},
          {"unknowns", list(d.unknowns)},
          {"documents", std::move(documents)}};
}

// The batch holding the current version of the screened record `key` (inside the recording's
// transaction: the staged one when the application changed, else the one that stored it).
std::int64_t application_batch(SQLite::Database& db, const dsl::model::RecordType& r, const std::string& key) {
  namespace store = engine::store;
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i + 1 < r.key_fields.size(); ++i) {
    const auto bar = key.find('|', start);
    if (bar == std::string::npos) return 0;
    parts.push_back(key.substr(start, bar - start));
    start = bar + 1;
  }
  parts.push_back(key.substr(start));
  std::string where;
  for (std::size_t i = 0; i < r.key_fields.size(); ++i)
    where += (i ? " AND " : "") + store::quote_ident(r.fields[r.key_fields[i]].name) + " = ?";
  SQLite::Statement q(db, "SELECT _batch FROM " + store::quote_ident(r.name) + " WHERE " + where);
  for (std::size_t i = 0; i < parts.size(); ++i) q.bind(static_cast<int>(i + 1), parts[i]);
  return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

RecordedDecision read_decision(SQLite::Statement& q) {
  RecordedDecision d;
  d.id = q.getColumn(0).getInt64();
  d.at = q.getColumn(1).getString();
  d.officer = q.getColumn(2).getString();
  d.record = q.getColumn(3).getString();
  d.application = q.getColumn(4).getString();
  d.project_name = q.getColumn(5).getString();
  d.decision = q.getColumn(6).getString();
  d.as_of = q.getColumn(7).getString();
  d.ruleset = q.getColumn(8).getString();
  d.ruleset_sha256 = q.getColumn(9).getString();
  d.batch = q.getColumn(10).getInt64();
  d.source = q.getColumn(11).getString();
  d.sha256 = q.getColumn(12).getString();
  d.note = q.getColumn(13).getString();
  d.detail = nlohmann::json::parse(q.getColumn(14).getString(), nullptr, false);
  return d;
}

constexpr const char* kColumns =
    "id, at, officer, record, application, project_name, decision, as_of, ruleset, ruleset_sha256, batch, "
    "source, sha256, note, detail";

// Writes the decisions of `so` to `_screening_decision` and the trail, through the store's
// connection inside the screening's transaction (ScreenRequest::on_record).
std::vector<RecordedDecision> record_decisions(engine::store::Store& st, const ScreenOutcome& so,
                                               const engine::ingest::ImportResult& staged,
                                               const ScreeningRequest& request, const std::vector<std::string>& sources) {
  std::vector<RecordedDecision> recorded;
  try {
    auto& db = st.db();
    for (const char* sql : kCreateSql) db.exec(sql);
    const auto* rec = request.record_type.empty() ? st.schema().screened() : st.schema().find_record(request.record_type);
    std::string shas;
    for (const auto& f : staged.files) shas += (shas.empty() ? "" : ",") + f.sha256;
    std::string source;
    for (const auto& s : sources) source += (source.empty() ? "" : ",") + s;
    const std::string at = engine::store::utc_now();
    std::string ruleset, ruleset_sha256;
    SQLite::Statement ruleset_q(db, "SELECT ruleset, ruleset_sha256 FROM _batch WHERE id = ?");
    ruleset_q.bind(1, staged.staged_batch);
    if (ruleset_q.executeStep()) {
      ruleset = ruleset_q.getColumn(0).getString();
      ruleset_sha256 = ruleset_q.getColumn(1).getString();
    }
    for (const auto& d : so.decisions) {
      RecordedDecision r;
      r.at = at;
      r.officer = request.officer;
      r.record = rec ? rec->name : "";
      r.application = d.application_id;
      r.project_name = d.project_name;
      r.decision = engine::to_string(d.decision);
      r.as_of = dsl::format_date(request.as_of);
      r.ruleset = ruleset;
      r.ruleset_sha256 = ruleset_sha256;
      r.batch = rec ? application_batch(db, *rec, d.application_id) : 0;
      r.source = source;
      r.sha256 = shas;
      r.note = request.note;
      r.detail = decision_detail(d, so.findings);
      SQLite::Statement ins(db, fmt::format("INSERT INTO _screening_decision ({}) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, "
                                            "?, ?, ?, ?, ?, ?, ?)",
                                            kColumns));
      int i = 1;
      for (const std::string* v : {&r.at, &r.officer, &r.record, &r.application, &r.project_name, &r.decision,
                                   &r.as_of, &r.ruleset, &r.ruleset_sha256})
        ins.bind(i++, *v);
      ins.bind(i++, r.batch);
      for (const std::string* v : {&r.source, &r.sha256, &r.note}) ins.bind(i++, *v);
      ins.bind(i++, r.detail.dump());
      ins.exec();
      r.id = db.getLastInsertRowid();
      append_trail(db, request.officer, "screening.record", r.record + ":" + r.application,
                   fmt::format("decision={} screening={} batch={}", r.decision, r.id, r.batch));
      recorded.push_back(std::move(r));
    }
  } catch (const SQLite::Exception& ex) {
    // A StoreError rolls the screening's transaction back: the application is not stored either.
    throw engine::store::StoreError(
        fmt::format("{}: the decision could not be recorded: {}", request.db.string(), ex.what()));
  }
  return recorded;
}

}  // namespace

ScreeningOutcome screen_application(const ScreeningRequest& request, std::stop_token stop) {
  ScreeningOutcome out;
  const bool has_form = request.form.has_value();
  if (has_form == !request.documents.empty()) {
    out.fail(RunStatus::bad_request, has_form ? "give the application either as documents or as form values, not both"
                                              : "no application: upload a document or fill in the form");
    return out;
  }
  if (request.record && request.officer.empty()) {
    out.fail(RunStatus::bad_request, "a decision is recorded under the officer's name: none was given");
    return out;
  }
  Staging staging;
  if (staging.path().empty()) {
    out.fail(RunStatus::store_error, "no temporary folder could be made for the application's documents");
    return out;
  }
  // What each staged file was called by whoever sent it, for the messages and the record.
  std::vector<std::pair<std::string, std::string>> names;  // staged path -> shown name
  std::vector<std::string> sources;
  ScreenRequest sr;
  sr.db = request.db;
  sr.ruleset = request.ruleset;
  sr.as_of = request.as_of;
  sr.lang = request.lang;
  sr.record_type = request.record_type;
  auto stage = [&](const std::string& format, const std::string& content, const std::string& shown) {
    const fs::path p = staging.path() / fmt::format("document-{}.{}", sr.paths.size() + 1, format);
    std::ofstream f(p, std::ios::binary);
    f << content;
    f.close();
    if (!f) return false;
    sr.paths.push_back(p);
    names.emplace_back(p.string(), shown);
    sources.push_back(shown);
    return true;
  };
  if (has_form) {
    // The form of the schema's screened record: the ruleset is loaded once more by the run.
    dsl::SourceManager sm;
    auto rs = ruleset_for_run(request.ruleset, sm, out);
    if (!rs) return out;
    auto form = screening_form(rs->schema, request.record_type);
    if (!form) {
      out.fail(RunStatus::bad_request,
               request.record_type.empty() ? "the ruleset declares no record to screen (`record NAME \"...\" role screened`)"
                                           : "the ruleset declares no record type '" + request.record_type + "' to screen");
      return out;
    }
    const std::string doc = form_document(*form, *request.form, out.form_errors);
    if (!out.form_errors.empty()) {
      for (const auto& e : out.form_errors) out.fail(RunStatus::bad_request, e.message);
      return out;
    }
    if (!stage("json", doc, "form")) {
      out.fail(RunStatus::store_error, "the form's document could not be written to a temporary folder");
      return out;
    }
  } else {
    for (const auto& d : request.documents) {
      const std::string format = document_format(d);
      if (format.empty()) {
        out.fail(RunStatus::bad_request,
                 fmt::format("{}: not a JSON or XML document (name it .json or .xml)", d.name.empty() ? "(unnamed)" : d.name));
        continue;
      }
      if (!stage(format, d.content, d.name.empty() ? "(unnamed)" : d.name))
        out.fail(RunStatus::store_error, "an uploaded document could not be written to a temporary folder");
    }
    if (out.status != RunStatus::done) return out;
  }
  std::ostringstream report;
  sr.reports.formats = {reports::Format::json};
  sr.reports.console = &report;
  sr.record = request.record;
  // The workbench records the application as screened now: a revised one replaces the stored
  // version, which the store's history keeps (the command line asks for --replace).
  sr.replace = request.record;
  if (request.record)
    sr.on_record = [&](engine::store::Store& st, const ScreenOutcome& so, const engine::ingest::ImportResult& staged) {
      out.recorded = record_decisions(st, so, staged, request, sources);
    };
  out.screen = run_screen(sr, {}, stop);
  if (out.screen.status != RunStatus::done) out.recorded.clear();
  // The messages name the upload as it was called, never the temporary file.
  auto shown = [&](std::string& text) {
    for (const auto& [path, name] : names)
      for (std::size_t p = text.find(path); p != std::string::npos; p = text.find(path, p + name.size()))
        text.replace(p, path.size(), name);
  };
  for (auto& e : out.screen.import.errors) shown(e.file);
  for (auto& f : out.screen.import.files) shown(f.path);
  shown(out.screen.errors);
  out.status = out.screen.status;
  out.errors = out.screen.errors;
  if (out.status == RunStatus::done) out.report_json = report.str();
  return out;
}

std::vector<RecordedDecision> recorded_decisions(const fs::path& db, const std::string& application) {
  std::vector<RecordedDecision> out;
  if (!fs::exists(db)) throw engine::store::StoreError("no store at " + db.string());
  try {
    SQLite::Database conn(db.string(), SQLite::OPEN_READONLY);
    conn.setBusyTimeout(5000);
    SQLite::Statement t(conn, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_screening_decision'");
    if (!t.executeStep()) return out;
    SQLite::Statement q(conn, fmt::format("SELECT {} FROM _screening_decision {} ORDER BY id", kColumns,
                                          application.empty() ? "" : "WHERE application = ?"));
    if (!application.empty()) q.bind(1, application);
    while (q.executeStep()) out.push_back(read_decision(q));
  } catch (const SQLite::Exception& ex) {
    throw engine::store::StoreError(fmt::format("{}: the recorded decisions could not be read: {}", db.string(), ex.what()));
  }
  return out;
}

nlohmann::json to_json(const RecordedDecision& d) {
  return {{"id", d.id},
          {"at", d.at},
          {"officer", d.officer},
          {"record", d.record},
          {"application", d.application},
          {"project_name", d.project_name},
          {"decision", d.decision},
          {"as_of", d.as_of},
          {"ruleset", d.ruleset},
          {"ruleset_sha256", d.ruleset_sha256},
          {"batch", d.batch},
          {"source", d.source},
          {"sha256", d.sha256},
          {"note", d.note},
          {"detail", d.detail}};
}

std::string to_base64(std::string_view bytes) {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), in, bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL libsodium writes
  return out;
}

std::optional<std::string> from_base64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t written = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        " \t\r\n", &written, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  out.resize(written);
  return out;
}

}  // namespace eco::app
