// libFuzzer target for the .xlsx reader (engine/ingest/workbook.hpp): whatever the bytes, opening
// the workbook and reading every sheet ends in cells or a WorkbookError: never a crash, a hang or
// unbounded memory; cells come in Excel's grid, rows and columns ascending.
// The first byte picks the mode:
//  - even: the rest is the .xlsx file itself (the zip container, its limits and damage);
//  - odd: the rest is split at NUL bytes into the sheet's XML, the shared strings' and the
//    styles', zipped (valid CRCs) with a fixed workbook part around them, so that mutations reach
//    the XML and the cells rather than dying at the zip's checksums.
// Seeds: fuzz/seeds/xlsx_fuzzer (a template, and parts of a small filled workbook).
#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ingest/workbook.hpp"

namespace {

using namespace eco::engine::ingest;

// A zip of `parts` (name, content), written with libzip in memory.
std::string zip_of(const std::vector<std::pair<const char*, std::string_view>>& parts) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* buf = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_source_keep(buf);
  zip_t* z = zip_open_from_source(buf, ZIP_TRUNCATE, &err);
  if (!z) {
    zip_source_free(buf);
    zip_error_fini(&err);
    return {};
  }
  for (const auto& [name, content] : parts) {
    zip_source_t* s = zip_source_buffer(z, content.data(), content.size(), 0);
    if (zip_file_add(z, name, s, 0) < 0) zip_source_free(s);
  }
  if (zip_close(z) != 0) zip_discard(z);
  std::string out;
  zip_stat_t st;
  if (zip_source_stat(buf, &st) == 0 && zip_source_open(buf) == 0) {
    out.resize(st.size);
    zip_int64_t n = zip_source_read(buf, out.data(), st.size);
    out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
    zip_source_close(buf);
  }
  zip_source_free(buf);
  zip_error_fini(&err);
  return out;
}

void read_all(std::string_view bytes) {
  try {
    auto wb = open_xlsx(bytes);
    for (std::size_t i = 0; i < wb->sheets().size(); ++i) {
      std::uint32_t last = 0;
      try {
        wb->read_sheet(
            i,
            [](std::span<const CellRange> merged) {
              for (const auto& m : merged)
                if (m.first_row == 0 || m.last_row > kMaxSheetRows || m.first_column == 0 ||
                    m.last_column > kMaxSheetColumns || m.first_row > m.last_row)
                  std::abort();
            },
            [&](std::uint32_t row, std::span<const WorkbookCell> cells) {
              if (row <= last || row > kMaxSheetRows || cells.empty()) std::abort();
              last = row;
              std::uint32_t col = 0;
              for (const auto& c : cells) {
                if (c.column <= col || c.column > kMaxSheetColumns) std::abort();
                col = c.column;
                if (c.type == WorkbookCell::Type::number && c.date && c.number > -1e7 && c.number < 1e7)
                  (void)excel_date(static_cast<std::int64_t>(c.number), wb->date1904());
              }
            });
      } catch (const WorkbookError&) {
      }
    }
  } catch (const WorkbookError&) {
  }
}

constexpr std::string_view kRels =
    R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)";
constexpr std::string_view kWorkbook =
    R"(<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="1"/><sheets><sheet name="enterprise" sheetId="1" r:id="rId1"/></sheets></workbook>)";
constexpr std::string_view kWorkbookRels =
    R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    read_all(rest);
    return 0;
  }
  std::string_view piece[3];
  for (int i = 0; i < 3; ++i) {
    auto nul = rest.find('\0');
    piece[i] = rest.substr(0, nul);
    rest = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  }
  read_all(zip_of({{"_rels/.rels", kRels},
                   {"xl/workbook.xml", kWorkbook},
                   {"xl/_rels/workbook.xml.rels", kWorkbookRels},
                   {"xl/worksheets/sheet1.xml", piece[0]},
                   {"xl/sharedStrings.xml", piece[1]},
                   {"xl/styles.xml", piece[2]}}));
  return 0;
}
