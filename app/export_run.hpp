#pragma once
// The export run: the store's records written back as files that an import reads to the same
// records (CSV files or an XLSX workbook: engine/export/export.hpp), as they stand now or as
// they stood after an import batch. The store is opened read-only and never written; the
// files appear in the output folder all at once or not at all.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "app/run.hpp"
#include "engine/export/export.hpp"

namespace eco::app {

struct ExportRequest {
  std::filesystem::path db, ruleset;
  engine::exporting::Format format = engine::exporting::Format::csv;
  std::filesystem::path out;                 // a new (or empty) folder
  std::optional<std::int64_t> data_as_of;    // a batch id: the records as they stood after it
  bool history = false;                      // one folder per batch (engine/export/export.hpp)
};

struct ExportOutcome : RunResult {
  engine::exporting::ExportResult result;    // done: what was written
};

// Exports the request's store. bad_request: the output folder cannot be used (exists and is not
// empty, its parent is missing) or `data_as_of` names no batch; store_error: the store cannot
// be opened or read, or holds a value an import would not read back as stored. Either way
// nothing is written.
ExportOutcome run_export(const ExportRequest& request);

}  // namespace eco::app
