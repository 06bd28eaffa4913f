#include "app/waivers.hpp"

#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <set>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "app/accounts.hpp"
#include "app/ruleset.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/ingest/import.hpp"
#include "engine/snapshot/from_store.hpp"
#include "engine/store/schema_sql.hpp"
#include "engine/store/store.hpp"

namespace eco::app {
namespace {

namespace fs = std::filesystem;
namespace model = dsl::model;
using Kind = WaiverError::Kind;

constexpr const char* kCreateSql[] = {
    "CREATE TABLE IF NOT EXISTS _waiver_request (id INTEGER PRIMARY KEY, requested_at TEXT NOT NULL, "
    "requested_by TEXT NOT NULL, target TEXT NOT NULL, subject_type TEXT NOT NULL, subject TEXT NOT NULL, "
    "owner_record TEXT NOT NULL, owner_key TEXT NOT NULL, valid_from TEXT NOT NULL, valid_until TEXT NOT NULL, "
    "reason TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS _waiver_event (id INTEGER PRIMARY KEY, request INTEGER NOT NULL "
    "REFERENCES _waiver_request(id), at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL "
    "CHECK (action IN ('approve', 'reject', 'withdraw')), basis TEXT NOT NULL, approver TEXT NOT NULL, "
    "valid_from TEXT NOT NULL, valid_until TEXT NOT NULL, note TEXT NOT NULL, waiver_key TEXT NOT NULL, "
    "batch INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS _waiver_event__request ON _waiver_event(request)",
    // Append-only as the audit trail is (app/accounts.cpp says why the INSERT guard is needed).
    "CREATE TRIGGER IF NOT EXISTS _waiver_request__no_update BEFORE UPDATE ON _waiver_request BEGIN "
    "SELECT RAISE(ABORT, 'waiver requests are append-only: what becomes of one is a new event'); END",
    "CREATE TRIGGER IF NOT EXISTS _waiver_request__no_delete BEFORE DELETE ON _waiver_request BEGIN "
    "SELECT RAISE(ABORT, 'waiver requests are append-only: withdraw one instead'); END",
    "CREATE TRIGGER IF NOT EXISTS _waiver_request__no_replace BEFORE INSERT ON _waiver_request "
    "WHEN EXISTS (SELECT 1 FROM _waiver_request WHERE id = NEW.id) BEGIN "
    "SELECT RAISE(ABORT, 'waiver requests are append-only: they cannot be replaced'); END",
    "CREATE TRIGGER IF NOT EXISTS _waiver_event__no_update BEFORE UPDATE ON _waiver_event BEGIN "
    "SELECT RAISE(ABORT, 'waiver events are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS _waiver_event__no_delete BEFORE DELETE ON _waiver_event BEGIN "
    "SELECT RAISE(ABORT, 'waiver events are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS _waiver_event__no_replace BEFORE INSERT ON _waiver_event "
    "WHEN EXISTS (SELECT 1 FROM _waiver_event WHERE id = NEW.id) BEGIN "
    "SELECT RAISE(ABORT, 'waiver events are append-only: they cannot be replaced'); END",
};

constexpr const char* kRequestColumns =
    "id, requested_at, requested_by, target, subject_type, subject, owner_record, owner_key, valid_from, "
    "valid_until, reason";
constexpr const char* kEventColumns =
    "id, at, actor, action, basis, approver, valid_from, valid_until, note, waiver_key, batch";

// A private folder for the waiver document of one import, removed with it.
class Staging {
 public:
  Staging() {
    std::string tmpl = (fs::temp_directory_path() / "ecoaudit-waiver-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw WaiverError(Kind::store, "no temporary folder could be made for the waiver record");
    path_ = tmpl;
  }
  ~Staging() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The key fields' values of a key joined with '|' (as findings show composite keys).
std::vector<std::string> key_parts(const std::string& key, std::size_t n) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const auto bar = key.find('|', start);
    if (bar == std::string::npos) return {};
    parts.push_back(key.substr(start, bar - start));
    start = bar + 1;
  }
  parts.push_back(key.substr(start));
  return parts;
}

// The value of `field` of the record `key` of type `r` as stored (an enum's value name), or "".
std::string stored_value(SQLite::Database& db, const model::RecordType& r, const std::string& key, int field) {
  namespace store = engine::store;
  if (field < 0 || r.key_fields.empty()) return "";
  const auto parts = key_parts(key, r.key_fields.size());
  if (parts.empty()) return "";
  std::string where;
  for (std::size_t i = 0; i < r.key_fields.size(); ++i)
    where += (i ? " AND " : "") + store::quote_ident(r.fields[r.key_fields[i]].name) + " = ?";
  SQLite::Statement q(db, "SELECT " + store::quote_ident(r.fields[static_cast<std::size_t>(field)].name) + " FROM " +
                              store::quote_ident(r.name) + " WHERE " + where);
  for (std::size_t i = 0; i < parts.size(); ++i) q.bind(static_cast<int>(i + 1), parts[i]);
  if (!q.executeStep() || q.getColumn(0).isNull()) return "";
  return q.getColumn(0).getString();
}

bool has_record(SQLite::Database& db, const model::RecordType& r, const std::string& key) {
  namespace store = engine::store;
  const auto parts = key_parts(key, r.key_fields.size());
  if (parts.empty() || r.key_fields.empty()) return false;
  std::string where;
  for (std::size_t i = 0; i < r.key_fields.size(); ++i)
    where += (i ? " AND " : "") + store::quote_ident(r.fields[r.key_fields[i]].name) + " = ?";
  SQLite::Statement q(db, "SELECT 1 FROM " + store::quote_ident(r.name) + " WHERE " + where);
  for (std::size_t i = 0; i < parts.size(); ++i) q.bind(static_cast<int>(i + 1), parts[i]);
  return q.executeStep();
}

std::string required_text(std::string_view value, std::string_view what) {
  std::string v(value);
  if (v.find_first_not_of(" \t\r\n") == std::string::npos)
    throw WaiverError(Kind::bad_request, fmt::format("{} is required", what));
  return v;
}

}  // namespace

std::string_view to_string(WaiverState s) {
  switch (s) {
    case WaiverState::pending: return "pending";
    case WaiverState::approved: return "approved";
    case WaiverState::rejected: return "rejected";
    case WaiverState::withdrawn: return "withdrawn";
  }
  return "pending";
}

std::optional<int> Waiver::days_left(dsl::Date on) const {
  if (state != WaiverState::approved && state != WaiverState::withdrawn) return std::nullopt;
  auto until = dsl::parse_date(valid_until);
  if (!until || waiver_key.empty()) return std::nullopt;
  return until->days - on.days;
}

struct WaiverDesk::Impl {
  fs::path db;
  dsl::SourceManager sm;
  std::unique_ptr<model::Ruleset> owned;  // when the desk loaded the ruleset itself
  const model::Ruleset* rs = nullptr;
  const model::RecordType* waiver = nullptr;

