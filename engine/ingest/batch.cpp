#include "engine/ingest/batch.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "engine/ingest/workbook.hpp"
#include "engine/store/pause.hpp"
#include "engine/store/schema_sql.hpp"
#include "engine/store/sqlite_error.hpp"

namespace eco::engine::ingest::detail {

using dsl::model::RecordType;
using store::quote_ident;

namespace {

void bind_value(SQLite::Statement& st, int idx, const Value& v) {
  switch (v.kind) {
    case Value::Kind::null: st.bind(idx); break;
    case Value::Kind::integer: st.bind(idx, static_cast<int64_t>(v.i)); break;
    case Value::Kind::real: st.bind(idx, v.d); break;
    case Value::Kind::text: st.bindNoCopy(idx, v.s); break;
  }
}

bool same_value(const SQLite::Column& c, const Value& v) {
  switch (c.getType()) {
    case SQLITE_NULL: return v.is_null();
    case SQLITE_INTEGER: return v.kind == Value::Kind::integer && v.i == c.getInt64();
    case SQLITE_FLOAT: return v.kind == Value::Kind::real && v.d == c.getDouble();
    case SQLITE_TEXT:
      return v.kind == Value::Kind::text && v.s.size() == static_cast<std::size_t>(c.getBytes()) &&
             std::string_view(c.getText(), v.s.size()) == v.s;
    default: return false;
  }
}

std::string value_text(const Value& v) {
  switch (v.kind) {
    case Value::Kind::null: return "";
    case Value::Kind::integer: return std::to_string(v.i);
    case Value::Kind::real: return fmt::format("{}", v.d);
    case Value::Kind::text: return v.s;
  }
  return "";
}

}  // namespace

std::string sheet_place(std::string_view sheet, std::uint32_t row, std::uint32_t column) {
  // Excel quotes a sheet name in a reference unless it is letters, digits and underscores
  // (non-ASCII letters included).
  bool plain = !sheet.empty() && std::all_of(sheet.begin(), sheet.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || std::isalnum(u) || c == '_';
  });
  std::string out;
  if (plain) {
    out = sheet;
  } else {
    out = "'";
    for (char c : sheet) out += c == '\'' ? std::string("''") : std::string(1, c);
    out += "'";
  }
  if (column) out += "!" + cell_name(row, column);
  return out;
}

const FileState::Sheet* FileState::sheet(std::string_view name) const {
  for (const auto& s : sheets)
    if (s.name == name) return &s;
  return nullptr;
}

namespace {
// An error about field `field` (-1: none) of a record staged from workbook `f` at row e.line of
// sheet `sheet`: placed at its cell.
void place_in_sheet(const FileState& f, ImportError& e, std::string_view sheet, int field) {
  const FileState::Sheet* s = f.sheet(sheet);
  e.column = s && field >= 0 && static_cast<std::size_t>(field) < s->columns.size() ? s->columns[field] : 0;
  e.location = sheet_place(sheet, e.line, e.column);
}
}  // namespace

struct Batch::RecordStatements {
  std::unique_ptr<SQLite::Statement> insert, select, history, update, select_hash;
  int n = 0;  // fields
};

Batch::Batch(store::Store& store, const ImportOptions& options, ImportResult& result)
    : store_(store), db_(store.db()), options_(options), result_(result) {
  const auto& s = store.schema();
  list_keys_.assign(s.records.size(), false);
  for (const auto& name : options.list_keys_of)
    if (const auto* r = s.find_record(name)) list_keys_[r->index] = true;
  refused_.assign(s.records.size(), std::string());
  if (options.refuse_record)
    for (const auto& r : s.records) refused_[r.index] = options.refuse_record(r);
  checks_.resize(s.records.size());
  stmts_.resize(s.records.size());
  for (const auto& r : s.records) {
    auto& c = checks_[r.index];
    c.assign(r.fields.size(), Check::none);
    bool uscc = std::find(options.uscc_records.begin(), options.uscc_records.end(), r.name) != options.uscc_records.end();
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      const auto& f = r.fields[i];
      if (f.type.kind != dsl::model::Kind::string) continue;
      // The schema's own validators (`validate NAME`), then those the options add.
      if (options.schema_validators) {
        if (f.validator == dsl::model::Validator::uscc) c[i] = Check::uscc;
        if (f.validator == dsl::model::Validator::hw_category) c[i] = Check::hw_category;
      }
      if (uscc && f.key) c[i] = Check::uscc;
      if (std::find(options.waste_code_fields.begin(), options.waste_code_fields.end(), f.name) !=
          options.waste_code_fields.end())
        c[i] = Check::hw_category;
    }
  }
}

