#pragma once
// Internal to the importer: the state of one import batch (its transaction, prepared
// statements per record type, per-file results and errors) shared by the CSV, XML and JSON
// readers. Not part of the engine's public interface.
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ingest/import.hpp"
#include "engine/ingest/values.hpp"

namespace SQLite {
class Database;
class Statement;
class Transaction;
}  // namespace SQLite

namespace eco::engine::ingest::detail {

// One input file of the batch.
struct FileState {
  FileResult result;
  std::int64_t id = 0;  // _batch_file.id, the provenance of its rows
  std::size_t kept = 0; // errors stored so far
  // CSV only: record type of the file and, per field, its 1-based column (0 = absent).
  int record = -1;
  std::vector<std::uint32_t> columns;
  // Workbooks (.xlsx, .xls): the record sheets read, each with, per field, its 1-based column.
  // A row's provenance location (_loc) is its sheet's name.
  struct Sheet {
    std::string name;
    int record = -1;
    std::vector<std::uint32_t> columns;
  };
  bool workbook = false;
  std::deque<Sheet> sheets;
  // The sheet of a workbook file by name, or nullptr.
  const Sheet* sheet(std::string_view name) const;
  // Set once the file itself is refused (its encoding, or it changed while read): its other
  // errors would be about bytes misread, so they are dropped and no more are kept.
  bool refused = false;
};

enum class Outcome : std::uint8_t { inserted, updated, unchanged, duplicate };

// Where the earlier record with the same key came from (for Outcome::duplicate).
struct FirstSeen {
  std::int64_t file = 0;
  std::uint32_t line = 0;
  std::string loc;
};

class Batch {
 public:
  Batch(store::Store& store, const ImportOptions& options, ImportResult& result);
  ~Batch();

  const dsl::model::Schema& schema() const;
  const ImportOptions& options() const { return options_; }

  // Starts the transaction (BEGIN IMMEDIATE) and the batch row.
  void begin();
  // Registers a file (its _batch_file row); the returned state stays valid for the batch.
  FileState& add_file(FileResult r);
  // Records an error of `f` (kept up to the cap, always counted). Thread-safe.
  void error(FileState& f, ImportError e);
  // Refuses the file as a whole: `e` replaces the errors `f` had, and later ones are dropped.
  // Thread-safe.
  void refuse_file(FileState& f, ImportError e);
  // Records what reading the file found (sha256, bytes, encoding of f.result) in its
  // _batch_file row.
  void file_read(FileState& f);
  // The extra check field `field` of record type `rec` gets.
  Check check_for(std::uint32_t rec, std::uint32_t field) const { return checks_[rec][field]; }
  // Stages one validated record; `vals` has one value per field of the record type.
  Outcome write(FileState& f, std::uint32_t rec, const std::vector<Value>& vals, std::uint32_t line,
                std::string_view loc, FirstSeen* first);
  // Whether the table of record type `rec` was empty when the batch began: it holds only the
  // rows this batch staged, and has no key index until finish_loading().
  bool bulk(std::uint32_t rec) const { return bulk_[rec]; }
  // Why records of type `rec` may not be imported here ("" = they may): ImportOptions::refuse_record.
  const std::string& refused(std::uint32_t rec) const { return refused_[rec]; }
  // Lists the key of a staged record when its type is one of options().list_keys_of. Thread-safe.
  void note_key(std::uint32_t rec, const std::vector<Value>& vals);
  // Path of a file of this batch by its id.
  const std::string& file_path(std::int64_t id) const;
  // Ends staging: builds the indexes of tables loaded from empty, reporting duplicate keys.
  void finish_loading();
  // Checks every reference staged in this batch, reporting those that resolve to nothing.
  void check_references();
  // Commits when there are no errors and something changed; otherwise rolls back.
  void finish();

 private:
  struct RecordStatements;
  RecordStatements& statements(std::uint32_t rec);

  store::Store& store_;
  SQLite::Database& db_;
  const ImportOptions& options_;
  ImportResult& result_;
  std::int64_t batch_ = 0;
  std::unique_ptr<SQLite::Transaction> tx_;
  std::deque<FileState> files_;
  std::vector<std::vector<Check>> checks_;
  std::vector<std::unique_ptr<RecordStatements>> stmts_;
  std::unique_ptr<SQLite::Statement> touch_, touched_;
  std::vector<std::string> deferred_indexes_;
  std::mutex error_mutex_;
  std::vector<bool> list_keys_;  // per record type: in options().list_keys_of
  std::vector<std::string> refused_;  // per record type: why it may not be imported ("" = it may)
  std::vector<bool> bulk_;  // per record type: the table was empty when the batch began  // reference indexes to rebuild before commit
};

// Readers of each format: read the file (already registered as `f`) and stage its records.
// read_csv reads `in` through `dec` to its end, reporting decoding errors and a change of the
// file while it was read; read_workbook reads `in` (an .xlsx or .xls, by f.result.format)
// whole, likewise.
void read_csv(Batch& b, FileState& f, InputFile& in, TextDecoder& dec);
void read_workbook(Batch& b, FileState& f, InputFile& in);
void read_xml(Batch& b, FileState& f, const std::string& utf8_text);
void read_json(Batch& b, FileState& f, const std::string& utf8_text);

// Shared by the XML and JSON readers: the key back to the enclosing record of a nested
// child record type, i.e. the child's field referencing the parent type (-1 when none).
int parent_field(const dsl::model::Schema& s, std::uint32_t child, std::uint32_t parent);

// Where an error lies in a sheet: "企业!B7" (the sheet name quoted as Excel does when it has to
// be: 'my sheet'!B7); the sheet alone when `column` is 0.
std::string sheet_place(std::string_view sheet, std::uint32_t row, std::uint32_t column);

// Validates the fields of one record (required, key) after conversion; reports errors to `b`
// and returns true when the record can be staged.
bool check_required(Batch& b, FileState& f, const dsl::model::RecordType& r, const std::vector<Value>& vals,
                    const ImportError& where, const std::vector<std::uint32_t>* columns);

// Stages a record and turns a duplicate key into an error; counts the outcome.
void stage(Batch& b, FileState& f, std::uint32_t rec, const std::vector<Value>& vals, const ImportError& where);

}  // namespace eco::engine::ingest::detail
