#pragma once
// Importing CSV, XML and JSON files into the store as one batch: all or nothing.
//
// Every row is validated against the schema (types, enum values, required fields, dates that
// exist, unique keys, references resolving within the batch or the store, 统一社会信用代码
// check characters, hazardous-waste categories). Rows are staged inside one transaction;
// any error rolls it back, so a rejected import writes nothing. A record whose key exists is
// replaced (its old version goes to the history table with the replacing batch); an
// identical record is left alone, so importing the same files twice changes nothing.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/ingest/codes.hpp"
#include "engine/ingest/text.hpp"
#include "engine/store/store.hpp"

namespace eco::engine::ingest {

// Limits every format shares (CSV, XML, JSON).
inline constexpr std::size_t kMaxFieldBytes = 1 << 20;          // one value
inline constexpr std::size_t kMaxJsonDepth = 100;               // nested JSON arrays and objects
inline constexpr std::uint64_t kMaxDocumentBytes = 16ull << 20; // an XML or JSON document (read whole)

struct ImportResult;
struct ImportError;

struct ImportOptions {
  // Forced input encoding; nullopt: decided per file when certain (TextDecoder), else refused.
  std::optional<Encoding> encoding;
  // Test seam: called before each read of an input file (from the thread reading it).
  ReadHook before_read;
  // Check the values of the fields the schema declares `validate uscc` (a 统一社会信用代码 with
  // its GB 32100-2015 check character) and `validate hw_category` (a hazardous-waste category,
  // HW01-HW40, HW45-HW50). False: only the checks listed below.
  bool schema_validators = true;
  // Besides the schema's: record types whose (string) key is a 统一社会信用代码.
  std::vector<std::string> uscc_records;
  // Besides the schema's: field names (in any record type) holding a hazardous-waste category.
  std::vector<std::string> waste_code_fields;
  // Errors kept per file; the rest are counted.
  std::size_t max_errors_per_file = 50;
  // Recorded with the batch.
  std::string ruleset_name, ruleset_sha256;
  // Record types whose staged records' keys the result lists (ImportResult::keys).
  std::vector<std::string> list_keys_of;
  // Why records of a record type may not be imported here ("" = they may), asked once per
  // record type: a record of a refused type is an error (I010) where it is, with that reason.
  // Screening keeps a document to its application this way (engine/screening/staging.hpp).
  std::function<std::string(const dsl::model::RecordType&)> refuse_record;
  // Called inside the import's transaction once every record is validated and staged without
  // error, before `before_commit`: errors it returns reject the batch as errors in the data do
  // (rolled back, nothing written; the result is not ok and lists them).
  std::function<std::vector<ImportError>(store::Store&, const ImportResult&)> vet;
  // Called inside the import's transaction once every record is validated and staged without
  // error: the store then reads as it will after the commit (screening evaluates applications
  // against the store this way). Called even when the batch changes nothing.
  // The result passed is complete apart from the batch id (0 until committed).
  std::function<void(store::Store&, const ImportResult&)> before_commit;
  // False: roll the transaction back after `before_commit`; nothing is written (a dry run).
  bool commit = true;
};

// One problem in the input. Rendered as "file:line:column: error[CODE]: record.field: message".
struct ImportError {
  std::string file;
  std::uint32_t line = 0;    // 1-based; 0 when the format has no line (JSON)
  std::uint32_t column = 0;  // 1-based CSV column (or XML character column); 0 when none
  std::string location;      // XML element path or JSON pointer; "" for CSV
  std::string record, field; // "" when not about one field
  std::string code;
  std::string message;       // names the offending value
};

struct FileResult {
  std::string path;
  std::string format;        // csv | xml | json
  std::string encoding;      // utf-8 | gb18030
  std::string sha256;
  std::uint64_t bytes = 0;
  std::uint64_t rows_read = 0, rows_new = 0, rows_updated = 0, rows_unchanged = 0;
  std::size_t error_count = 0;  // all errors of this file, including those not kept
};

struct ImportResult {
  bool ok = false;                 // no errors: the batch was committed (or nothing changed)
  // An input path named or found is no regular file (device, FIFO, socket, dangling or looping
  // symbolic link): the command was given something it must not read (a usage error).
  bool inputs_invalid = false;
  std::int64_t batch = 0;          // the committed batch; 0 when nothing was written
  std::vector<FileResult> files;
  std::vector<ImportError> errors; // at most max_errors_per_file per file, in file order
  std::size_t error_count = 0;     // all errors
  std::uint64_t rows_read = 0, rows_new = 0, rows_updated = 0, rows_unchanged = 0;
  // Per record type of ImportOptions::list_keys_of: the keys of its records in this batch,
  // in input order (a composite key's values joined with '|', as findings show them).
  std::map<std::string, std::vector<std::string>> keys;
  // The batch id the staged rows carry inside the transaction (equals `batch` once committed;
  // after a rollback the id is free again and names nothing).
  std::int64_t staged_batch = 0;
};

// Imports PATHS (files, or folders whose *.csv, *.xml and *.json files are taken in name
// order) into `store` as one batch. Only regular files are read (symbolic links to them are
// followed); anything else named, or found in a folder whatever its name, is an error (I012).
// Each file is read once: its SHA-256 and size are of the bytes read, and a file that changed
// while it was read is refused (I011). Errors in the data are returned in the result; failures of
// the store itself (locked, read-only, disk full) throw store::StoreError. Either way nothing is
// written unless the result is ok.
ImportResult import_paths(store::Store& store, const std::vector<std::filesystem::path>& paths,
                          const ImportOptions& options = {});

// "file:line:col: error[I006]: enterprise.county: '太原' is not a value of county; allowed: ..."
std::string render(const ImportError& e);

}  // namespace eco::engine::ingest