  // The store, with the waiver tables made unless `read_only` (listing writes nothing: a store
  // without them has no requests).
  std::unique_ptr<engine::store::Store> open_store(bool read_only = false) {
    try {
      engine::store::OpenOptions oo;
      oo.read_only = read_only;
      auto st = engine::store::Store::open(db, rs->schema, oo);
      if (!read_only)
        for (const char* sql : kCreateSql) st->db().exec(sql);
      return st;
    } catch (const engine::store::StoreError& ex) {
      throw WaiverError(Kind::store, ex.what());
    } catch (const SQLite::Exception& ex) {
      throw WaiverError(Kind::store, fmt::format("{}: the waiver tables could not be made: {}", db.string(), ex.what()));
    }
  }

  // The request `id` with its events and its owner's jurisdiction, through `conn`.
  std::optional<Waiver> read(SQLite::Database& conn, std::int64_t id) {
    SQLite::Statement q(conn, fmt::format("SELECT {} FROM _waiver_request WHERE id = ?", kRequestColumns));
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return from_row(conn, q);
  }

  Waiver from_row(SQLite::Database& conn, SQLite::Statement& q) {
    Waiver w;
    w.id = q.getColumn(0).getInt64();
    w.requested_at = q.getColumn(1).getString();
    w.requested_by = q.getColumn(2).getString();
    w.target = q.getColumn(3).getString();
    w.subject_type = q.getColumn(4).getString();
    w.subject = q.getColumn(5).getString();
    w.owner_record = q.getColumn(6).getString();
    w.owner_key = q.getColumn(7).getString();
    w.requested_from = q.getColumn(8).getString();
    w.requested_until = q.getColumn(9).getString();
    w.reason = q.getColumn(10).getString();
    SQLite::Statement e(conn, fmt::format("SELECT {} FROM _waiver_event WHERE request = ? ORDER BY id", kEventColumns));
    e.bind(1, w.id);
    while (e.executeStep()) {
      WaiverEvent ev;
      ev.id = e.getColumn(0).getInt64();
      ev.at = e.getColumn(1).getString();
      ev.actor = e.getColumn(2).getString();
      ev.action = e.getColumn(3).getString();
      ev.basis = e.getColumn(4).getString();
      ev.approver = e.getColumn(5).getString();
      ev.valid_from = e.getColumn(6).getString();
      ev.valid_until = e.getColumn(7).getString();
      ev.note = e.getColumn(8).getString();
      const std::string key = e.getColumn(9).getString();
      ev.batch = e.getColumn(10).getInt64();
      // The state is what the events say, in order: the tables are append-only, so it is
      // derived, never stored.
      if (ev.action == "approve") {
        w.state = WaiverState::approved;
        w.waiver_key = key;
        w.basis = ev.basis;
        w.approver = ev.approver;
        w.valid_from = ev.valid_from;
        w.valid_until = ev.valid_until;
      } else if (ev.action == "reject") {
        w.state = WaiverState::rejected;
      } else if (ev.action == "withdraw") {
        w.state = WaiverState::withdrawn;
        if (!w.waiver_key.empty()) w.valid_until = ev.valid_until;
      }
      if (ev.batch) w.batch = ev.batch;
      w.events.push_back(std::move(ev));
    }
    w.jurisdiction = jurisdiction_of(conn, w.owner_record, w.owner_key);
    return w;
  }

