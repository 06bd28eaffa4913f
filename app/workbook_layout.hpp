#pragma once
// The data-entry workbook's layout (docs/excel.md), written with libxlsxwriter: a guide sheet
// first, then one sheet per record type named after it, then the hidden list sheet "选项" of
// the enum columns' drop-down lists. Row 1 of a record sheet is the header, frozen: the field's
// short Chinese name, " *" when the field is required, and on the cell's last line the field
// name (what an import reads columns by); the header cell's comment holds the whole
// description, type, key, reference and what to verify when the value is missing. Enum columns
// offer their labels, boolean columns 是/否, date columns are formatted and validated as dates,
// text columns are text (@) so that Excel keeps a code's leading zeros.
//
// `ecoaudit template` writes it empty; the export run (app/export_run.hpp) gives it to
// engine/export as its workbook writer, which fills it with the store's records from row 2 on,
// so that an exported workbook looks like a filled-in template and imports back like one. Its
// words (the guide, the comments' labels, the validations' messages) live here, in the
// application layer, not in the engine.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "dsl/model/schema.hpp"
#include "engine/export/export.hpp"

namespace eco::app {

using engine::exporting::RowSource;
using engine::exporting::RowWriter;
using engine::exporting::SheetCell;

// A workbook that cannot be written (an unwritable path, a record type that cannot name a
// sheet, more rows than a sheet holds). The message is for users.
class LayoutError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the guide sheet says about the workbook.
struct GuideInfo {
  std::string heading;                  // the first line ("数据填报模板: 晋中市...")
  std::string ruleset_id, ruleset_sha256;
  std::vector<std::string> notes;       // extra lines under the ruleset line (what an export holds)
};

// Writes the workbook to `file` (created or replaced: the caller writes to a temporary name
// and renames it) with a sheet for each of `records` (of `schema`, which they belong to), in
// that order, and their rows from `rows` when given. Throws LayoutError; `file` may then be
// left half-written, for the caller to remove.
void write_workbook(const std::filesystem::path& file, const dsl::model::Schema& schema, const GuideInfo& guide,
                    const std::vector<const dsl::model::RecordType*>& records, const RowSource& rows = {});

// The export's workbook writer (engine/export's WorkbookWriter): write_workbook() with
// `guide`, to which it adds a line saying what the records are (the store `store_name`, the
// batch they stand after). LayoutError becomes store::StoreError.
engine::exporting::WorkbookWriter export_workbook_writer(const dsl::model::Schema& schema, GuideInfo guide,
                                                         std::string store_name);

}  // namespace eco::app
