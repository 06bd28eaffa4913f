#include "engine/snapshot/from_store.hpp"

#include <map>
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
    std::vector<std::optional<cel::Value>> values;
    for (const auto& r : schema.records) {
      SQLite::Statement q(db, select_sql(r, as_of_batch.has_value()));
      if (as_of_batch) q.bind(1, *as_of_batch);
      const int nf = static_cast<int>(r.fields.size());
      while (q.executeStep()) {
        values.assign(r.fields.size(), std::nullopt);
        for (int i = 0; i < nf; ++i) {
          SQLite::Column c = q.getColumn(i);
          if (c.isNull()) continue;
          const model::Field& f = r.fields[static_cast<std::size_t>(i)];
          switch (f.type.kind) {
            case model::Kind::bool_: values[i] = cel::Value::boolean(c.getInt64() != 0); break;
            case model::Kind::int_:
            case model::Kind::uint_: values[i] = cel::Value::integer(c.getInt64()); break;
            case model::Kind::double_: values[i] = cel::Value::dbl(c.getDouble()); break;
            case model::Kind::date: {
              auto d = dsl::parse_date(c.getText());
              if (!d)
                throw store::StoreError(fmt::format("store holds '{}' in {}.{}, which is not a date", c.getText(),
                                                    r.name, f.name));
              values[i] = cel::Value::date(*d);
              break;
            }
            default:
              // The builder copies the text into its own storage before the next step.
              values[i] = cel::Value::string_view(std::string_view(c.getText(), static_cast<std::size_t>(c.getBytes())));
              break;
          }
        }
        Provenance p;
        p.batch = q.getColumn(nf).getInt64();
        auto fi = files.find(q.getColumn(nf + 1).getInt64());
        if (fi != files.end()) p.file = fi->second;
        p.line = static_cast<std::uint32_t>(q.getColumn(nf + 2).getInt64());
        batches.insert(p.batch);
        builder.add_row(r.index, values, p);
        ++rows;
      }
    }
    return LoadedSnapshot{builder.finish(), std::vector<std::int64_t>(batches.begin(), batches.end()), rows};
  } catch (const SQLite::Exception& e) {
    throw store::StoreError(fmt::format("reading the store {}: {}", st.path().string(), e.what()));
  }
}

}  // namespace eco::engine