Batch::~Batch() {
  // An import that ended by an exception rolls back here; the connection gets its foreign key
  // enforcement back either way.
  stmts_.clear();
  touch_.reset();
  touched_.reset();
  tx_.reset();
  try {
    db_.exec("PRAGMA foreign_keys = ON");
  } catch (...) {
  }
}

const dsl::model::Schema& Batch::schema() const { return store_.schema(); }

void Batch::begin() {
  try {
    // The importer checks every reference of the batch itself before committing (and can say
    // where each bad one came from); SQLite's deferred per-row enforcement would probe the
    // child tables on every parent insert and costs a third of the import time.
    db_.exec("PRAGMA foreign_keys = OFF");
    // Index pages of a large batch are touched at random; a 16 MiB cache keeps them from being
    // re-read from the WAL, and bounds memory whatever the size of the input.
    db_.exec("PRAGMA main.cache_size = -16384");
    // The keys matched in this batch (temp._touched) grow with a re-imported export.
    db_.exec("PRAGMA temp.cache_size = -16384");
    // Index builds at the end of a bulk load sort; let SQLite's sorter use the second core.
    db_.exec("PRAGMA threads = 2");
    tx_ = std::make_unique<SQLite::Transaction>(db_, SQLite::TransactionBehavior::IMMEDIATE);
    // Loading into a table that is empty: rows are appended without index maintenance and
    // its indexes are built once at the end (a sort), where duplicate keys are found by one
    // query. DDL is transactional, so a rollback restores the indexes.
    db_.exec("CREATE TEMP TABLE IF NOT EXISTS _touched (rec INTEGER NOT NULL, k BLOB NOT NULL, file INTEGER, "
             "line INTEGER, loc TEXT, PRIMARY KEY(rec, k)) WITHOUT ROWID");
    db_.exec("DELETE FROM temp._touched");
    bulk_.assign(schema().records.size(), false);
    for (const auto& r : schema().records) {
      SQLite::Statement any(db_, "SELECT 1 FROM " + quote_ident(r.name) + " LIMIT 1");
      if (any.executeStep()) continue;
      bulk_[r.index] = true;
      db_.exec("DROP INDEX IF EXISTS " + quote_ident(store::unique_index_name(r)));
      for (const auto& f : r.fields)
        if (f.ref) {
          db_.exec("DROP INDEX IF EXISTS " + quote_ident(store::index_name(r, f)));
          deferred_indexes_.push_back(store::index_sql(r, f));
        }
    }
    SQLite::Statement ins(db_, "INSERT INTO _batch(started_at, ruleset, ruleset_sha256) VALUES(?, ?, ?)");
    ins.bind(1, store::utc_now());
    ins.bind(2, options_.ruleset_name);
    ins.bind(3, options_.ruleset_sha256);
    ins.exec();
    batch_ = db_.getLastInsertRowid();
    result_.staged_batch = batch_;
    touch_ = std::make_unique<SQLite::Statement>(
        db_, "INSERT INTO temp._touched(rec, k, file, line, loc) VALUES(?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    touched_ = std::make_unique<SQLite::Statement>(db_, "SELECT file, line, loc FROM temp._touched WHERE rec = ? AND k = ?");
  } catch (const std::exception& ex) {
    tx_.reset();
    store::throw_store_error(store_.path(), ex, "starting the import");
  }
}

void Batch::note_key(std::uint32_t rec, const std::vector<Value>& vals) {
  if (!list_keys_[rec]) return;
  const RecordType& r = schema().records[rec];
  std::string key;
  for (std::size_t i = 0; i < r.key_fields.size(); ++i) key += (i ? "|" : "") + value_text(vals[r.key_fields[i]]);
  std::lock_guard lock(error_mutex_);
  result_.keys[r.name].push_back(std::move(key));
}

FileState& Batch::add_file(FileResult r) {
  files_.emplace_back();
  FileState& f = files_.back();
  f.result = std::move(r);
  SQLite::Statement ins(db_,
                        "INSERT INTO _batch_file(batch, path, format, encoding, sha256, bytes) VALUES(?, ?, ?, ?, ?, ?)");
  ins.bind(1, static_cast<int64_t>(batch_));
  ins.bind(2, f.result.path);
  ins.bind(3, f.result.format);
  ins.bind(4, f.result.encoding);
  ins.bind(5, f.result.sha256);
  ins.bind(6, static_cast<int64_t>(f.result.bytes));
  ins.exec();
  f.id = db_.getLastInsertRowid();
  return f;
}

const std::string& Batch::file_path(std::int64_t id) const {
  static const std::string unknown = "?";
  for (const auto& f : files_)
    if (f.id == id) return f.result.path;
  return unknown;
}

void Batch::refuse_file(FileState& f, ImportError e) {
  // One lock throughout: an error the other thread reports meanwhile is either dropped with the
  // file's others or comes after the refusal and is not kept.
  std::lock_guard lk(error_mutex_);
  if (f.refused) return;
  const std::string& path = f.result.path;
  std::erase_if(result_.errors, [&](const ImportError& x) { return x.file == path; });
  result_.error_count -= f.result.error_count;
  f.result.error_count = 1;
  ++result_.error_count;
  f.kept = 1;
  f.refused = true;
  if (e.file.empty()) e.file = path;
  result_.errors.push_back(std::move(e));
}

void Batch::file_read(FileState& f) {
  SQLite::Statement upd(db_, "UPDATE _batch_file SET encoding = ?, sha256 = ?, bytes = ? WHERE id = ?");
  upd.bind(1, f.result.encoding);
  upd.bind(2, f.result.sha256);
  upd.bind(3, static_cast<int64_t>(f.result.bytes));
  upd.bind(4, static_cast<int64_t>(f.id));
  upd.exec();
}

void Batch::error(FileState& f, ImportError e) {
  std::lock_guard lk(error_mutex_);  // the CSV reader thread and the writer both report
  if (f.refused) return;
  ++f.result.error_count;
  ++result_.error_count;
  if (f.kept >= options_.max_errors_per_file) return;
  ++f.kept;
  if (e.file.empty()) e.file = f.result.path;
  result_.errors.push_back(std::move(e));
}

Batch::RecordStatements& Batch::statements(std::uint32_t rec) {
  auto& slot = stmts_[rec];
  if (slot) return *slot;
  const RecordType& r = schema().records[rec];
  slot = std::make_unique<RecordStatements>();
  auto& s = *slot;
  s.n = static_cast<int>(r.fields.size());
  std::string cols, qs, sets, key_where;
  for (const auto& f : r.fields) {
    cols += quote_ident(f.name) + ", ";
    qs += "?, ";
    sets += quote_ident(f.name) + " = ?, ";
  }
  for (auto k : r.key_fields) key_where += (key_where.empty() ? "" : " AND ") + quote_ident(r.fields[k].name) + " = ?";
  const std::string t = quote_ident(r.name);
  if (bulk_[rec]) {
    s.insert = std::make_unique<SQLite::Statement>(
        db_, r.key_fields.empty()
                 ? fmt::format("INSERT INTO {} ({}_batch, _file, _line, _loc, _hash, _dup) VALUES ({}?, ?, ?, ?, ?, ?)", t,
                               cols, qs)
                 : fmt::format("INSERT INTO {} ({}_batch, _file, _line, _loc) VALUES ({}?, ?, ?, ?)", t, cols, qs));
    return s;
  }
  if (r.key_fields.empty()) {
    s.insert = std::make_unique<SQLite::Statement>(
        db_, fmt::format("INSERT INTO {} ({}_batch, _file, _line, _loc, _hash, _dup) VALUES ({}?, ?, ?, ?, ?, ?) "
                         "ON CONFLICT(_hash, _dup) DO NOTHING",
                         t, cols, qs));
    s.select_hash = std::make_unique<SQLite::Statement>(
        db_, fmt::format("SELECT _batch, _file, _line, _loc FROM {} WHERE _hash = ? AND _dup = ?", t));
  } else {
    std::string key_cols;
    for (auto k : r.key_fields) key_cols += (key_cols.empty() ? "" : ", ") + quote_ident(r.fields[k].name);
    s.insert = std::make_unique<SQLite::Statement>(
        db_, fmt::format("INSERT INTO {} ({}_batch, _file, _line, _loc) VALUES ({}?, ?, ?, ?) ON CONFLICT({}) DO NOTHING",
                         t, cols, qs, key_cols));
    s.select = std::make_unique<SQLite::Statement>(
        db_, fmt::format("SELECT _row, _batch, _file, _line, _loc, {}0 FROM {} WHERE {}", cols, t, key_where));
    s.history = std::make_unique<SQLite::Statement>(
        db_, fmt::format("INSERT INTO {} (_row, {}_batch, _file, _line, _loc, _replaced_by) "
                         "SELECT _row, {}_batch, _file, _line, _loc, ? FROM {} WHERE _row = ?",
                         quote_ident(store::history_table(r.name)), cols, cols, t));
    s.update = std::make_unique<SQLite::Statement>(
        db_, fmt::format("UPDATE {} SET {}_batch = ?, _file = ?, _line = ?, _loc = ? WHERE _row = ?", t, sets));
  }
  return s;
}

Outcome Batch::write(FileState& f, std::uint32_t rec, const std::vector<Value>& vals, std::uint32_t line,
                     std::string_view loc, FirstSeen* first) {
  const RecordType& r = schema().records[rec];
  RecordStatements& s = statements(rec);
  auto bind_prov = [&](SQLite::Statement& st, int at) {
    st.bind(at, static_cast<int64_t>(batch_));
    st.bind(at + 1, static_cast<int64_t>(f.id));
    if (line) st.bind(at + 2, static_cast<int64_t>(line)); else st.bind(at + 2);
    if (loc.empty()) st.bind(at + 3); else st.bind(at + 3, std::string(loc));  // text (a pointer+size overload would bind a blob)
  };
  if (bulk_[rec]) {
    auto& ins = *s.insert;
    ins.reset();
    for (int i = 0; i < s.n; ++i) bind_value(ins, i + 1, vals[i]);
    bind_prov(ins, s.n + 1);
    if (r.key_fields.empty()) {
      ins.bind(s.n + 5, static_cast<int64_t>(content_hash(vals)));
      ins.bind(s.n + 6, static_cast<int64_t>(0));  // numbered in finish_loading()
    }
    ins.exec();
    return Outcome::inserted;
  }
  auto claim = [&](const std::string& k) -> bool {
    touch_->reset();
    touch_->bind(1, static_cast<int64_t>(rec));
    touch_->bind(2, k.data(), static_cast<int>(k.size()));
    touch_->bind(3, static_cast<int64_t>(f.id));
    touch_->bind(4, static_cast<int64_t>(line));
    if (loc.empty()) touch_->bind(5); else touch_->bind(5, std::string(loc));
    touch_->exec();
    if (db_.getChanges() == 1) return true;
    touched_->reset();
    touched_->bind(1, static_cast<int64_t>(rec));
    touched_->bind(2, k.data(), static_cast<int>(k.size()));
    if (first && touched_->executeStep()) {
      first->file = touched_->getColumn(0).getInt64();
      first->line = static_cast<std::uint32_t>(touched_->getColumn(1).getInt64());
      first->loc = touched_->getColumn(2).getString();
    }
    return false;
  };

  if (r.key_fields.empty()) {
    // Re-imported exports are mostly unchanged rows: look before inserting, so that an
    // unchanged row costs one lookup (and its claim) rather than a failed insert too.
    const std::int64_t h = content_hash(vals);
    for (std::int64_t dup = 0;; ++dup) {
      auto& sel = *s.select_hash;
      sel.reset();
      sel.bind(1, static_cast<int64_t>(h));
      sel.bind(2, static_cast<int64_t>(dup));
      if (sel.executeStep()) {
        bool this_batch = sel.getColumn(0).getInt64() == batch_;  // an earlier identical row of this batch
        sel.reset();
        // The same content from an earlier batch: this occurrence matches it unless an earlier
        // occurrence in this batch already did.
        if (!this_batch && claim(fmt::format("{}:{}", h, dup))) return Outcome::unchanged;
        continue;
      }
      sel.reset();
      auto& ins = *s.insert;
      ins.reset();
      for (int i = 0; i < s.n; ++i) bind_value(ins, i + 1, vals[i]);
      bind_prov(ins, s.n + 1);
      ins.bind(s.n + 5, static_cast<int64_t>(h));
      ins.bind(s.n + 6, static_cast<int64_t>(dup));
      ins.exec();
      if (db_.getChanges() == 1) return Outcome::inserted;
    }
  }

  auto& sel = *s.select;
  sel.reset();
  int at = 1;
  for (auto k : r.key_fields) bind_value(sel, at++, vals[k]);
  if (!sel.executeStep()) {
    sel.reset();
    auto& ins = *s.insert;
    ins.reset();
    for (int i = 0; i < s.n; ++i) bind_value(ins, i + 1, vals[i]);
    bind_prov(ins, s.n + 1);
    ins.exec();
    if (db_.getChanges() != 1) throw std::runtime_error("key appeared during import");
    return Outcome::inserted;
  }
  const std::int64_t row = sel.getColumn(0).getInt64();
  if (sel.getColumn(1).getInt64() == batch_) {
    if (first) {
      first->file = sel.getColumn(2).getInt64();
      first->line = static_cast<std::uint32_t>(sel.getColumn(3).getInt64());
      first->loc = sel.getColumn(4).getString();
    }
    return Outcome::duplicate;
  }
  bool same = true;
  for (int i = 0; i < s.n && same; ++i) same = same_value(sel.getColumn(5 + i), vals[i]);
  sel.reset();
  // A key matched in an earlier batch is remembered, so that a second record with the same
  // key in this batch is still a duplicate even when the first left the stored row alone.
  std::string k;
  for (auto kf : r.key_fields) k += value_text(vals[kf]) + '\x1f';
  if (!claim(k)) return Outcome::duplicate;
  if (same) return Outcome::unchanged;
  auto& hist = *s.history;
  hist.reset();
  hist.bind(1, static_cast<int64_t>(batch_));
  hist.bind(2, static_cast<int64_t>(row));
  hist.exec();
  auto& upd = *s.update;
  upd.reset();
  for (int i = 0; i < s.n; ++i) bind_value(upd, i + 1, vals[i]);
  bind_prov(upd, s.n + 1);
  upd.bind(s.n + 5, static_cast<int64_t>(row));
  upd.exec();
  return Outcome::updated;
}

void Batch::finish_loading() {
  stmts_.clear();
  // Reference indexes first: the reference checks that follow then probe the parents in key
  // order, which keeps their pages in the cache.
  for (const auto& sql : deferred_indexes_) db_.exec(sql);
  for (const auto& r : schema().records) {
    if (!bulk_[r.index]) continue;
    const std::string t = quote_ident(r.name);
    // Most batches have no duplicates: try the unique index first (one sort); only when that
    // fails look for the duplicates.
    try {
      db_.exec(store::unique_index_sql(r));  // a failing statement undoes itself
      continue;
    } catch (const SQLite::Exception& ex) {
      if (ex.getErrorCode() != SQLITE_CONSTRAINT) throw;
    }
    if (r.key_fields.empty()) {
      // Identical rows of one batch are told apart by their occurrence number.
      db_.exec(fmt::format("UPDATE {t} SET _dup = x.n FROM (SELECT _row AS r, row_number() OVER (PARTITION BY _hash "
                           "ORDER BY _row) - 1 AS n FROM {t}) AS x WHERE {t}._row = x.r AND x.n > 0",
                           fmt::arg("t", t)));
      db_.exec(store::unique_index_sql(r));
      continue;
    }
    std::string keys, vals;
    for (auto k : r.key_fields) keys += (keys.empty() ? "" : ", ") + quote_ident(r.fields[k].name);
    SQLite::Statement dups(db_, fmt::format("SELECT _file, _line, _loc, {k} FROM {t} WHERE ({k}) IN (SELECT {k} FROM {t} "
                                            "GROUP BY {k} HAVING count(*) > 1) ORDER BY {k}, _row",
                                            fmt::arg("k", keys), fmt::arg("t", t)));
    std::string prev_key;
    FirstSeen first;
    bool any = false;
    const int nk = static_cast<int>(r.key_fields.size());
    while (dups.executeStep()) {
      any = true;
      std::string key;
      for (int i = 0; i < nk; ++i) key += (i ? ", " : "") + dups.getColumn(3 + i).getString();
      FirstSeen here{dups.getColumn(0).getInt64(), static_cast<std::uint32_t>(dups.getColumn(1).getInt64()),
                     dups.getColumn(2).getString()};
      if (key != prev_key) {
        prev_key = key;
        first = here;
        continue;
      }
      FileState* fs = nullptr;
      for (auto& x : files_)
        if (x.id == here.file) fs = &x;
      if (!fs) continue;
      ImportError e;
      e.code = code::kDuplicateKey;
      e.line = here.line;
      e.location = here.loc;
      e.record = r.name;
      if (nk == 1) {
        e.field = r.fields[r.key_fields[0]].name;
        if (fs->record == static_cast<int>(r.index) && r.key_fields[0] < fs->columns.size())
          e.column = fs->columns[r.key_fields[0]];
      }
      if (fs->workbook) place_in_sheet(*fs, e, here.loc, nk == 1 ? static_cast<int>(r.key_fields[0]) : -1);
      std::string at = file_path(first.file);
      if (first.line) at += fmt::format(":{}", first.line);
      if (!first.loc.empty()) at += " " + first.loc;
      e.message = fmt::format("duplicate key '{}': the same {} is also at {}", key, r.name, at);
      error(*fs, std::move(e));
    }
    // With duplicates the import is rejected anyway; a plain index still serves the
    // reference checks that follow.
    db_.exec(store::unique_index_sql(r, !any));
  }
}

void Batch::check_references() {
  const auto& s = schema();
  for (const auto& r : s.records) {
    for (std::size_t fi = 0; fi < r.fields.size(); ++fi) {
      const auto& f = r.fields[fi];
      if (!f.ref || f.ref->unchecked || f.ref->target >= s.records.size()) continue;
      const RecordType& target = s.records[f.ref->target];
      if (target.key_fields.size() != 1) continue;
      const auto& key = target.fields[target.key_fields[0]];
      // Fast path: walk the reference index alone (it is small and sorted, so the parent
      // lookups are in key order) and stop at the first value that resolves to nothing. Rows
      // of earlier batches resolved when they came in and imports never delete, so any hit
      // is in this batch; only then read the rows themselves for their locations.
      SQLite::Statement any(db_, fmt::format("SELECT 1 FROM {c} c INDEXED BY {i} WHERE c.{f} IS NOT NULL AND NOT EXISTS "
                                             "(SELECT 1 FROM {p} p WHERE p.{k} = c.{f}) LIMIT 1",
                                             fmt::arg("f", quote_ident(f.name)), fmt::arg("c", quote_ident(r.name)),
                                             fmt::arg("i", quote_ident(store::index_name(r, f))),
                                             fmt::arg("p", quote_ident(target.name)),
                                             fmt::arg("k", quote_ident(key.name))));
      if (!any.executeStep()) continue;
      SQLite::Statement q(db_, fmt::format("SELECT c._file, c._line, c._loc, c.{f} FROM {c} c WHERE c._batch = ? AND "
                                           "c.{f} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {p} p WHERE p.{k} = c.{f}) "
                                           "ORDER BY c._file, c._row",
                                           fmt::arg("f", quote_ident(f.name)), fmt::arg("c", quote_ident(r.name)),
                                           fmt::arg("p", quote_ident(target.name)), fmt::arg("k", quote_ident(key.name))));
      q.bind(1, static_cast<int64_t>(batch_));
      while (q.executeStep()) {
        std::int64_t file = q.getColumn(0).getInt64();
        FileState* fs = nullptr;
        for (auto& x : files_)
          if (x.id == file) fs = &x;
        if (!fs) continue;
        ImportError e;
        e.code = code::kReference;
        e.line = static_cast<std::uint32_t>(q.getColumn(1).getInt64());
        e.location = q.getColumn(2).getString();
        if (!e.location.empty()) e.location += (fs->result.format == "xml" ? "/@" : "/") + f.name;
        if (fs->record == static_cast<int>(r.index) && fi < fs->columns.size()) e.column = fs->columns[fi];
        if (fs->workbook) place_in_sheet(*fs, e, q.getColumn(2).getString(), static_cast<int>(fi));
        e.record = r.name;
        e.field = f.name;
        e.message = fmt::format("'{}' names no {} (not in this import, not in the store)",
                                q.getColumn(3).getString(), target.name);
        error(*fs, std::move(e));
      }
    }
  }
}

void Batch::finish() {
  for (auto& f : files_) {
    result_.files.push_back(f.result);
    result_.rows_read += f.result.rows_read;
    result_.rows_new += f.result.rows_new;
    result_.rows_updated += f.result.rows_updated;
    result_.rows_unchanged += f.result.rows_unchanged;
  }
  result_.ok = result_.error_count == 0;
  // Statements must be finalised before the transaction ends.
  stmts_.clear();
  touch_.reset();
  touched_.reset();
  if (!result_.ok) {
    tx_.reset();  // rolls back: a rejected import
    return;
  }
  if (options_.vet) {
    auto errors = options_.vet(store_, result_);
    if (!errors.empty()) {
      result_.error_count += errors.size();
      for (auto& e : errors) result_.errors.push_back(std::move(e));
      result_.ok = false;
      tx_.reset();  // rolls back: a rejected import
      return;
    }
  }
  if (options_.before_commit) options_.before_commit(store_, result_);
  if (!options_.commit || result_.rows_new + result_.rows_updated == 0) {
    tx_.reset();  // rolls back: a dry run, or an import that would change nothing
    return;
  }
  try {
    for (auto& f : files_) {
      SQLite::Statement u(db_, "UPDATE _batch_file SET rows_read = ?, rows_new = ?, rows_updated = ?, rows_unchanged = ? "
                               "WHERE id = ?");
      u.bind(1, static_cast<int64_t>(f.result.rows_read));
      u.bind(2, static_cast<int64_t>(f.result.rows_new));
      u.bind(3, static_cast<int64_t>(f.result.rows_updated));
      u.bind(4, static_cast<int64_t>(f.result.rows_unchanged));
      u.bind(5, static_cast<int64_t>(f.id));
      u.exec();
    }
    SQLite::Statement u(db_, "UPDATE _batch SET finished_at = ?, rows_read = ?, rows_new = ?, rows_updated = ?, "
                             "rows_unchanged = ? WHERE id = ?");
    u.bind(1, store::utc_now());
    u.bind(2, static_cast<int64_t>(result_.rows_read));
    u.bind(3, static_cast<int64_t>(result_.rows_new));
    u.bind(4, static_cast<int64_t>(result_.rows_updated));
    u.bind(5, static_cast<int64_t>(result_.rows_unchanged));
    u.bind(6, static_cast<int64_t>(batch_));
    u.exec();
    store::pause_point("import-commit");
    tx_->commit();
    result_.batch = batch_;
  } catch (const std::exception& ex) {
    tx_.reset();
    result_.ok = false;
    result_.batch = 0;
    store::throw_store_error(store_.path(), ex, "committing the import");
  }
}

int parent_field(const dsl::model::Schema& s, std::uint32_t child, std::uint32_t parent) {
  const auto& r = s.records[child];
  for (std::size_t i = 0; i < r.fields.size(); ++i)
    if (r.fields[i].ref && r.fields[i].ref->target == parent) return static_cast<int>(i);
  return -1;
}

bool check_required(Batch& b, FileState& f, const RecordType& r, const std::vector<Value>& vals,
                    const ImportError& where, const std::vector<std::uint32_t>* columns) {
  bool ok = true;
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    const auto& fd = r.fields[i];
    if (!vals[i].is_null() || (fd.optional && !fd.key)) continue;
    ImportError e = where;
    e.code = code::kRequired;
    e.record = r.name;
    e.field = fd.name;
    if (columns && i < columns->size()) e.column = (*columns)[i];
    if (f.workbook)
      e.location = sheet_place(where.location, e.line, e.column);
    else if (!e.location.empty())
      e.location += (f.result.format == "xml" ? "/@" : "/") + fd.name;
    e.message = fd.key ? "key field is missing" : "required field is missing";
    b.error(f, std::move(e));
    ok = false;
  }
  return ok;
}

