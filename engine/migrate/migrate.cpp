// migrate(): the rebuild. Every record table is copied row by row into a table of the new
// layout (so a value that cannot be converted is reported with its row, and nothing is
// coerced), then the old tables are dropped and the new ones renamed, all in one transaction
// with SQLite's foreign-key enforcement off (it cannot be switched inside a transaction, and a
// half-renamed schema would trip it); references are checked by PRAGMA foreign_key_check
// before the commit instead.
#include "engine/migrate/migrate.hpp"

#include <sqlite3.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/ingest/values.hpp"
#include "engine/store/schema_sql.hpp"

namespace eco::engine::migrate {

namespace {

using dsl::model::Field;
using dsl::model::RecordType;
using ingest::Value;
using store::quote_ident;

std::string new_table(std::string_view record, bool history) {
  return std::string(history ? "_migrating_history_" : "_migrating_") + std::string(record);
}

ingest::Check check_of(const Field& f) {
  switch (f.validator) {
    case dsl::model::Validator::uscc: return ingest::Check::uscc;
    case dsl::model::Validator::hw_category: return ingest::Check::hw_category;
    default: return ingest::Check::none;
  }
}

Value read(const SQLite::Column& c) {
  Value v;
  switch (c.getType()) {
    case SQLITE_INTEGER: v.set_int(c.getInt64()); break;
    case SQLITE_FLOAT: v.set_real(c.getDouble()); break;
    case SQLITE_TEXT:
    case SQLITE_BLOB: v.set_text(std::string_view(static_cast<const char*>(c.getBlob()), c.getBytes())); break;
    default: break;
  }
  return v;
}

// A stored value as the text an import would have read it from; a bool is 1/0, or true/false
// when it becomes a string (`as_words`).
std::string text_of(const Value& v, std::string_view stored_type, bool as_words = false) {
  switch (v.kind) {
    case Value::Kind::integer:
      if (stored_type == "bool" && as_words) return v.i ? "true" : "false";
      return std::to_string(v.i);
    case Value::Kind::real: return fmt::format("{}", v.d);
    case Value::Kind::text: return v.s;
    case Value::Kind::null: return "";
  }
  return "";
}

void bind(SQLite::Statement& st, int idx, const Value& v) {
  switch (v.kind) {
    case Value::Kind::null: st.bind(idx); break;
    case Value::Kind::integer: st.bind(idx, static_cast<std::int64_t>(v.i)); break;
    case Value::Kind::real: st.bind(idx, v.d); break;
    case Value::Kind::text: st.bind(idx, v.s); break;
  }
}

struct Copier {
  SQLite::Database& db;
  const dsl::model::Schema& schema;
  Result& result;
  const Options& options;

  void error(std::string message) {
    ++result.error_count;
    if (result.errors.size() < options.max_errors) result.errors.push_back(std::move(message));
  }

  // The new value of one field of one stored row (`row`: the stored values by column, in the
  // order of the plan's sources); false after reporting why there is none.
  bool value(const RecordType& r, const FieldPlan& fp, const std::vector<Value>& row,
             const std::vector<int>& column_of, std::string_view where, Value& out, bool& changed) {
    const Field& f = r.fields[fp.field];
    changed = false;
    out = fp.source.empty() ? Value{} : row[column_of[fp.field]];
    if (!out.is_null()) {
      std::string text = text_of(out, fp.stored_type, f.type.kind == dsl::model::Kind::string);
      bool recode = fp.convert;
      if (auto it = fp.value_map.find(text); it != fp.value_map.end()) {
        text = it->second;
        recode = true;
      } else if (auto sp = fp.splits.find(text); sp != fp.splits.end()) {
        const dsl::model::MigrationStep& step = *sp->second;
        const std::string* pick = nullptr;
        for (const auto& c : step.choices) {
          if (c.when_field.empty()) {
            pick = &c.value;
            break;
          }
          const int wf = r.find_field(c.when_field);
          if (wf >= 0 && column_of[wf] >= 0 && !row[column_of[wf]].is_null() &&
              text_of(row[column_of[wf]], "") == c.when_value) {
            pick = &c.value;
            break;
          }
        }
        if (!pick) {
          error(fmt::format("{}: {}.{} is '{}', which the split of '{}' maps to no value (no `when` holds, and there "
                            "is no choice without one)",
                            where, r.name, f.name, text, step.from));
          return false;
        }
        text = *pick;
        recode = true;
      }
      if (recode) {
        const std::string problem = ingest::convert_text(f, check_of(f), text, out);
        if (!problem.empty()) {
          error(fmt::format("{}: {}.{}: {}", where, r.name, f.name, problem));
          return false;
        }
        changed = true;
      }
    }
    if (out.is_null() && fp.default_text) {
      const std::string problem = ingest::convert_text(f, check_of(f), *fp.default_text, out);
      if (!problem.empty()) {
        error(fmt::format("{}.{}: the default: {}", r.name, f.name, problem));
        return false;
      }
      changed = true;
    }
    if (out.is_null() && !f.optional) {
      error(fmt::format("{}: {}.{} has no value and the field is required", where, r.name, f.name));
      return false;
    }
    return true;
  }

