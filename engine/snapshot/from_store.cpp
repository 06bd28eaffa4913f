#include "engine/snapshot/from_store.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
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

// Rows read from the store, on their way to the SnapshotBuilder on another thread. Texts are
// copied into `text` (SQLite's buffers last only until the next step): a text cell holds its
// offset in `i` until the batch is complete, then views `text`.
struct RowBatch {
  std::uint32_t record = 0;
  std::size_t reserve = 0;  // a row count hint for the record type, before its first rows
  std::size_t rows = 0;
  std::vector<SnapshotBuilder::Cell> cells;  // rows x fields
  std::vector<Provenance> provenance;
  std::string text;
};

// Points a complete batch's text cells at its text.
void seal(RowBatch& b) {
  for (auto& c : b.cells)
    if (c.kind == SnapshotBuilder::Cell::Kind::text)
      c.s = std::string_view(b.text.data() + c.i, static_cast<std::size_t>(c.d));
}

// Reading the store (SQLite's stepping and decoding) and building the snapshot (interning,
// indexing, appending to columns) take about as long as each other: the builder runs on a
// second thread, fed batches of rows through this queue, so that both cores work. Memory is
// bounded: at most kBatches batches exist at a time.
class BuildPipeline {
 public:
  static constexpr std::size_t kRows = 4096, kBatches = 4;

  explicit BuildPipeline(SnapshotBuilder& b) : builder_(b), worker_([this] { run(); }) {
    for (std::size_t i = 0; i < kBatches; ++i) free_.push_back(std::make_unique<RowBatch>());
  }
  ~BuildPipeline() {
    try {
      stop();
    } catch (...) {  // unwinding already: the first error is the one reported
    }
  }

  // A batch to fill (waits while the builder holds all of them).
  std::unique_ptr<RowBatch> take() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    auto b = std::move(free_.back());
    free_.pop_back();
    b->rows = 0;
    b->reserve = 0;
    b->cells.clear();
    b->provenance.clear();
    b->text.clear();
    return b;
  }
  void give(std::unique_ptr<RowBatch> b) {
    {
      std::lock_guard lock(m_);
      full_.push_back(std::move(b));
    }
    cv_.notify_all();
  }
  // Waits until every batch given is in the snapshot; the builder is then free to finish().
  // Rethrows what the builder threw (out of memory), once.
  void stop() {
    {
      std::lock_guard lock(m_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    worker_.join();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  void run() {
    for (;;) {
      std::unique_ptr<RowBatch> b;
      {
        std::unique_lock lock(m_);
        cv_.wait(lock, [&] { return !full_.empty() || stopping_; });
        if (full_.empty()) return;  // stopping, and nothing left
        b = std::move(full_.front());
        full_.pop_front();
      }
      try {
        if (!error_) {
          if (b->reserve) builder_.reserve(b->record, b->reserve);
          const std::size_t nf = b->rows ? b->cells.size() / b->rows : 0;
          for (std::size_t r = 0; r < b->rows; ++r)
            builder_.add_cells(b->record, std::span(b->cells.data() + r * nf, nf), b->provenance[r]);
        }
      } catch (...) {
        error_ = std::current_exception();  // the rest is drained unread; stop() rethrows
      }
      {
        std::lock_guard lock(m_);
        free_.push_back(std::move(b));
      }
      cv_.notify_all();
    }
  }

  SnapshotBuilder& builder_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<RowBatch>> free_;
  std::deque<std::unique_ptr<RowBatch>> full_;
  bool stopping_ = false;
  std::exception_ptr error_;  // written by the worker, read after join
  std::thread worker_;  // last: started once the rest exists
};

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
    using Cell = SnapshotBuilder::Cell;
    BuildPipeline pipeline(builder);  // stopped (joined) before `builder` is used again or dies
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
      auto batch = pipeline.take();
      batch->record = r.index;
      {
        // Row ids are dense (imports only append and never delete): the largest is the row
        // count, read from the end of the table's b-tree without a scan. Only a hint, capped so
        // that a store edited by hand with a huge row id cannot make it allocate for nothing.
        SQLite::Statement n(db, "SELECT max(_row) FROM " + store::quote_ident(r.name));
        if (n.executeStep() && !n.getColumn(0).isNull()) {
          const std::int64_t max_row = n.getColumn(0).getInt64();
          if (max_row > 0) batch->reserve = static_cast<std::size_t>(std::min<std::int64_t>(max_row, 1 << 25));
        }
      }
      std::int64_t last_batch = -1;
      for (;;) {
        const int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) throw SQLite::Exception(db.getHandle(), rc);
        const std::size_t first = batch->cells.size();
        batch->cells.resize(first + static_cast<std::size_t>(nf));
        for (int i = 0; i < nf; ++i) {
          Cell& cell = batch->cells[first + static_cast<std::size_t>(i)];
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
              // Copied: SQLite's buffer lasts until the next step. The view is set once the
              // batch's text no longer grows.
              const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
              const auto len = static_cast<std::size_t>(sqlite3_column_bytes(st, i));
              cell.kind = Cell::Kind::text;
              cell.i = static_cast<std::int64_t>(batch->text.size());
              cell.s = std::string_view(nullptr, 0);
              cell.d = static_cast<double>(len);
              batch->text.append(p ? p : "", len);
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
        batch->provenance.push_back(p);
        ++batch->rows;
        ++rows;
        if (batch->rows == BuildPipeline::kRows) {
          seal(*batch);
          pipeline.give(std::move(batch));
          batch = pipeline.take();
          batch->record = r.index;
        }
      }
      seal(*batch);
      pipeline.give(std::move(batch));
    }
    pipeline.stop();
    return LoadedSnapshot{builder.finish(), std::vector<std::int64_t>(batches.begin(), batches.end()), rows};
  } catch (const SQLite::Exception& e) {
    throw store::StoreError(fmt::format("reading the store {}: {}", st.path().string(), e.what()));
  }
}

}  // namespace eco::engine
