#include "engine/snapshot/from_store.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <fmt/format.h>

#include "dsl/cel/value.hpp"
#include "dsl/common/date.hpp"
#include "engine/store/schema_sql.hpp"

namespace eco::engine {

namespace cel = dsl::cel;
namespace model = dsl::model;

namespace {

std::string select_sql(const model::RecordType& r, bool as_of) {
  std::string cols;
  for (const auto& f : r.fields) cols += store::quote_ident(f.name) + ", ";
  cols += "_batch, _file, _line, _row";
  const std::string table = store::quote_ident(r.name);
  if (!as_of) return fmt::format("SELECT {} FROM {} ORDER BY _row", cols, table);
  // The version current after batch ?1: written by then and not replaced by then.
  return fmt::format(
      "SELECT {0} FROM {1} WHERE _batch <= ?1 "
      "UNION ALL SELECT {0} FROM {2} WHERE _batch <= ?1 AND _replaced_by > ?1 ORDER BY _row",
      cols, table, store::quote_ident(store::history_table(r.name)));
}

}  // namespace

LoadedSnapshot load_snapshot(store::Store& st, std::optional<std::int64_t> as_of_batch) {
  const model::Schema& schema = st.schema();
  SQLite::Database& db = st.db();
  try {
    // One read transaction: every table is read from the same database state. Inside a
    // transaction that is already open (screening reads the store with its applications
    // staged, before the import's transaction ends) that one is the read transaction.
    std::optional<SQLite::Transaction> txn;
    if (sqlite3_get_autocommit(db.getHandle())) txn.emplace(db);
    if (as_of_batch) {
      SQLite::Statement q(db, "SELECT count(*) FROM _batch WHERE id = ?");
      q.bind(1, *as_of_batch);
      if (!q.executeStep() || q.getColumn(0).getInt64() == 0)
        throw store::StoreError(fmt::format("--data-as-of {}: the store has no batch {} (ecoaudit batches lists them)",
                                            *as_of_batch, *as_of_batch));
    }
    SnapshotBuilder builder(schema);
    std::map<std::int64_t, std::uint32_t> files;  // _batch_file.id -> snapshot file index
    {
      SQLite::Statement q(db, "SELECT id, path FROM _batch_file ORDER BY id");
      while (q.executeStep()) files[q.getColumn(0).getInt64()] = builder.file_index(q.getColumn(1).getString());
    }
    std::uint64_t rows = 0;
    std::set<std::int64_t> batches;
    std::vector<SnapshotBuilder::Cell> cells;
    using Cell = SnapshotBuilder::Cell;
    for (const auto& r : schema.records) {
      // Cells are read through the C API by the field's type: SQLite::Column objects (a shared
      // pointer each) and a cel::Value per cell were most of the load time of a large store.
      sqlite3_stmt* raw = nullptr;
      const std::string sql = select_sql(r, as_of_batch.has_value());
      if (int rc = sqlite3_prepare_v2(db.getHandle(), sql.c_str(), -1, &raw, nullptr); rc != SQLITE_OK)
        throw SQLite::Exception(db.getHandle(), rc);
      std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> q(raw, &sqlite3_finalize);
      sqlite3_stmt* st = q.get();
      if (as_of_batch) sqlite3_bind_int64(st, 1, *as_of_batch);
      const int nf = static_cast<int>(r.fields.size());
      cells.assign(r.fields.size(), Cell{});
      {
        // Row ids are dense (imports only append and never delete): the largest is the row
        // count, read from the end of the table's b-tree without a scan. Only a hint, capped so
        // that a store edited by hand with a huge row id cannot make it allocate for nothing.
        SQLite::Statement n(db, "SELECT max(_row) FROM " + store::quote_ident(r.name));
        if (n.executeStep() && !n.getColumn(0).isNull()) {
          const std::int64_t max_row = n.getColumn(0).getInt64();
          if (max_row > 0) builder.reserve(r.index, static_cast<std::size_t>(std::min<std::int64_t>(max_row, 1 << 25)));
        }
      }
      std::int64_t last_batch = -1;
      for (;;) {
        const int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) throw SQLite::Exception(db.getHandle(), rc);
        for (int i = 0; i < nf; ++i) {
          Cell& cell = cells[static_cast<std::size_t>(i)];
          const int type = sqlite3_column_type(st, i);
          if (type == SQLITE_NULL) {
            cell.kind = Cell::Kind::missing;
            continue;
          }
          const model::Field& f = r.fields[static_cast<std::size_t>(i)];
          switch (f.type.kind) {
            case model::Kind::bool_:
            case model::Kind::int_:
            case model::Kind::uint_:
              cell.kind = Cell::Kind::integer;
              cell.i = sqlite3_column_int64(st, i);
              break;
            case model::Kind::double_:
              cell.kind = Cell::Kind::real;
              cell.d = sqlite3_column_double(st, i);
              break;
            case model::Kind::date: {
              const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
              const std::string_view text(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
              auto d = dsl::parse_date(text);
              if (!d)
                throw store::StoreError(fmt::format("store holds '{}' in {}.{}, which is not a date", text, r.name, f.name));
              cell.kind = Cell::Kind::integer;
              cell.i = d->days;
              break;
            }
            default: {
              // The builder copies the text into its own storage before the next step.
              const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
              cell.kind = Cell::Kind::text;
              cell.s = std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
              break;
            }
          }
        }
        Provenance p;
        p.batch = sqlite3_column_int64(st, nf);
        auto fi = files.find(sqlite3_column_int64(st, nf + 1));
        if (fi != files.end()) p.file = fi->second;
        p.line = static_cast<std::uint32_t>(sqlite3_column_int64(st, nf + 2));
        if (p.batch != last_batch) batches.insert(last_batch = p.batch);
        builder.add_cells(r.index, cells, p);
        ++rows;
      }
    }
    return LoadedSnapshot{builder.finish(), std::vector<std::int64_t>(batches.begin(), batches.end()), rows};
  } catch (const SQLite::Exception& e) {
    throw store::StoreError(fmt::format("reading the store {}: {}", st.path().string(), e.what()));
  }
}

}  // namespace eco::engine
