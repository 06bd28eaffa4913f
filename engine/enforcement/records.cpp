#include "engine/enforcement/records.hpp"

#include <algorithm>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/store/schema_sql.hpp"

namespace eco::engine::enforcement {

namespace {

using json = nlohmann::json;

const char* const kTables[] = {"_inspection", "_inspection_item", "_inspection_outcome", "_enforcement_action",
                               "_violation_state"};

const char* const kCreate[] = {
    "CREATE TABLE IF NOT EXISTS _inspection (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, "
    "created_by TEXT NOT NULL, source TEXT NOT NULL, ruleset TEXT NOT NULL, sweep INTEGER NOT NULL, "
    "owner_record TEXT NOT NULL, owner_key TEXT NOT NULL, draw INTEGER NOT NULL, planned_on TEXT NOT NULL, "
    "inspectors TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS _inspection_item (inspection INTEGER NOT NULL REFERENCES _inspection(id), "
    "item INTEGER NOT NULL, rule TEXT NOT NULL, subject_record TEXT NOT NULL, subject_key TEXT NOT NULL, "
    "owner_key TEXT NOT NULL, verdict TEXT NOT NULL, severity TEXT NOT NULL, title_zh TEXT NOT NULL, "
    "title_en TEXT NOT NULL, verify_zh TEXT NOT NULL, verify_en TEXT NOT NULL, evidence_digest TEXT NOT NULL, "
    "PRIMARY KEY (inspection, item))",
    "CREATE TABLE IF NOT EXISTS _inspection_outcome (id INTEGER PRIMARY KEY, inspection INTEGER NOT NULL, "
    "item INTEGER NOT NULL, version INTEGER NOT NULL, outcome TEXT NOT NULL, note TEXT NOT NULL, "
    "checked_on TEXT NOT NULL, evidence_files TEXT NOT NULL, recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL, "
    "source TEXT NOT NULL, UNIQUE (inspection, item, version), "
    "FOREIGN KEY (inspection, item) REFERENCES _inspection_item(inspection, item))",
    "CREATE TABLE IF NOT EXISTS _enforcement_action (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, rule TEXT NOT NULL, "
    "subject_record TEXT NOT NULL, subject_key TEXT NOT NULL, owner_record TEXT NOT NULL, owner_key TEXT NOT NULL, "
    "severity TEXT NOT NULL, reference TEXT NOT NULL, issued_on TEXT NOT NULL, deadline TEXT NOT NULL, "
    "requirement TEXT NOT NULL, amount TEXT NOT NULL, legal_basis TEXT NOT NULL, case_number TEXT NOT NULL, "
    "referred_to TEXT NOT NULL, note TEXT NOT NULL, inspection INTEGER NOT NULL, recorded_at TEXT NOT NULL, "
    "recorded_by TEXT NOT NULL, source TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS _violation_state (id INTEGER PRIMARY KEY, rule TEXT NOT NULL, "
    "subject_record TEXT NOT NULL, subject_key TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL, "
    "on_day TEXT NOT NULL, reason TEXT NOT NULL, action INTEGER NOT NULL, inspection INTEGER NOT NULL, "
    "recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL, source TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS _violation_state__violation ON _violation_state(rule, subject_record, subject_key)",
};

store::StoreError db_error(store::Store& st, const char* what, const SQLite::Exception& e) {
  return store::StoreError(fmt::format("{}: cannot {}: {}", st.path().string(), what, e.what()));
}

bool have_tables(store::Store& st) { return st.db().tableExists("_inspection"); }

void create(SQLite::Database& db) {
  for (const char* sql : kCreate) db.exec(sql);
  // The records are evidence of what inspectors found and what the bureau decided: a
  // correction is a new version or a new transition, never a change of what was recorded.
  for (const char* t : kTables) {
    db.exec(fmt::format("CREATE TRIGGER IF NOT EXISTS {0}__no_update BEFORE UPDATE ON {0} "
                        "BEGIN SELECT RAISE(ABORT, 'enforcement records are append-only: {0} cannot be changed'); END",
                        t));
    db.exec(fmt::format("CREATE TRIGGER IF NOT EXISTS {0}__no_delete BEFORE DELETE ON {0} "
                        "BEGIN SELECT RAISE(ABORT, 'enforcement records are append-only: {0} cannot be deleted'); END",
                        t));
  }
}

void check_provenance(const Provenance& p) {
  if (p.by.empty()) throw RecordError("who records it is required (the inspector's or officer's name)");
  if (p.source.empty()) throw RecordError("the record's source (file or request) is required");
}

void check_date(const std::string& text, const char* what) {
  if (!dsl::parse_date(text)) throw RecordError(fmt::format("{} \"{}\" is not a date (YYYY-MM-DD)", what, text));
}

std::string text(const SQLite::Column& c) { return c.isNull() ? std::string() : c.getString(); }

State state_of(SQLite::Database& db, const FindingId& v) {
  if (!db.tableExists("_violation_state")) return State::open;
  SQLite::Statement q(db,
                      "SELECT to_state FROM _violation_state WHERE rule = ? AND subject_record = ? AND subject_key = ? "
                      "ORDER BY id DESC LIMIT 1");
  q.bind(1, v.rule);
  q.bind(2, v.subject_record);
  q.bind(3, v.subject_key);
  if (!q.executeStep()) return State::open;
  return parse_state(q.getColumn(0).getString()).value_or(State::open);
}

// Inserts a checked transition inside the caller's transaction.
Transition insert_transition(SQLite::Database& db, const FindingId& v, State to, const std::string& on,
                             const std::string& reason, const Provenance& p, std::int64_t action, std::int64_t inspection) {
  Transition t;
  t.violation = v;
  t.from = state_of(db, v);
  t.to = to;
  if (auto refused = check_transition(t.from, to); !refused.empty())
    throw RecordError(fmt::format("{} on {}: {}", v.rule, v.subject_key, refused));
  t.on = on;
  t.reason = reason;
  t.action = action;
  t.inspection = inspection;
  t.recorded_at = store::utc_now();
  t.recorded_by = p.by;
  t.source = p.source;
  SQLite::Statement ins(db,
                        "INSERT INTO _violation_state (rule, subject_record, subject_key, from_state, to_state, on_day, "
                        "reason, action, inspection, recorded_at, recorded_by, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  ins.bind(1, v.rule);
  ins.bind(2, v.subject_record);
  ins.bind(3, v.subject_key);
  ins.bind(4, to_string(t.from));
  ins.bind(5, to_string(to));
  ins.bind(6, on);
  ins.bind(7, reason);
  ins.bind(8, action);
  ins.bind(9, inspection);
  ins.bind(10, t.recorded_at);
  ins.bind(11, t.recorded_by);
  ins.bind(12, t.source);
  ins.exec();
  t.id = db.getLastInsertRowid();
  return t;
}

}  // namespace

void ensure_tables(store::Store& st) {
  try {
    create(st.db());
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "create the enforcement tables", e);
  }
}

LatestSweep latest_sweep(store::Store& st, const std::string& ruleset) { return read_sweep(st, ruleset, 0); }

LatestSweep read_sweep(store::Store& st, const std::string& ruleset, std::int64_t id) {
  LatestSweep out;
  try {
    auto& db = st.db();
    if (!db.tableExists("_sweep")) return out;
    SQLite::Statement s(db, "SELECT id, as_of, started_at FROM _sweep WHERE ruleset = ?1 AND (?2 = 0 OR id = ?2) "
                            "ORDER BY id DESC LIMIT 1");
    s.bind(1, ruleset);
    s.bind(2, id);
    if (!s.executeStep()) return out;
    out.id = s.getColumn(0).getInt64();
    out.as_of = s.getColumn(1).getString();
    out.started_at = s.getColumn(2).getString();
    SQLite::Statement q(db,
                        "SELECT rule, subject_record, subject_key, coalesce(enterprise_id, ''), verdict, severity, "
                        "first_seen FROM _sweep_finding WHERE sweep = ? AND verdict IN ('violation', 'late', 'unknown') "
                        "ORDER BY rule, subject_record, subject_key");
    q.bind(1, out.id);
    while (q.executeStep())
      out.findings.push_back({{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString()},
                              q.getColumn(3).getString(),
                              q.getColumn(4).getString(),
                              q.getColumn(5).getString(),
                              q.getColumn(6).getString()});
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "read the latest sweep", e);
  }
  return out;
}

