#pragma once
// Exporting the store's records as files that `ecoaudit import` reads back to the same records:
// CSV (one file per record type, `<record>.csv`, header of field names, UTF-8, RFC 4180) or an
// XLSX workbook (records.xlsx, written by the caller's WorkbookWriter: the data-entry
// workbook's layout, app/workbook_layout.hpp).
//
// Every value is written in the form the importer reads back exactly: dates YYYY-MM-DD,
// booleans true/false (是/否 in a workbook), integers in full, doubles as the shortest text that
// reads back as the same double (std::to_chars), enums by value (by label in a workbook, where
// the label names that one value), timestamps and durations as stored, a missing optional value
// as an empty cell. CSV cells are quoted (libcsv) when they hold a comma, quote, line break or
// leading or trailing blank (which the importer would otherwise trim). Records are written in
// the order they entered the store, so that an import of the export numbers them alike.
//
// The store is read in one read transaction (one consistent state, even while an import
// writes) and never written. The files are written to a new temporary folder beside `out` and
// renamed to `out` when all are complete: `out` either does not exist afterwards or holds the
// whole export.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/store.hpp"

namespace eco::engine::exporting {

enum class Format : std::uint8_t { csv, xlsx };

// One cell of a workbook's data row, as the store's value is written there (the table of
// docs/export.md). The workbook writer writes a date as an Excel date when it lies in Excel's
// calendar (1900-01-01 on), else as its text, and a number that 16 significant digits would
// round as its double_text().
struct SheetCell {
  enum class Kind : std::uint8_t { empty, text, number, date, boolean } kind = Kind::empty;
  std::string text;     // text; date: "YYYY-MM-DD"
  double number = 0;    // number; boolean: 1 or 0 (written as the template's 是 / 否)
};

// Writes the data rows of one record sheet: calls `row` once per record, in order, with one
// cell per field of the record type (field order). May throw; the exception passes through.
using RowWriter = std::function<void(const std::vector<SheetCell>& cells)>;
using RowSource = std::function<void(const dsl::model::RecordType& record, const RowWriter& row)>;


// The shortest text that reads back (std::from_chars) as exactly `v`: in plain decimals
// ("1000000", "6", "0.1") for magnitudes from 1e-6 to 1e16, with an exponent beyond ("1e+20").
std::string double_text(double v);

// The rows a record sheet holds below its header (Excel's grid has 1,048,576 rows).
inline constexpr std::uint64_t kMaxSheetRecords = 1048575;

// Writes a workbook (the application layer's data-entry layout, app/workbook_layout.hpp) to
// `file` with a sheet per record type of `records`, their rows from `rows`; `as_of` is the
// batch the records stand after (nullopt: the store now, whose last batch is `last_batch`), for
// the workbook to say. Throws store::StoreError (message for users) when it cannot.
using WorkbookWriter = std::function<void(const std::filesystem::path& file,
                                          const std::vector<const dsl::model::RecordType*>& records,
                                          std::optional<std::int64_t> as_of, std::int64_t last_batch,
                                          const RowSource& rows)>;

// The request cannot be carried out as asked: `out` exists and is not an empty folder, its
// parent is missing, `as_of_batch` names no batch. The message is for users.
class RequestError : public store::StoreError {
 public:
  using store::StoreError::StoreError;
};

struct ExportOptions {
  Format format = Format::csv;
  // The folder to write: it must not exist (its parent must) or be an empty folder.
  std::filesystem::path out;
  // The records as they stood right after this batch (the versions current then, from the
  // tables and their history); nullopt: as they stand now.
  std::optional<std::int64_t> as_of_batch;
  // One folder per import batch up to as_of_batch (or the last), `batch-0001`, ..., each
  // holding the records as they stood after that batch: imported in order into a new store
  // they rebuild the same records and the same history (each batch's replaced versions).
  bool history = false;
  // xlsx: writes the workbook (required for that format).
  WorkbookWriter workbook;
};

struct RecordExport {
  std::string record;
  std::uint64_t rows = 0;
};

struct ExportResult {
  std::filesystem::path out;
  std::vector<std::filesystem::path> files;  // the files written, inside `out`
  std::vector<RecordExport> records;         // record types exported (those with rows), schema order
  std::uint64_t rows = 0;                    // all record types
  std::int64_t batch = 0;                    // the last batch whose records the export holds (0: none)
  std::vector<std::int64_t> batches;         // history: the batches, one folder each, in order
  // (with history, `records` and `rows` are those of the last folder; `files` are all)
};

// Writes the records of `store` (its schema's record types that hold records at that point;
// the others have no file or sheet) to options.out. Throws RequestError when `out` exists and
// is not an empty folder or its parent is missing, or `as_of_batch` names no batch of the
// store; store::StoreError (message for users) when the folder cannot be written, the store
// cannot be read or holds a value its field's type does not allow (a store changed outside
// EcoAudit), or a value cannot be written (a workbook: more records than a sheet holds, a text
// a cell cannot carry exactly). Nothing is left behind then.
ExportResult export_store(store::Store& store, const ExportOptions& options);

// A CSV cell: `text` as it is when the importer reads it back unchanged, else quoted (RFC 4180,
// quotes doubled).
std::string csv_cell(std::string_view text);

}  // namespace eco::engine::exporting
