// Legacy .xls (BIFF8) workbooks through Debian's FreeXL. FreeXL opens a path only; the bytes
// the importer read (and hashed) are handed to it through an anonymous in-memory file
// (memfd_create), so what is read is exactly what was checked, whatever happens to the file
// on disk meanwhile.
#include <freexl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "engine/ingest/codes.hpp"
#include "engine/ingest/workbook.hpp"

namespace eco::engine::ingest {
namespace {

std::string freexl_message(int rc) {
  switch (rc) {
    case FREEXL_INSUFFICIENT_MEMORY: return "out of memory";
    case FREEXL_INVALID_CFBF_HEADER:
    case FREEXL_CFBF_INVALID_SIGNATURE: return "not an .xls workbook (no OLE2 compound file header)";
    case FREEXL_CFBF_READ_ERROR:
    case FREEXL_CFBF_SEEK_ERROR: return "truncated or damaged compound file";
    case FREEXL_CFBF_EMPTY_FAT_CHAIN:
    case FREEXL_CFBF_ILLEGAL_FAT_ENTRY:
    case FREEXL_INVALID_MINI_STREAM:
    case FREEXL_CFBF_ILLEGAL_MINI_FAT_ENTRY: return "damaged compound file (allocation table)";
    case FREEXL_BIFF_INVALID_BOF: return "damaged workbook stream (BOF record)";
    case FREEXL_BIFF_INVALID_SST:
    case FREEXL_BIFF_ILLEGAL_SST_INDEX: return "damaged shared string table";
    case FREEXL_BIFF_WORKBOOK_NOT_FOUND: return "the compound file holds no Excel workbook stream";
    case FREEXL_INVALID_CHARACTER:
    case FREEXL_UNSUPPORTED_CHARSET: return "text in a code page that cannot be converted to UTF-8";
    case FREEXL_ILLEGAL_RK_VALUE: return "damaged number record";
    case FREEXL_CRAFTED_FILE: return "a severely corrupted (possibly crafted) file";
    default: return fmt::format("FreeXL error {}", rc);
  }
}

class XlsWorkbook final : public Workbook {
 public:
  explicit XlsWorkbook(std::string_view bytes) {
    fd_ = memfd_create("ecoaudit-xls", MFD_CLOEXEC);
    if (fd_ < 0) throw WorkbookError(code::kFile, fmt::format("cannot hold the workbook in memory: {}", std::strerror(errno)));
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int e = errno;
        ::close(fd_);
        throw WorkbookError(code::kFile, fmt::format("cannot hold the workbook in memory: {}", std::strerror(e)));
      }
      done += static_cast<std::size_t>(n);
    }
    std::string path = fmt::format("/proc/self/fd/{}", fd_);
    int rc = freexl_open(path.c_str(), &h_);
    if (rc != FREEXL_OK) {
      h_ = nullptr;
      ::close(fd_);
      throw WorkbookError(code::kSyntax, "not a readable .xls workbook: " + freexl_message(rc));
    }
    unsigned int info = 0;
    if (freexl_get_info(h_, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK && info == FREEXL_BIFF_OBFUSCATED) {
      close();
      throw WorkbookError(code::kFile, "the workbook is password-protected; save it without a password");
    }
    if (freexl_get_info(h_, FREEXL_BIFF_DATEMODE, &info) == FREEXL_OK) date1904_ = info == FREEXL_BIFF_DATEMODE_1904;
    unsigned int count = 0;
    if (freexl_get_info(h_, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK || count == 0) {
      close();
      throw WorkbookError(code::kSyntax, "the .xls workbook lists no sheet");
    }
    for (unsigned int i = 0; i < count; ++i) {
      const char* name = nullptr;
      if (freexl_get_worksheet_name(h_, static_cast<unsigned short>(i), &name) != FREEXL_OK || !name) {
        close();
        throw WorkbookError(code::kSyntax, fmt::format("sheet {} of the .xls workbook has no readable name", i + 1));
      }
      sheets_.push_back({name, false});
    }
  }
  ~XlsWorkbook() override { close(); }

  void read_sheet(std::size_t index, const MergedFn& on_merged, const RowFn& on_row) override {
    const std::string& name = sheets_.at(index).name;
    int rc = freexl_select_active_worksheet(h_, static_cast<unsigned short>(index));
    if (rc != FREEXL_OK) throw WorkbookError(code::kSyntax, fmt::format("sheet '{}': {}", name, freexl_message(rc)));
    unsigned int rows = 0;
    unsigned short cols = 0;
    rc = freexl_worksheet_dimensions(h_, &rows, &cols);
    if (rc != FREEXL_OK) throw WorkbookError(code::kSyntax, fmt::format("sheet '{}': {}", name, freexl_message(rc)));
    if (rows > kMaxSheetRows)
      throw WorkbookError(code::kLimit, fmt::format("sheet '{}': {} rows, over Excel's limit of {}", name, rows, kMaxSheetRows));
    on_merged({});
    std::vector<WorkbookCell> cells;
    for (unsigned int r = 0; r < rows; ++r) {
      cells.clear();
      for (unsigned short c = 0; c < cols; ++c) {
        FreeXL_CellValue v;
        rc = freexl_get_cell_value(h_, r, c, &v);
        if (rc != FREEXL_OK)
          throw WorkbookError(code::kSyntax, fmt::format("sheet '{}': cell {}: {}", name, cell_name(r + 1, c + 1u), freexl_message(rc)),
                              r + 1, c + 1u);
        WorkbookCell cell;
        cell.column = c + 1u;
        switch (v.type) {
          case FREEXL_CELL_NULL: continue;
          case FREEXL_CELL_INT:
            cell.type = WorkbookCell::Type::number;
            cell.number = v.value.int_value;
            break;
          case FREEXL_CELL_DOUBLE:
            cell.type = WorkbookCell::Type::number;
            cell.number = v.value.double_value;
            break;
          case FREEXL_CELL_TEXT:
          case FREEXL_CELL_SST_TEXT:
            if (!v.value.text_value || !*v.value.text_value) continue;
            cell.text = v.value.text_value;
            break;
          case FREEXL_CELL_DATE:
          case FREEXL_CELL_DATETIME:
          case FREEXL_CELL_TIME:
            cell.type = WorkbookCell::Type::date_text;
            cell.date = true;
            cell.text = v.value.text_value ? v.value.text_value : "";
            break;
          default:
            throw WorkbookError(code::kSyntax, fmt::format("sheet '{}': cell {}: unknown cell type {}", name,
                                                           cell_name(r + 1, c + 1u), static_cast<int>(v.type)),
                                r + 1, c + 1u);
        }
        cells.push_back(std::move(cell));
      }
      if (!cells.empty()) on_row(r + 1, cells);
    }
  }

 private:
  void close() {
    if (h_) freexl_close(h_);
    h_ = nullptr;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  const void* h_ = nullptr;
  int fd_ = -1;
};

}  // namespace

std::unique_ptr<Workbook> open_xls(std::string_view bytes) { return std::make_unique<XlsWorkbook>(bytes); }

}  // namespace eco::engine::ingest