void stage(Batch& b, FileState& f, std::uint32_t rec, const std::vector<Value>& vals, const ImportError& where) {
  if (const std::string& why = b.refused(rec); !why.empty()) {
    ImportError e = where;
    e.code = code::kStructure;
    e.record = b.schema().records[rec].name;
    if (f.workbook) place_in_sheet(f, e, where.location, -1);
    e.message = why;
    b.error(f, std::move(e));
    return;
  }
  FirstSeen first;
  switch (b.write(f, rec, vals, where.line, where.location, &first)) {
    case Outcome::inserted: ++f.result.rows_new; b.note_key(rec, vals); break;
    case Outcome::updated: ++f.result.rows_updated; b.note_key(rec, vals); break;
    case Outcome::unchanged: ++f.result.rows_unchanged; b.note_key(rec, vals); break;
    case Outcome::duplicate: {
      const RecordType& r = b.schema().records[rec];
      std::string key;
      for (auto k : r.key_fields) key += (key.empty() ? "" : ", ") + value_text(vals[k]);
      ImportError e = where;
      e.code = code::kDuplicateKey;
      e.record = r.name;
      if (r.key_fields.size() == 1) {
        e.field = r.fields[r.key_fields[0]].name;
        if (f.record == static_cast<int>(rec) && r.key_fields[0] < f.columns.size()) e.column = f.columns[r.key_fields[0]];
      }
      if (f.workbook)
        place_in_sheet(f, e, where.location, r.key_fields.size() == 1 ? static_cast<int>(r.key_fields[0]) : -1);
      std::string at = b.file_path(first.file);
      if (first.line) at += fmt::format(":{}", first.line);
      if (!first.loc.empty()) at += " " + first.loc;
      e.message = fmt::format("duplicate key '{}': the same {} is also at {}", key, r.name, at);
      b.error(f, std::move(e));
      break;
    }
  }
}

}  // namespace eco::engine::ingest::detail