  static bool has_tables(SQLite::Database& conn) {
    SQLite::Statement q(conn, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                              "('_waiver_request', '_waiver_event')");
    return q.executeStep() && q.getColumn(0).getInt() == 2;
  }

  std::string jurisdiction_of(SQLite::Database& conn, const std::string& owner_record, const std::string& owner_key) {
    const auto jf = declared_jurisdiction(rs->schema);
    if (!jf || owner_key.empty() || jf->record != owner_record) return "";
    const auto* r = rs->schema.find_record(jf->record);
    if (!r) return "";
    return stored_value(conn, *r, owner_key, r->find_field(jf->field));
  }

  // The pending request `id` (through `conn`), or the error saying why it is not.
  Waiver pending(SQLite::Database& conn, std::int64_t id, std::string_view doing) {
    auto w = read(conn, id);
    if (!w) throw WaiverError(Kind::not_found, fmt::format("no waiver request {}", id));
    if (w->state != WaiverState::pending)
      throw WaiverError(Kind::conflict, fmt::format("waiver request {} is {}: only a pending request can be {}", id,
                                                    to_string(w->state), doing));
    return *w;
  }

  // Writes the waiver record of request `w` with `from`..`until` as one import batch, and
  // inside its transaction `inside(store, batch)` (the event and the trail row). Returns the batch.
  std::int64_t write_record(const Waiver& w, const std::string& key, const std::string& basis,
                            const std::string& approver, dsl::Date from, dsl::Date until,
                            const std::function<void(SQLite::Database&, std::int64_t)>& inside) {
    namespace ingest = engine::ingest;
    const auto& roles = rs->schema.roles.waiver_fields;
    const auto& r = *waiver;
    nlohmann::ordered_json row = nlohmann::ordered_json::object();
    row[r.fields[r.key_fields[0]].name] = key;
    auto put = [&](int field, const std::string& value) {
      if (field >= 0 && !value.empty()) row[r.fields[static_cast<std::size_t>(field)].name] = value;
    };
    put(roles.rule, w.target);
    put(roles.subject_type, w.subject_type);
    put(roles.subject, w.subject);
    put(roles.basis, basis);
    put(roles.approver, approver);
    put(roles.from, dsl::format_date(from));
    put(roles.until, dsl::format_date(until));
    nlohmann::ordered_json doc;
    doc[r.name] = nlohmann::ordered_json::array({std::move(row)});
    Staging staging;
    // The name tells the batch's file list what the file was; its bytes are recorded (SHA-256).
    const fs::path file = staging.path() / fmt::format("waiver-request-{}.json", w.id);
    {
      std::ofstream f(file, std::ios::binary);
      f << doc.dump(2);
      f.close();
      if (!f) throw WaiverError(Kind::store, "the waiver record could not be written to a temporary folder");
    }
    auto st = open_store();
    ingest::ImportOptions io;
    io.ruleset_name = rs->id;
    io.ruleset_sha256 = rs->sha256;
    // Only the waiver record: the document is ours, but a schema's waiver record cannot pull
    // other records in with it this way.
    io.refuse_record = [&](const model::RecordType& rt) {
      return rt.index == r.index ? std::string() : std::string("a waiver document holds only waiver records");
    };
    std::int64_t batch = 0;
    io.before_commit = [&](engine::store::Store& s, const ingest::ImportResult& staged) {
      batch = staged.staged_batch;
      try {
        inside(s.db(), batch);
      } catch (const SQLite::Exception& ex) {
        throw engine::store::StoreError(fmt::format("{}: the waiver could not be recorded: {}", db.string(), ex.what()));
      }
    };
    ingest::ImportResult result;
    try {
      result = ingest::import_paths(*st, {file}, io);
    } catch (const engine::store::StoreError& ex) {
      throw WaiverError(Kind::store, ex.what());
    }
    if (!result.ok) {
      std::string message = "the waiver record was refused by the store's validation:";
      for (const auto& e : result.errors) message += "\n" + e.record + "." + e.field + ": " + e.message;
      throw WaiverError(Kind::bad_request, message);
    }
    return batch;
  }