std::int64_t record_inspection(store::Store& st, const Inspection& in, const Provenance& p) {
  check_provenance(p);
  check_date(in.planned_on, "the inspection's date");
  if (in.owner_key.empty()) throw RecordError("an inspection needs the enterprise it inspects");
  if (in.inspectors.size() < 2)
    throw RecordError("an inspection needs at least two inspectors (two or more law enforcement officers go on every inspection)");
  try {
    auto& db = st.db();
    SQLite::Transaction tx(db);
    create(db);
    SQLite::Statement ins(db,
                          "INSERT INTO _inspection (created_at, created_by, source, ruleset, sweep, owner_record, owner_key, "
                          "draw, planned_on, inspectors) VALUES (?,?,?,?,?,?,?,?,?,?)");
    ins.bind(1, store::utc_now());
    ins.bind(2, p.by);
    ins.bind(3, p.source);
    ins.bind(4, in.ruleset);
    ins.bind(5, in.sweep);
    ins.bind(6, in.owner_record);
    ins.bind(7, in.owner_key);
    ins.bind(8, in.draw);
    ins.bind(9, in.planned_on);
    ins.bind(10, json(in.inspectors).dump());
    ins.exec();
    const auto id = db.getLastInsertRowid();
    SQLite::Statement item(db,
                           "INSERT INTO _inspection_item (inspection, item, rule, subject_record, subject_key, owner_key, "
                           "verdict, severity, title_zh, title_en, verify_zh, verify_en, evidence_digest) "
                           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    std::int64_t n = 0;
    for (const auto& it : in.items) {
      item.bind(1, id);
      item.bind(2, ++n);
      item.bind(3, it.finding.rule);
      item.bind(4, it.finding.subject_record);
      item.bind(5, it.finding.subject_key);
      item.bind(6, it.owner_key);
      item.bind(7, it.verdict);
      item.bind(8, it.severity);
      item.bind(9, it.title_zh);
      item.bind(10, it.title_en);
      item.bind(11, it.verify_zh);
      item.bind(12, it.verify_en);
      item.bind(13, it.evidence_digest);
      item.exec();
      item.reset();
    }
    tx.commit();
    return id;
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "record the inspection", e);
  }
}

