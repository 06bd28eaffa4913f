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
// `ecoaudit template` writes it empty; `ecoaudit export --format xlsx` writes it with the
// store's records from row 2 on, so that an exported workbook looks like a filled-in template
// and imports back like one.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "dsl/model/schema.hpp"

namespace eco::engine::exporting {

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

// One cell of a data row. A date is written as an Excel date (formatted yyyy-mm-dd) when it
// lies in Excel's calendar (1900-01-01 on), else as its text.
struct SheetCell {
  enum class Kind : std::uint8_t { empty, text, number, date } kind = Kind::empty;
  std::string text;     // text; date: "YYYY-MM-DD"
  double number = 0;    // number
};

// Writes the data rows of one record sheet: calls `row` once per record, in order, with one
// cell per field of the record type (field order). May throw; the exception passes through.
using RowWriter = std::function<void(const std::vector<SheetCell>& cells)>;
using RowSource = std::function<void(const dsl::model::RecordType& record, const RowWriter& row)>;

// Writes the workbook to `file` (created or replaced: the caller writes to a temporary name
// and renames it) with a sheet for each of `records` (of `schema`, which they belong to), in
// that order, and their rows from `rows` when given. Throws LayoutError; `file` may then be
// left half-written, for the caller to remove.
void write_workbook(const std::filesystem::path& file, const dsl::model::Schema& schema, const GuideInfo& guide,
                    const std::vector<const dsl::model::RecordType*>& records, const RowSource& rows = {});

// The shortest text that reads back (std::from_chars) as exactly `v`: in plain decimals
// ("1000000", "6", "0.1") for magnitudes from 1e-6 to 1e16, with an exponent beyond ("1e+20").
std::string double_text(double v);

// The rows a record sheet holds below its header (Excel's grid has 1,048,576 rows).
inline constexpr std::uint64_t kMaxSheetRecords = 1048575;

}  // namespace eco::engine::exporting
