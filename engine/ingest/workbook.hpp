#pragma once
// Reading spreadsheet workbooks cell by cell: .xlsx (Office Open XML: the zip read with libzip
// from memory, its XML parts with pugixml) and legacy .xls (BIFF8, read with Debian's FreeXL).
// The reader says what each cell holds (text, number, boolean, error value, a formula without a
// computed value) and whether a number is displayed as a date; turning cells into field values
// is the importer's (engine/ingest/workbook_import.cpp). Nothing here knows the schema.
//
// Hostile input is bounded: the file size, each XML part's uncompressed size and compression
// ratio as declared in the zip (checked before anything is inflated, and held to while
// inflating: a part that inflates beyond its declared size is refused), the sum of the parts
// read, and Excel's own grid (1,048,576 rows, 16,384 columns). A part with a DTD is refused
// (I015: only a DTD can declare entities, an XML "billion laughs"). Every failure is a WorkbookError
// naming the part (and cell) at fault; none crashes.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace eco::engine::ingest {

inline constexpr std::uint32_t kMaxSheetRows = 1048576;    // Excel's grid: rows 1..1048576
inline constexpr std::uint32_t kMaxSheetColumns = 16384;   // columns A..XFD
inline constexpr std::uint64_t kMaxWorkbookBytes = 256ull << 20;  // the .xlsx / .xls file
inline constexpr std::uint64_t kMaxPartBytes = 256ull << 20;      // one XML part, uncompressed
inline constexpr std::uint64_t kMaxUnpackedBytes = 1ull << 30;    // all the parts read, uncompressed
// A part larger than kRatioCheckedBytes may not inflate to more than kMaxPartRatio times its
// compressed size (a sheet of real data compresses 5-50 times; a zip bomb about 1000 times).
inline constexpr std::uint64_t kRatioCheckedBytes = 8ull << 20;
inline constexpr std::uint64_t kMaxPartRatio = 250;

struct WorkbookCell {
  enum class Type : std::uint8_t {
    text,       // a string (shared, inline or a formula's string result)
    number,     // `number`; `date` when its format displays it as a date or time
    boolean,    // `number` is 0 or 1
    error,      // an error value: `text` is "#N/A", "#DIV/0!", ...
    no_value,   // a formula whose value was never computed (no cached value)
    date_text,  // a date or time the reader wrote as text: "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS",
                // "HH:MM:SS" (FreeXL), or an ISO 8601 date cell of an .xlsx (t="d")
  };
  Type type = Type::text;
  std::uint32_t column = 0;  // 1-based
  bool date = false;
  double number = 0;
  std::string text;
};

struct WorkbookSheet {
  std::string name;
  bool hidden = false;
};

// A rectangle of merged cells, 1-based and inclusive.
struct CellRange {
  std::uint32_t first_row = 0, first_column = 0, last_row = 0, last_column = 0;
};

// A workbook that cannot be read (or a cell that cannot): `code` is the importer's error code
// (I003 malformed, I014 over a limit, I015 a DTD, I001 not a workbook or encrypted); the message
// names the zip part at fault, `row`/`column` the cell when one is (0 otherwise).
struct WorkbookError : std::runtime_error {
  WorkbookError(const char* c, const std::string& message, std::uint32_t r = 0, std::uint32_t col = 0)
      : std::runtime_error(message), code(c), row(r), column(col) {}
  std::string_view code;  // one of the codes of codes.hpp; == compares text, not addresses
  std::uint32_t row, column;
};

class Workbook {
 public:
  virtual ~Workbook() = default;

  // The sheets in workbook order (the order Excel shows their tabs).
  const std::vector<WorkbookSheet>& sheets() const { return sheets_; }
  // Serial numbers count days from 1904-01-01 (workbookPr date1904) rather than 1899-12-31.
  bool date1904() const { return date1904_; }

  // Reads sheet `index`: calls `on_merged` once with its merged ranges (an .xls reports none:
  // FreeXL does not read them), then `on_row` for each row holding at least one non-empty cell,
  // in row order, with its 1-based row number and its non-empty cells in column order (valid
  // during the call). Throws WorkbookError; exceptions of the callbacks pass through.
  using MergedFn = std::function<void(std::span<const CellRange>)>;
  using RowFn = std::function<void(std::uint32_t row, std::span<const WorkbookCell> cells)>;
  virtual void read_sheet(std::size_t index, const MergedFn& on_merged, const RowFn& on_row) = 0;

 protected:
  std::vector<WorkbookSheet> sheets_;
  bool date1904_ = false;
};

// Opens an .xlsx workbook held in memory (`bytes` must outlive the workbook): reads its
// relationships, workbook part, shared strings and styles. Throws WorkbookError.
std::unique_ptr<Workbook> open_xlsx(std::string_view bytes);

// Opens a legacy .xls workbook held in memory (FreeXL reads it through an anonymous in-memory
// file, so exactly these bytes are read). Throws WorkbookError.
std::unique_ptr<Workbook> open_xls(std::string_view bytes);

// "A", "Z", "AA", ... for a 1-based column; "B7" for row 7, column 2.
std::string column_letters(std::uint32_t column);
std::string cell_name(std::uint32_t row, std::uint32_t column);

// The date of serial number `serial` (whole days) in the workbook's date system, as
// "YYYY-MM-DD"; "" with `why` set when it names no real day: before the epoch, beyond
// 9999-12-31, or serial 60 of the 1900 system (1900-02-29, which Excel counts although it never
// existed: Lotus 1-2-3's leap-year bug; serials from 61 on are one day ahead of a true count).
std::string excel_date(std::int64_t serial, bool date1904, std::string* why = nullptr);

// True when an Excel number format displays a date or time (the built-in formats 14-22, 27-36,
// 45-47, 50-58, or a format code with date or time tokens outside quotes and brackets).
bool is_date_format(std::uint32_t builtin_id, std::string_view code);

}  // namespace eco::engine::ingest