namespace {

Inspection inspection_row(SQLite::Statement& q) {
  Inspection in;
  in.id = q.getColumn(0).getInt64();
  in.created_at = text(q.getColumn(1));
  in.created_by = text(q.getColumn(2));
  in.source = text(q.getColumn(3));
  in.ruleset = text(q.getColumn(4));
  in.sweep = q.getColumn(5).getInt64();
  in.owner_record = text(q.getColumn(6));
  in.owner_key = text(q.getColumn(7));
  in.draw = q.getColumn(8).getInt64();
  in.planned_on = text(q.getColumn(9));
  const auto j = json::parse(text(q.getColumn(10)), nullptr, false);
  if (j.is_array())
    for (const auto& x : j)
      if (x.is_string()) in.inspectors.push_back(x.get<std::string>());
  return in;
}

constexpr const char* kInspectionColumns =
    "SELECT id, created_at, created_by, source, ruleset, sweep, owner_record, owner_key, draw, planned_on, inspectors "
    "FROM _inspection ";

}  // namespace

Inspection read_inspection(store::Store& st, std::int64_t id) {
  try {
    auto& db = st.db();
    if (!have_tables(st)) throw RecordError(fmt::format("{} has no inspections", st.path().string()));
    SQLite::Statement q(db, std::string(kInspectionColumns) + "WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) throw RecordError(fmt::format("{} has no inspection {}", st.path().string(), id));
    Inspection in = inspection_row(q);
    SQLite::Statement items(db,
                            "SELECT item, rule, subject_record, subject_key, owner_key, verdict, severity, title_zh, "
                            "title_en, verify_zh, verify_en, evidence_digest FROM _inspection_item WHERE inspection = ? "
                            "ORDER BY item");
    items.bind(1, id);
    while (items.executeStep()) {
      ChecklistItem it;
      it.item = items.getColumn(0).getInt64();
      it.finding = {text(items.getColumn(1)), text(items.getColumn(2)), text(items.getColumn(3))};
      it.owner_key = text(items.getColumn(4));
      it.verdict = text(items.getColumn(5));
      it.severity = text(items.getColumn(6));
      it.title_zh = text(items.getColumn(7));
      it.title_en = text(items.getColumn(8));
      it.verify_zh = text(items.getColumn(9));
      it.verify_en = text(items.getColumn(10));
      it.evidence_digest = text(items.getColumn(11));
      in.items.push_back(std::move(it));
    }
    return in;
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "read the inspection", e);
  }
}