  // Copies the stored rows (or history versions) of `rp` into the new table; returns the
  // number of rows read.
  std::int64_t copy(const RecordPlan& rp, bool history, RecordCount& count) {
    const RecordType& r = schema.records[rp.record];
    // The stored columns read, and where each field's source is among them.
    std::vector<std::string> sources;
    std::vector<int> column_of(r.fields.size(), -1);
    auto add_source = [&](const std::string& col) -> int {
      for (std::size_t i = 0; i < sources.size(); ++i)
        if (sources[i] == col) return static_cast<int>(i);
      sources.push_back(col);
      return static_cast<int>(sources.size() - 1);
    };
    for (const auto& fp : rp.fields)
      if (!fp.source.empty()) column_of[fp.field] = add_source(fp.source);
    std::string select = "SELECT _row, _batch, _file, _line, _loc";
    if (history) select += ", _replaced_by";
    for (const auto& c : sources) select += ", " + quote_ident(c);
    select += fmt::format(" FROM {} ORDER BY _row", quote_ident(history ? store::history_table(rp.source) : rp.source));

    const bool keyless = !history && r.key_fields.empty();
    std::string cols = "_row, _batch, _file, _line, _loc", marks = "?, ?, ?, ?, ?";
    if (history) cols += ", _replaced_by", marks += ", ?";
    if (keyless) cols += ", _hash, _dup", marks += ", ?, 0";
    for (const auto& f : r.fields) cols += ", " + quote_ident(f.name), marks += ", ?";
    SQLite::Statement ins(db, fmt::format("INSERT INTO {} ({}) VALUES ({})", quote_ident(new_table(r.name, history)),
                                          cols, marks));
    SQLite::Statement q(db, select);
    const int fixed = history ? 6 : 5;
    std::int64_t n = 0;
    std::vector<Value> row(sources.size()), out(r.fields.size());
    while (q.executeStep()) {
      ++n;
      const std::int64_t rowid = q.getColumn(0).getInt64();
      for (std::size_t i = 0; i < sources.size(); ++i) row[i] = read(q.getColumn(fixed + static_cast<int>(i)));
      const std::string where = fmt::format("{} {} _row {}", history ? "history version of" : "row of",
                                            rp.source, rowid);
      bool ok = true;
      for (const auto& fp : rp.fields) {
        bool changed = false;
        if (!value(r, fp, row, column_of, where, out[fp.field], changed)) ok = false;
        if (changed) ++count.values_changed;
      }
      if (!ok || result.error_count > 0) continue;  // after an error: only look for more
      int idx = 1;
      for (int c = 0; c < fixed; ++c) bind(ins, idx++, read(q.getColumn(c)));
      if (keyless) ins.bind(idx++, static_cast<std::int64_t>(ingest::content_hash(out)));
      for (const auto& v : out) bind(ins, idx++, v);
      ins.exec();
      ins.reset();
    }
    return n;
  }
};

std::int64_t count_rows(SQLite::Database& db, const std::string& table) {
  return db.execAndGet("SELECT count(*) FROM " + quote_ident(table)).getInt64();
}

}  // namespace

Result migrate(store::Store& st, const Options& options) {
  Result result;
  SQLite::Database& db = st.db();
  const auto& schema = st.schema();
  result.version_before = st.version();
  result.plan = plan(st.recorded_schema(), schema);
  if (result.plan.up_to_date || !result.plan.differences.empty()) return result;
  result.version_after = store::schema_version(schema);

  // Foreign-key enforcement is a connection setting SQLite ignores inside a transaction.
  db.exec("PRAGMA foreign_keys = OFF");
  struct Restore {
    SQLite::Database& db;
    ~Restore() {
      try {
        db.exec("PRAGMA foreign_keys = ON");
      } catch (...) {  // a destructor never throws; the connection is closed after a migration anyway
      }
    }
  } restore{db};
  try {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    Copier copier{db, schema, result, options};
    for (const auto& rp : result.plan.records) {
      const RecordType& r = schema.records[rp.record];
      RecordCount c;
      c.record = r.name;
      c.source = rp.source;
      if (!rp.source.empty()) {
        db.exec(store::create_table_sql(schema, r, new_table(r.name, false), false));
        db.exec(store::create_table_sql(schema, r, new_table(r.name, true), true));
        c.rows_before = copier.copy(rp, false, c);
        c.history_before = copier.copy(rp, true, c);
      }
      result.counts.push_back(std::move(c));
    }
    if (result.error_count > 0) return result;  // rolled back

    for (const auto& rp : result.plan.records) {
      if (rp.source.empty()) continue;
      db.exec("DROP TABLE " + quote_ident(rp.source));
      db.exec("DROP TABLE " + quote_ident(store::history_table(rp.source)));
    }
    for (const auto& rp : result.plan.records) {
      if (rp.source.empty()) continue;
      const std::string& name = schema.records[rp.record].name;
      db.exec(fmt::format("ALTER TABLE {} RENAME TO {}", quote_ident(new_table(name, false)), quote_ident(name)));
      db.exec(fmt::format("ALTER TABLE {} RENAME TO {}", quote_ident(new_table(name, true)),
                          quote_ident(store::history_table(name))));
    }
    for (const auto& rp : result.plan.records) {
      const RecordType& r = schema.records[rp.record];
      if (r.key_fields.empty() && !rp.source.empty())
        // Rows whose content became the same are told apart by their occurrence number, as
        // an import numbers them.
        db.exec(fmt::format("UPDATE {t} SET _dup = x.n FROM (SELECT _row AS r, row_number() OVER (PARTITION BY _hash "
                            "ORDER BY _row) - 1 AS n FROM {t}) AS x WHERE {t}._row = x.r AND x.n > 0",
                            fmt::arg("t", quote_ident(r.name))));
      for (const auto& sql : store::create_record_sql(schema, r)) {
        try {
          db.exec(sql);
        } catch (const SQLite::Exception& ex) {
          if ((ex.getErrorCode() & 0xff) != SQLITE_CONSTRAINT) throw;
          std::string keys;
          for (auto k : r.key_fields) keys += (keys.empty() ? "" : ", ") + quote_ident(r.fields[k].name);
          SQLite::Statement dups(db, fmt::format("SELECT group_concat(_row, ', ') FROM {} GROUP BY {} HAVING count(*) > 1",
                                                 quote_ident(r.name), keys));
          while (dups.executeStep())
            copier.error(fmt::format("{}: rows {} would have the same key after the migration", r.name,
                                     dups.getColumn(0).getString()));
          return result;  // rolled back
        }
      }
    }
    {
      SQLite::Statement fk(db, "PRAGMA foreign_key_check");
      while (fk.executeStep())
        copier.error(fmt::format("{} _row {}: its reference to {} names no record after the migration",
                                 fk.getColumn(0).getString(), fk.getColumn(1).getInt64(), fk.getColumn(2).getString()));
      if (result.error_count > 0) return result;
    }
    std::int64_t rows = 0, versions = 0;
    for (auto& c : result.counts) {
      c.rows_after = count_rows(db, c.record);
      c.history_after = count_rows(db, store::history_table(c.record));
      if (c.rows_after != c.rows_before || c.history_after != c.history_before)
        throw store::StoreError(fmt::format("{}: {} rows and {} history versions before, {} and {} after; nothing was "
                                            "written",
                                            c.record, c.rows_before, c.history_before, c.rows_after, c.history_after));
      rows += c.rows_after;
      versions += c.history_after;
    }
    db.exec("CREATE TABLE IF NOT EXISTS _migration (id INTEGER PRIMARY KEY, migration TEXT, applied_at TEXT NOT NULL, "
            "ruleset TEXT, ruleset_sha256 TEXT, schema_before TEXT NOT NULL, schema_after TEXT NOT NULL, "
            "rows INTEGER NOT NULL, history_rows INTEGER NOT NULL, actions TEXT NOT NULL)");
    SQLite::Statement rec(db, "INSERT INTO _migration (migration, applied_at, ruleset, ruleset_sha256, schema_before, "
                              "schema_after, rows, history_rows, actions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const std::string when = store::utc_now();
    std::vector<std::optional<std::string>> ids(result.plan.migrations.begin(), result.plan.migrations.end());
    if (ids.empty()) ids.push_back(std::nullopt);  // only changes that need no declaration
    for (const auto& id : ids) {
      if (id) rec.bind(1, *id);
      else rec.bind(1);
      rec.bind(2, when);
      rec.bind(3, options.ruleset);
      rec.bind(4, options.ruleset_sha256);
      rec.bind(5, result.version_before);
      rec.bind(6, result.version_after);
      rec.bind(7, static_cast<std::int64_t>(rows));
      rec.bind(8, static_cast<std::int64_t>(versions));
      rec.bind(9, fmt::format("{}", fmt::join(result.plan.actions, "\n")));
      rec.exec();
      rec.reset();
    }
    SQLite::Statement meta(db, "UPDATE _meta SET value = ? WHERE key = ?");
    meta.bind(1, result.version_after);
    meta.bind(2, "schema_version");
    meta.exec();
    meta.reset();
    meta.bind(1, store::describe_schema(schema));
    meta.bind(2, "schema");
    meta.exec();
    tx.commit();
    result.migrated = true;
  } catch (const store::StoreError&) {
    throw;
  } catch (const std::exception& ex) {
    throw store::StoreError(fmt::format("{}: migrating failed, nothing was written: {}", st.path().string(), ex.what()));
  }
  return result;
}

}  // namespace eco::engine::migrate