  void insert_event(SQLite::Database& conn, std::int64_t request, std::string_view actor, std::string_view action,
                    const std::string& basis, const std::string& approver, const std::string& from,
                    const std::string& until, std::string_view note, const std::string& key, std::int64_t batch) {
    SQLite::Statement ins(conn, "INSERT INTO _waiver_event (request, at, actor, action, basis, approver, valid_from, "
                                "valid_until, note, waiver_key, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, request);
    ins.bind(2, engine::store::utc_now());
    ins.bind(3, std::string(actor));
    ins.bind(4, std::string(action));
    ins.bind(5, basis);
    ins.bind(6, approver);
    ins.bind(7, from);
    ins.bind(8, until);
    ins.bind(9, std::string(note));
    ins.bind(10, key);
    ins.bind(11, batch);
    ins.exec();
  }
};

WaiverDesk::WaiverDesk(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WaiverDesk::~WaiverDesk() = default;

std::unique_ptr<WaiverDesk> WaiverDesk::open(const fs::path& db, const fs::path& ruleset) {
  auto impl = std::make_unique<Impl>();
  auto checked = load_checked_ruleset(ruleset, impl->sm);
  if (!checked.ruleset) throw WaiverError(Kind::store, "the ruleset does not check:\n" + checked.errors);
  impl->owned = std::move(checked.ruleset);
  const model::Ruleset& rs = *impl->owned;  // before impl is moved away
  return open_with(db, rs, std::move(impl));
}

std::unique_ptr<WaiverDesk> WaiverDesk::open(const fs::path& db, const model::Ruleset& ruleset) {
  return open_with(db, ruleset, std::make_unique<Impl>());
}

std::unique_ptr<WaiverDesk> WaiverDesk::open_with(const fs::path& db, const model::Ruleset& ruleset,
                                                  std::unique_ptr<Impl> impl) {
  impl->db = db;
  impl->rs = &ruleset;
  if (!fs::exists(db)) throw WaiverError(Kind::store, "no store at " + db.string() + " (create it with `ecoaudit init`)");
  impl->waiver = ruleset.schema.waiver();
  if (!impl->waiver)
    throw WaiverError(Kind::bad_request, "the ruleset declares no waiver record (`record NAME \"...\" role waiver`)");
  const auto& r = *impl->waiver;
  if (r.key_fields.size() != 1 || r.fields[r.key_fields[0]].type.kind != model::Kind::string)
    throw WaiverError(Kind::bad_request, fmt::format("the waiver record {} has no single text key: the workbench names "
                                                     "the waivers it writes by one (WR-<request>)",
                                                     r.name));
  return std::unique_ptr<WaiverDesk>(new WaiverDesk(std::move(impl)));
}

std::optional<JurisdictionField> WaiverDesk::jurisdiction_field() const {
  return declared_jurisdiction(impl_->rs->schema);
}

Waiver WaiverDesk::request(const WaiverRequestInput& input, std::string_view actor, dsl::Date as_of,
                           const std::optional<std::vector<std::string>>& limit_to) {
  auto& I = *impl_;
  const auto& rs = *I.rs;
  const std::string target = required_text(input.target, "the rule or requirement to waive");
  const std::string subject = required_text(input.subject, "the subject's key");
  const std::string reason = required_text(input.reason, "the reason for the waiver");
  if (input.until < input.from)
    throw WaiverError(Kind::bad_request, fmt::format("the waiver would end ({}) before it starts ({})",
                                                     dsl::format_date(input.until), dsl::format_date(input.from)));
  // The rules the target names: a rule, or the rules implementing a requirement.
  std::vector<const model::Rule*> rules;
  for (const auto& rule : rs.rules)
    if (rule.id == target ||
        std::find(rule.requirements.begin(), rule.requirements.end(), target) != rule.requirements.end())
      rules.push_back(&rule);
  if (rules.empty())
    throw WaiverError(Kind::bad_request, fmt::format("'{}' is neither a rule nor a requirement of a rule of the ruleset", target));
  const model::RecordType* type = nullptr;
  if (!input.subject_type.empty()) {
    type = rs.schema.find_record(input.subject_type);
    if (!type) throw WaiverError(Kind::bad_request, fmt::format("no record type '{}' in the schema", input.subject_type));
  }
  auto st = I.open_store();
  auto loaded = [&] {
    try {
      return engine::load_snapshot(*st);
    } catch (const engine::store::StoreError& ex) {
      throw WaiverError(Kind::store, ex.what());
    }
  }();
  const auto& snap = loaded.snapshot;
  // The subject record types of the target's rules that hold the key (the one asked, if any).
  std::set<std::uint32_t> types;
  for (const auto* rule : rules) {
    const std::uint32_t rec = rule->bindings.back().record;
    if (type && rec != type->index) continue;
    if (snap.find(rec, subject)) types.insert(rec);
  }
  if (types.empty())
    throw WaiverError(Kind::bad_request,
                      type ? fmt::format("no {} '{}' is a subject of '{}' in the store", type->name, subject, target)
                           : fmt::format("no subject '{}' of '{}' is in the store", subject, target));
  if (types.size() > 1)
    throw WaiverError(Kind::bad_request, fmt::format("'{}' is the key of subjects of several record types of '{}': "
                                                     "name the subject's record type",
                                                     subject, target));
  const auto& subject_rec = rs.schema.records[*types.begin()];
  // The subject's owner, as the findings of the target's rules on it give it.
  engine::CompiledRuleset compiled(rs);
  engine::EvalOptions eo;
  eo.as_of = as_of;
  eo.evidence = false;
  eo.keep_all = true;
  eo.threads = 1;  // one subject: no threads to start
  for (const auto* rule : rules) eo.rules.push_back(rule->id);
  eo.scope = engine::EvalOptions::Scope{subject_rec.name, {subject}};
  std::string owner_record, owner_key;
  for (const auto& f : compiled.evaluate(snap, eo))
    if (f.subject_record == subject_rec.name && f.subject_key == subject) {
      owner_record = f.owner.record;
      owner_key = f.owner.key;
      break;
    }
  Waiver out;
  try {
    auto& conn = st->db();
    const std::string jurisdiction = I.jurisdiction_of(conn, owner_record, owner_key);
    if (limit_to && std::find(limit_to->begin(), limit_to->end(), jurisdiction) == limit_to->end())
      throw WaiverError(Kind::forbidden, fmt::format("the subject '{}' lies outside the jurisdictions assigned to you",
                                                     subject));
    SQLite::Transaction tx(conn);
    SQLite::Statement ins(conn, "INSERT INTO _waiver_request (requested_at, requested_by, target, subject_type, "
                                "subject, owner_record, owner_key, valid_from, valid_until, reason) VALUES (?, ?, ?, "
                                "?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, engine::store::utc_now());
    ins.bind(2, std::string(actor));
    ins.bind(3, target);
    // The record type is kept even when not asked: the waiver then names exactly this subject.
    ins.bind(4, subject_rec.name);
    ins.bind(5, subject);
    ins.bind(6, owner_record);
    ins.bind(7, owner_key);
    ins.bind(8, dsl::format_date(input.from));
    ins.bind(9, dsl::format_date(input.until));
    ins.bind(10, reason);
    ins.exec();
    const std::int64_t id = conn.getLastInsertRowid();
    append_trail(conn, actor, "waiver.request", fmt::format("waiver_request:{}", id),
                 fmt::format("target={} subject={}:{} from={} until={}", target, subject_rec.name, subject,
                             dsl::format_date(input.from), dsl::format_date(input.until)));
    tx.commit();
    out = *I.read(conn, id);
  } catch (const SQLite::Exception& ex) {
    throw WaiverError(Kind::store, fmt::format("{}: the waiver request could not be recorded: {}", I.db.string(), ex.what()));
  }
  return out;
}

Waiver WaiverDesk::approve(std::int64_t id, const WaiverApproval& approval, std::string_view actor) {
  auto& I = *impl_;
  const std::string basis = required_text(approval.basis, "the legal basis");
  const std::string approver = required_text(approval.approver, "the approver");
  if (approval.until < approval.from)
    throw WaiverError(Kind::bad_request, fmt::format("the waiver would end ({}) before it starts ({})",
                                                     dsl::format_date(approval.until), dsl::format_date(approval.from)));
  const std::string key = fmt::format("WR-{}", id);
  Waiver w;
  {
    auto st = I.open_store();
    try {
      w = I.pending(st->db(), id, "approved");
      if (w.requested_by == actor)
        throw WaiverError(Kind::forbidden, "a waiver is approved by someone other than who requested it");
      if (has_record(st->db(), *I.waiver, key))
        throw WaiverError(Kind::conflict, fmt::format("the store already holds a {} record '{}' the workbench did not "
                                                      "write: the request cannot be approved under its name",
                                                      I.waiver->name, key));
    } catch (const SQLite::Exception& ex) {
      throw WaiverError(Kind::store, ex.what());
    }
  }
  const std::string from = dsl::format_date(approval.from), until = dsl::format_date(approval.until);
  I.write_record(w, key, basis, approver, approval.from, approval.until, [&](SQLite::Database& conn, std::int64_t batch) {
    // Checked again inside the import's transaction: two approvals racing write one waiver.
    I.pending(conn, id, "approved");
    I.insert_event(conn, id, actor, "approve", basis, approver, from, until, "", key, batch);
    append_trail(conn, actor, "waiver.approve", fmt::format("waiver_request:{}", id),
                 fmt::format("waiver={} target={} subject={}:{} from={} until={} batch={}", key, w.target,
                             w.subject_type, w.subject, from, until, batch));
  });
  return *find(id);
}

Waiver WaiverDesk::reject(std::int64_t id, std::string_view note, std::string_view actor) {
  auto& I = *impl_;
  const std::string why = required_text(note, "the reason for the rejection");
  auto st = I.open_store();
  try {
    auto& conn = st->db();
    SQLite::Transaction tx(conn);
    auto w = I.pending(conn, id, "rejected");
    if (w.requested_by == actor)
      throw WaiverError(Kind::forbidden, "a waiver request is decided by someone other than who requested it");
    I.insert_event(conn, id, actor, "reject", "", "", "", "", why, "", 0);
    append_trail(conn, actor, "waiver.reject", fmt::format("waiver_request:{}", id), "");
    tx.commit();
    return *I.read(conn, id);
  } catch (const SQLite::Exception& ex) {
    throw WaiverError(Kind::store, ex.what());
  }
}

Waiver WaiverDesk::withdraw(std::int64_t id, std::string_view reason, dsl::Date on, std::string_view actor) {
  auto& I = *impl_;
  const std::string why = required_text(reason, "the reason for the withdrawal");
  std::optional<Waiver> w;
  {
    auto st = I.open_store();
    try {
      auto& conn = st->db();
      w = I.read(conn, id);
      if (!w) throw WaiverError(Kind::not_found, fmt::format("no waiver request {}", id));
      if (w->state == WaiverState::pending) {
        // Nothing was written to the records: the request just ends.
        SQLite::Transaction tx(conn);
        I.pending(conn, id, "withdrawn");
        I.insert_event(conn, id, actor, "withdraw", "", "", "", "", why, "", 0);
        append_trail(conn, actor, "waiver.withdraw", fmt::format("waiver_request:{}", id), "state=pending");
        tx.commit();
        return *I.read(conn, id);
      }
    } catch (const SQLite::Exception& ex) {
      throw WaiverError(Kind::store, ex.what());
    }
  }
  if (w->state != WaiverState::approved)
    throw WaiverError(Kind::conflict, fmt::format("waiver request {} is {}: there is nothing to withdraw", id, to_string(w->state)));
  const auto from = dsl::parse_date(w->valid_from), until = dsl::parse_date(w->valid_until);
  if (!from || !until) throw WaiverError(Kind::store, fmt::format("waiver request {} has no valid dates recorded", id));
  if (*until < on)
    throw WaiverError(Kind::conflict, fmt::format("waiver {} expired on {}: there is nothing to withdraw", w->waiver_key,
                                                  w->valid_until));
  // The last valid day becomes the day before the withdrawal: from that day the finding is
  // a violation again (and says until when it was waived).
  const dsl::Date last{on.days - 1};
  const std::string last_text = dsl::format_date(last);
  I.write_record(*w, w->waiver_key, w->basis, w->approver, *from, last, [&](SQLite::Database& conn, std::int64_t batch) {
    auto now = I.read(conn, id);
    if (!now || now->state != WaiverState::approved)
      throw WaiverError(Kind::conflict, fmt::format("waiver request {} is no longer approved", id));
    I.insert_event(conn, id, actor, "withdraw", "", "", "", last_text, why, w->waiver_key, batch);
    append_trail(conn, actor, "waiver.withdraw", fmt::format("waiver_request:{}", id),
                 fmt::format("waiver={} until={} batch={}", w->waiver_key, last_text, batch));
  });
  return *find(id);
}

std::optional<Waiver> WaiverDesk::find(std::int64_t id) {
  auto st = impl_->open_store(true);
  try {
    if (!Impl::has_tables(st->db())) return std::nullopt;
    return impl_->read(st->db(), id);
  } catch (const SQLite::Exception& ex) {
    throw WaiverError(Kind::store, ex.what());
  }
}

std::vector<Waiver> WaiverDesk::list(const WaiverFilter& filter) {
  auto st = impl_->open_store(true);
  std::vector<Waiver> out;
  try {
    auto& conn = st->db();
    if (!Impl::has_tables(conn)) return out;
    SQLite::Statement q(conn, fmt::format("SELECT {} FROM _waiver_request ORDER BY id DESC", kRequestColumns));
    while (q.executeStep()) {
      auto w = impl_->from_row(conn, q);
      if (filter.state && w.state != *filter.state) continue;
      if (filter.limit_to &&
          std::find(filter.limit_to->begin(), filter.limit_to->end(), w.jurisdiction) == filter.limit_to->end())
        continue;
      out.push_back(std::move(w));
    }
  } catch (const SQLite::Exception& ex) {
    throw WaiverError(Kind::store, ex.what());
  }
  return out;
}

nlohmann::json to_json(const Waiver& w, std::optional<dsl::Date> on) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : w.events)
    events.push_back({{"id", e.id},
                      {"at", e.at},
                      {"actor", e.actor},
                      {"action", e.action},
                      {"basis", e.basis},
                      {"approver", e.approver},
                      {"valid_from", e.valid_from},
                      {"valid_until", e.valid_until},
                      {"note", e.note},
                      {"batch", e.batch}});
  nlohmann::json j = {{"id", w.id},
                      {"requested_at", w.requested_at},
                      {"requested_by", w.requested_by},
                      {"target", w.target},
                      {"subject_type", w.subject_type},
                      {"subject", w.subject},
                      {"owner", {{"record", w.owner_record}, {"key", w.owner_key}}},
                      {"requested", {{"from", w.requested_from}, {"until", w.requested_until}}},
                      {"reason", w.reason},
                      {"state", to_string(w.state)},
                      {"waiver_key", w.waiver_key},
                      {"basis", w.basis},
                      {"approver", w.approver},
                      {"valid_from", w.valid_from},
                      {"valid_until", w.valid_until},
                      {"batch", w.batch},
                      {"jurisdiction", w.jurisdiction},
                      {"events", std::move(events)}};
  if (on)
    if (auto d = w.days_left(*on)) {
      j["days_left"] = *d;
      j["expired"] = *d < 0;
    }
  return j;
}

}  // namespace eco::app