std::vector<Inspection> list_inspections(store::Store& st, const std::string& owner_key) {
  std::vector<Inspection> out;
  try {
    if (!have_tables(st)) return out;
    SQLite::Statement q(st.db(), std::string(kInspectionColumns) + "WHERE ? = '' OR owner_key = ? ORDER BY id DESC");
    q.bind(1, owner_key);
    q.bind(2, owner_key);
    while (q.executeStep()) out.push_back(inspection_row(q));
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "list the inspections", e);
  }
  return out;
}

OutcomeRecord record_outcome(store::Store& st, std::int64_t inspection, std::int64_t item, Outcome outcome,
                             const std::string& note, const std::string& checked_on,
                             const std::vector<std::string>& evidence_files, const Provenance& p) {
  check_provenance(p);
  check_date(checked_on, "the date of the check");
  for (const auto& f : evidence_files)
    if (f.empty()) throw RecordError("an evidence file name is empty");
  const Inspection in = read_inspection(st, inspection);
  const auto it = std::find_if(in.items.begin(), in.items.end(), [&](const ChecklistItem& x) { return x.item == item; });
  if (it == in.items.end())
    throw RecordError(fmt::format("inspection {} has no item {} (its checklist has {} item{})", inspection, item,
                                  in.items.size(), in.items.size() == 1 ? "" : "s"));
  try {
    auto& db = st.db();
    SQLite::Transaction tx(db);
    SQLite::Statement v(db, "SELECT coalesce(max(version), 0) FROM _inspection_outcome WHERE inspection = ? AND item = ?");
    v.bind(1, inspection);
    v.bind(2, item);
    v.executeStep();
    OutcomeRecord r;
    r.inspection = inspection;
    r.item = item;
    r.version = v.getColumn(0).getInt64() + 1;
    r.outcome = outcome;
    r.note = note;
    r.checked_on = checked_on;
    r.evidence_files = evidence_files;
    r.recorded_at = store::utc_now();
    r.recorded_by = p.by;
    r.source = p.source;
    SQLite::Statement ins(db,
                          "INSERT INTO _inspection_outcome (inspection, item, version, outcome, note, checked_on, "
                          "evidence_files, recorded_at, recorded_by, source) VALUES (?,?,?,?,?,?,?,?,?,?)");
    ins.bind(1, inspection);
    ins.bind(2, item);
    ins.bind(3, r.version);
    ins.bind(4, to_string(outcome));
    ins.bind(5, note);
    ins.bind(6, checked_on);
    ins.bind(7, json(evidence_files).dump());
    ins.bind(8, r.recorded_at);
    ins.bind(9, r.recorded_by);
    ins.bind(10, r.source);
    ins.exec();
    r.id = db.getLastInsertRowid();
    // Corrected during the visit: the violation waits for its verification (the data still shows
    // it until the enterprise's records are updated). From any other state it stays where it is.
    if (outcome == Outcome::corrected_on_site && (it->verdict == "violation" || it->verdict == "late")) {
      const State now = state_of(db, it->finding);
      if (now == State::open || now == State::under_enforcement)
        insert_transition(db, it->finding, State::resolved_pending_verification, checked_on,
                          fmt::format("corrected on site (inspection {} item {})", inspection, item), p, 0, inspection);
    }
    tx.commit();
    return r;
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "record the outcome", e);
  }
}

std::vector<OutcomeRecord> outcomes(store::Store& st, std::int64_t inspection) {
  std::vector<OutcomeRecord> out;
  try {
    if (!have_tables(st)) return out;
    SQLite::Statement q(st.db(),
                        "SELECT id, inspection, item, version, outcome, note, checked_on, evidence_files, recorded_at, "
                        "recorded_by, source FROM _inspection_outcome WHERE inspection = ? ORDER BY item, version");
    q.bind(1, inspection);
    while (q.executeStep()) {
      OutcomeRecord r;
      r.id = q.getColumn(0).getInt64();
      r.inspection = q.getColumn(1).getInt64();
      r.item = q.getColumn(2).getInt64();
      r.version = q.getColumn(3).getInt64();
      r.outcome = parse_outcome(text(q.getColumn(4))).value_or(Outcome::not_verified);
      r.note = text(q.getColumn(5));
      r.checked_on = text(q.getColumn(6));
      const auto j = json::parse(text(q.getColumn(7)), nullptr, false);
      if (j.is_array())
        for (const auto& x : j)
          if (x.is_string()) r.evidence_files.push_back(x.get<std::string>());
      r.recorded_at = text(q.getColumn(8));
      r.recorded_by = text(q.getColumn(9));
      r.source = text(q.getColumn(10));
      out.push_back(std::move(r));
    }
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "read the outcomes", e);
  }
  return out;
}

std::int64_t record_action(store::Store& st, const Action& a, const Provenance& p) {
  check_provenance(p);
  const auto need = [](const std::string& value, const char* what) {
    if (value.empty()) throw RecordError(fmt::format("{} is required", what));
  };
  need(a.reference, a.kind == ActionKind::penalty ? "the decision's document number" : "the document number");
  need(a.issued_on, "the date it was issued");
  check_date(a.issued_on, "the date it was issued");
  switch (a.kind) {
    case ActionKind::rectification_order:
      need(a.deadline, "a rectification order's deadline");
      check_date(a.deadline, "the deadline");
      if (a.deadline < a.issued_on)
        throw RecordError(fmt::format("the deadline {} is before the order was issued ({})", a.deadline, a.issued_on));
      need(a.requirement, "what the order requires (the rectification ordered)");
      break;
    case ActionKind::penalty: {
      need(a.amount, "a penalty decision's amount (yuan)");
      need(a.legal_basis, "a penalty decision's legal basis");
      need(a.case_number, "a penalty decision's case number");
      // The amount as written in the decision, checked to be a non-negative number of yuan.
      const bool number = std::all_of(a.amount.begin(), a.amount.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; }) &&
                          std::count(a.amount.begin(), a.amount.end(), '.') <= 1 && a.amount.front() != '.' &&
                          a.amount.back() != '.';
      if (!number) throw RecordError(fmt::format("the amount \"{}\" is not a number of yuan (e.g. 50000 or 12500.50)", a.amount));
      break;
    }
    case ActionKind::referral:
      need(a.referred_to, "the authority a referral goes to");
      break;
  }
  try {
    auto& db = st.db();
    SQLite::Transaction tx(db);
    create(db);
    SQLite::Statement ins(db,
                          "INSERT INTO _enforcement_action (kind, rule, subject_record, subject_key, owner_record, owner_key, "
                          "severity, reference, issued_on, deadline, requirement, amount, legal_basis, case_number, "
                          "referred_to, note, inspection, recorded_at, recorded_by, source) "
                          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    int i = 0;
    for (const std::string* s : {&a.violation.rule, &a.violation.subject_record, &a.violation.subject_key,
                                 &a.owner_record, &a.owner_key, &a.severity, &a.reference, &a.issued_on, &a.deadline,
                                 &a.requirement, &a.amount, &a.legal_basis, &a.case_number, &a.referred_to, &a.note}) {
      if (i == 0) ins.bind(++i, to_string(a.kind));
      ins.bind(++i, *s);
    }
    ins.bind(++i, a.inspection);
    ins.bind(++i, store::utc_now());
    ins.bind(++i, p.by);
    ins.bind(++i, p.source);
    ins.exec();
    const auto id = db.getLastInsertRowid();
    // An action puts an open violation under enforcement; in any other state it is recorded
    // beside the state (a penalty after the rectification was reported, say).
    if (state_of(db, a.violation) == State::open)
      insert_transition(db, a.violation, State::under_enforcement, a.issued_on,
                        fmt::format("{} {}", to_string(a.kind), a.reference), p, id, a.inspection);
    tx.commit();
    return id;
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "record the enforcement action", e);
  }
}

std::vector<Action> actions(store::Store& st, const std::optional<FindingId>& violation) {
  std::vector<Action> out;
  try {
    if (!have_tables(st)) return out;
    SQLite::Statement q(st.db(),
                        "SELECT id, kind, rule, subject_record, subject_key, owner_record, owner_key, severity, reference, "
                        "issued_on, deadline, requirement, amount, legal_basis, case_number, referred_to, note, inspection, "
                        "recorded_at, recorded_by, source FROM _enforcement_action "
                        "WHERE ?1 = 0 OR (rule = ?2 AND subject_record = ?3 AND subject_key = ?4) ORDER BY id");
    q.bind(1, violation ? 1 : 0);
    q.bind(2, violation ? violation->rule : "");
    q.bind(3, violation ? violation->subject_record : "");
    q.bind(4, violation ? violation->subject_key : "");
    while (q.executeStep()) {
      Action a;
      a.id = q.getColumn(0).getInt64();
      a.kind = parse_action_kind(text(q.getColumn(1))).value_or(ActionKind::referral);
      a.violation = {text(q.getColumn(2)), text(q.getColumn(3)), text(q.getColumn(4))};
      std::string* fields[] = {&a.owner_record, &a.owner_key, &a.severity, &a.reference, &a.issued_on, &a.deadline,
                               &a.requirement, &a.amount, &a.legal_basis, &a.case_number, &a.referred_to, &a.note};
      int c = 5;
      for (auto* f : fields) *f = text(q.getColumn(c++));
      a.inspection = q.getColumn(17).getInt64();
      a.recorded_at = text(q.getColumn(18));
      a.recorded_by = text(q.getColumn(19));
      a.source = text(q.getColumn(20));
      out.push_back(std::move(a));
    }
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "read the enforcement actions", e);
  }
  return out;
}

State current_state(store::Store& st, const FindingId& violation) {
  try {
    return state_of(st.db(), violation);
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "read the violation's state", e);
  }
}

Transition transition(store::Store& st, const FindingId& violation, State to, const std::string& on,
                      const std::string& reason, const Provenance& p, std::int64_t action, std::int64_t inspection) {
  check_provenance(p);
  check_date(on, "the day of the change");
  if (reason.empty()) throw RecordError("the reason for the change of state is required (what was reported or verified)");
  try {
    auto& db = st.db();
    SQLite::Transaction tx(db);
    create(db);
    auto t = insert_transition(db, violation, to, on, reason, p, action, inspection);
    tx.commit();
    return t;
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "record the change of state", e);
  }
}

std::vector<Transition> transitions(store::Store& st, const std::optional<FindingId>& violation) {
  std::vector<Transition> out;
  try {
    if (!st.db().tableExists("_violation_state")) return out;
    SQLite::Statement q(st.db(),
                        "SELECT id, rule, subject_record, subject_key, from_state, to_state, on_day, reason, action, "
                        "inspection, recorded_at, recorded_by, source FROM _violation_state "
                        "WHERE ?1 = 0 OR (rule = ?2 AND subject_record = ?3 AND subject_key = ?4) ORDER BY id");
    q.bind(1, violation ? 1 : 0);
    q.bind(2, violation ? violation->rule : "");
    q.bind(3, violation ? violation->subject_record : "");
    q.bind(4, violation ? violation->subject_key : "");
    while (q.executeStep()) {
      Transition t;
      t.id = q.getColumn(0).getInt64();
      t.violation = {text(q.getColumn(1)), text(q.getColumn(2)), text(q.getColumn(3))};
      t.from = parse_state(text(q.getColumn(4))).value_or(State::open);
      t.to = parse_state(text(q.getColumn(5))).value_or(State::open);
      t.on = text(q.getColumn(6));
      t.reason = text(q.getColumn(7));
      t.action = q.getColumn(8).getInt64();
      t.inspection = q.getColumn(9).getInt64();
      t.recorded_at = text(q.getColumn(10));
      t.recorded_by = text(q.getColumn(11));
      t.source = text(q.getColumn(12));
      out.push_back(std::move(t));
    }
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "read the state transitions", e);
  }
  return out;
}

Overlay read_overlay(store::Store& st) {
  Overlay ov;
  try {
    auto& db = st.db();
    if (!have_tables(st)) return ov;
    // Later rows win: a correction has a higher id than what it corrects, and the latest
    // inspection's outcome is what stands.
    SQLite::Statement o(db,
                        "SELECT o.inspection, o.item, o.outcome, o.checked_on, i.rule, i.subject_record, i.subject_key, "
                        "i.evidence_digest FROM _inspection_outcome o JOIN _inspection_item i "
                        "ON i.inspection = o.inspection AND i.item = o.item ORDER BY o.id");
    while (o.executeStep()) {
      Overlay::Latest l;
      l.inspection = o.getColumn(0).getInt64();
      l.item = o.getColumn(1).getInt64();
      l.outcome = parse_outcome(text(o.getColumn(2))).value_or(Outcome::not_verified);
      l.checked_on = text(o.getColumn(3));
      l.digest = text(o.getColumn(7));
      ov.outcomes[{text(o.getColumn(4)), text(o.getColumn(5)), text(o.getColumn(6))}] = l;
    }
    for (const auto& t : transitions(st)) ov.states[t.violation] = t.to;
    for (const auto& a : actions(st)) {
      ov.actions[a.violation].push_back({a.id, to_string(a.kind), a.reference, a.issued_on, a.deadline});
      if (a.kind != ActionKind::rectification_order) continue;
      Order order;
      order.id = a.id;
      order.violation = a.violation;
      order.owner_record = a.owner_record;
      order.owner_key = a.owner_key;
      order.severity = a.severity;
      order.reference = a.reference;
      order.requirement = a.requirement;
      order.issued_on = a.issued_on;
      order.deadline = a.deadline;
      ov.orders.push_back(std::move(order));
    }
    for (auto& order : ov.orders)
      if (auto it = ov.states.find(order.violation); it != ov.states.end()) order.state = it->second;
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "read the enforcement records", e);
  }
  return ov;
}

std::size_t apply(const Overlay& ov, std::vector<Finding>& piece) {
  using dsl::model::Verdict;
  if (ov.empty()) return 0;
  const auto before = piece.size();
  std::erase_if(piece, [&](Finding& f) {
    const auto id = id_of(f);
    const auto o = ov.outcomes.find(id);
    const auto s = ov.states.find(id);
    const auto a = ov.actions.find(id);
    if (o == ov.outcomes.end() && s == ov.states.end() && a == ov.actions.end()) return false;
    const bool reported = f.verdict == Verdict::violation || f.verdict == Verdict::late || f.verdict == Verdict::unknown;
    // Dismissed on site, and the data it rested on is what the inspector saw: not reported.
    if (o != ov.outcomes.end() && o->second.outcome == Outcome::not_confirmed && reported &&
        evidence_digest(f) == o->second.digest)
      return true;
    EnforcementInfo info;
    info.state = to_string(s == ov.states.end() ? State::open : s->second);
    if (o != ov.outcomes.end()) {
      info.inspection = o->second.inspection;
      info.item = o->second.item;
      info.outcome = to_string(o->second.outcome);
      info.checked_on = o->second.checked_on;
    }
    if (a != ov.actions.end()) info.actions = a->second;
    f.enforcement = std::make_shared<const EnforcementInfo>(std::move(info));
    return false;
  });
  return before - piece.size();
}

std::vector<Finding> order_findings(const Overlay& ov, dsl::Date as_of, const std::string& owner_key, bool keep_all) {
  std::vector<Finding> out;
  for (const auto& order : ov.orders) {
    if (!owner_key.empty() && order.owner_key != owner_key) continue;
    // A sweep as of a day before the order was issued does not know it yet.
    if (auto issued = dsl::parse_date(order.issued_on); issued && as_of < *issued) continue;
    auto f = order_finding(order, as_of);
    if (f.verdict == dsl::model::Verdict::pass && !keep_all) continue;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace eco::engine::enforcement

namespace eco::engine::enforcement {

std::map<FindingId, std::int64_t> violation_sweeps(store::Store& st, const std::string& ruleset, std::int64_t up_to) {
  std::map<FindingId, std::int64_t> out;
  try {
    if (!st.db().tableExists("_sweep")) return out;
    SQLite::Statement q(st.db(),
                        "SELECT f.rule, f.subject_record, f.subject_key, count(DISTINCT f.sweep) FROM _sweep_finding f "
                        "JOIN _sweep s ON s.id = f.sweep WHERE s.ruleset = ?1 AND (?2 = 0 OR s.id <= ?2) "
                        "AND f.verdict IN ('violation', 'late') GROUP BY f.rule, f.subject_record, f.subject_key");
    q.bind(1, ruleset);
    q.bind(2, up_to);
    while (q.executeStep())
      out[{text(q.getColumn(0)), text(q.getColumn(1)), text(q.getColumn(2))}] = q.getColumn(3).getInt64();
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "count the sweeps of each violation", e);
  }
  return out;
}

std::string owner_field(store::Store& st, const dsl::model::RecordType& owner, const std::string& key,
                        const std::string& field) {
  if (owner.key_fields.size() != 1) return "";
  const int f = owner.find_field(field);
  if (f < 0) return "";
  try {
    // Identifiers come from the checked schema only (quote_ident), the key is bound.
    SQLite::Statement q(st.db(), fmt::format("SELECT {} FROM {} WHERE {} = ?", store::quote_ident(field),
                                             store::quote_ident(owner.name),
                                             store::quote_ident(owner.fields[owner.key_fields[0]].name)));
    q.bind(1, key);
    if (!q.executeStep() || q.getColumn(0).isNull()) return "";
    return q.getColumn(0).getString();
  } catch (const SQLite::Exception& e) {
    throw db_error(st, "read the owner record", e);
  }
}

}  // namespace eco::engine::enforcement
