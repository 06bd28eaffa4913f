// Workbook import (.xlsx, .xls): sheets to record types, header field names on the cell's last
// line, enum labels, typed cells checked against their fields, the two date systems,
// provenance (file, sheet, row), errors placed at their cells, and hostile workbooks (zip bomb,
// missing parts, malformed XML, rows past Excel's last, a shared string out of range, merged
// header cells) each refused with the store left as it was.
#include <xlsxwriter.h>
#include <zip.h>

#include <fstream>
#include <iterator>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/ingest/import.hpp"
#include "engine/ingest/workbook.hpp"
#include "tests/unit/engine/store_fixture.hpp"

namespace eco::engine::testing {
namespace {

using ingest::ImportResult;
using ::testing::HasSubstr;

const std::string E1 = uscc("91140700MA0K00001");
const std::string E2 = uscc("91140702MA0K00002");

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// A zip of the given parts, written with libzip (deflated unless `stored`).
std::string make_zip(const std::filesystem::path& at, const std::map<std::string, std::string>& parts) {
  int err = 0;
  zip_t* z = zip_open(at.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  EXPECT_NE(z, nullptr);
  for (const auto& [name, content] : parts) {
    zip_source_t* s = zip_source_buffer(z, content.data(), content.size(), 0);
    EXPECT_GE(zip_file_add(z, name.c_str(), s, ZIP_FL_ENC_UTF_8), 0);
  }
  EXPECT_EQ(zip_close(z), 0);
  return slurp(at);
}

const char* kRels =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)";

// The parts of a one-sheet workbook: `sheet_data` is the content of <sheetData>, `extra` what
// follows it in the worksheet (mergeCells), `strings` the shared strings.
std::map<std::string, std::string> parts(const std::string& sheet_name, const std::string& sheet_data,
                                         const std::vector<std::string>& strings = {}, const std::string& extra = "",
                                         bool date1904 = false) {
  std::map<std::string, std::string> p;
  p["_rels/.rels"] = kRels;
  p["xl/workbook.xml"] =
      std::string(R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)") +
      (date1904 ? R"(<workbookPr date1904="1"/>)" : "") + R"(<sheets><sheet name=")" + sheet_name +
      R"(" sheetId="1" r:id="rId1"/></sheets></workbook>)";
  p["xl/_rels/workbook.xml.rels"] =
      R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>)";
  std::string sst = R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)";
  for (const auto& s : strings) sst += "<si><t>" + s + "</t></si>";
  p["xl/sharedStrings.xml"] = sst + "</sst>";
  // Style 0 general, 1 a built-in date (14), 2 a custom date format, 3 a custom number format.
  p["xl/styles.xml"] =
      R"(<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="165" formatCode="#,##0.00&quot;吨&quot;"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs></styleSheet>)";
  p["xl/worksheets/sheet1.xml"] =
      R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)" +
      sheet_data + "</sheetData>" + extra + "</worksheet>";
  return p;
}

// Inline-string cell.
std::string is(const std::string& ref, const std::string& text) {
  return R"(<c r=")" + ref + R"(" t="inlineStr"><is><t>)" + text + "</t></is></c>";
}

// The enterprise header and one row, as inline strings, then `cells` appended to row 2.
std::string enterprise_rows(const std::string& row2_extra = "", const std::string& more_rows = "") {
  return R"(<row r="1">)" + is("A1", "id") + is("B1", "name") + is("C1", "county") + is("D1", "industry") +
         is("E1", "lon") + is("F1", "key_discharge_unit") + is("G1", "emergency_plan_filed_on") + R"(</row><row r="2">)" +
         is("A2", E1) + is("B2", "甲焦化") + is("C2", "介休市") + is("D2", "焦化") + row2_extra + "</row>" + more_rows;
}

class Workbook : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = make_schema();
    schema_->records[1].title = "设施";
    store_ = store::Store::open(dir_.path() / "s.db", *schema_, store::OpenOptions{.create = true});
  }

  ImportResult run(std::vector<std::filesystem::path> paths) { return ingest::import_paths(*store_, paths, {}); }

  std::filesystem::path xlsx(const std::string& name, const std::map<std::string, std::string>& p) {
    auto path = dir_.path() / name;
    make_zip(path, p);
    return path;
  }

  // Imports `file`, expecting it refused with the store unchanged; the first error rendered.
  std::string refused(const std::filesystem::path& file) {
    std::string before = dump(store_->db());
    auto r = run({file});
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.batch, 0);
    EXPECT_EQ(dump(store_->db()), before) << "a refused workbook changed the store";
    std::string all;
    for (const auto& e : r.errors) all += ingest::render(e) + "\n";
    return all;
  }

  std::string one(const std::string& sql) {
    SQLite::Statement q(store_->db(), sql);
    if (!q.executeStep()) return "<none>";
    std::string out;
    for (int i = 0; i < q.getColumnCount(); ++i) out += (i ? "|" : "") + (q.getColumn(i).isNull() ? "NULL" : q.getColumn(i).getString());
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Schema> schema_;
  std::unique_ptr<store::Store> store_;
};

TEST(WorkbookDates, SerialsInBothDateSystems) {
  using ingest::excel_date;
  EXPECT_EQ(excel_date(1, false), "1900-01-01");
  EXPECT_EQ(excel_date(59, false), "1900-02-28");
  std::string why;
  EXPECT_EQ(excel_date(60, false, &why), "");  // 1900-02-29 never existed
  EXPECT_THAT(why, HasSubstr("leap-year bug"));
  EXPECT_EQ(excel_date(61, false), "1900-03-01");
  EXPECT_EQ(excel_date(45473, false), "2024-06-30");
  EXPECT_EQ(excel_date(0, false, &why), "");
  EXPECT_EQ(excel_date(0, true), "1904-01-01");
  EXPECT_EQ(excel_date(45473 - 1462, true), "2024-06-30");
  EXPECT_EQ(excel_date(2958465, false), "9999-12-31");
  EXPECT_EQ(excel_date(2958466, false, &why), "");
  EXPECT_EQ(excel_date(-1, true, &why), "");
}

TEST(WorkbookDates, DateFormatsAreToldFromNumberFormats) {
  using ingest::is_date_format;
  EXPECT_TRUE(is_date_format(14, ""));
  EXPECT_TRUE(is_date_format(31, ""));  // a built-in Chinese date format
  EXPECT_TRUE(is_date_format(164, "yyyy-mm-dd"));
  EXPECT_TRUE(is_date_format(164, "yyyy\"年\"m\"月\"d\"日\""));
  EXPECT_TRUE(is_date_format(164, "[$-804]yyyy/m/d;@"));
  EXPECT_TRUE(is_date_format(164, "[h]:mm"));
  EXPECT_FALSE(is_date_format(0, "General"));
  EXPECT_FALSE(is_date_format(2, "0.00"));
  EXPECT_FALSE(is_date_format(165, "#,##0.00\"吨\""));
  EXPECT_FALSE(is_date_format(166, "0.00E+00"));
  EXPECT_FALSE(is_date_format(167, "[Red]#,##0;[Blue]-#,##0"));
  EXPECT_FALSE(is_date_format(49, "@"));
}

// A workbook as a data provider fills in the template: libxlsxwriter, shared strings, headers
// with the Chinese name above the field name, enum labels, booleans, dates, numbers; the guide
// and list sheets beside the record sheets; a sheet named after a record type's title.
TEST_F(Workbook, FilledWorkbookImportsWithProvenance) {
  auto path = dir_.path() / "填报.xlsx";
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");
  worksheet_write_string(workbook_add_worksheet(wb, "填写说明"), 0, 0, "说明", nullptr);
  lxw_worksheet* e = workbook_add_worksheet(wb, "enterprise");
  const char* headers[] = {"统一社会信用代码 *\nid", "企业名称 *\nname", "区县 *\ncounty", "行业 *\nindustry", "经度\nlon",
                           "重点排污单位\nkey_discharge_unit", "应急预案备案日期\nemergency_plan_filed_on"};
  for (lxw_col_t c = 0; c < 7; ++c) worksheet_write_string(e, 0, c, headers[c], nullptr);
  worksheet_write_string(e, 1, 0, E1.c_str(), nullptr);
  worksheet_write_string(e, 1, 1, "甲焦化", nullptr);
  worksheet_write_string(e, 1, 2, "介休市", nullptr);
  worksheet_write_string(e, 1, 3, "焦化", nullptr);  // the label of industry.coking
  worksheet_write_number(e, 1, 4, 111.9, nullptr);
  worksheet_write_boolean(e, 1, 5, 1, nullptr);
  lxw_datetime d{2024, 6, 30, 0, 0, 0};
  worksheet_write_datetime(e, 1, 6, &d, date);
  worksheet_write_string(e, 3, 0, E2.c_str(), nullptr);  // row 3 left blank: skipped
  worksheet_write_string(e, 3, 1, "乙钢铁", nullptr);
  worksheet_write_string(e, 3, 2, "榆次区", nullptr);
  worksheet_write_string(e, 3, 3, "steel", nullptr);  // the value itself
  worksheet_write_string(e, 3, 5, "否", nullptr);
  lxw_worksheet* f = workbook_add_worksheet(wb, "设施");
  worksheet_write_string(f, 0, 0, "id", nullptr);
  worksheet_write_string(f, 0, 1, "enterprise_id", nullptr);
  worksheet_write_string(f, 0, 2, "kind", nullptr);
  worksheet_write_string(f, 0, 3, "capacity_t", nullptr);
  worksheet_write_string(f, 1, 0, "F1", nullptr);
  worksheet_write_string(f, 1, 1, E1.c_str(), nullptr);
  worksheet_write_string(f, 1, 2, "焦炉", nullptr);
  worksheet_write_number(f, 1, 3, 1000000, nullptr);
  workbook_add_worksheet(wb, "Sheet3");  // empty: nothing to lose
  worksheet_write_string(workbook_add_worksheet(wb, "选项"), 0, 0, "industry", nullptr);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);

  auto r = run({path});
  ASSERT_TRUE(r.ok) << (r.errors.empty() ? "" : ingest::render(r.errors[0]));
  EXPECT_EQ(r.rows_new, 3u);
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0].format, "xlsx");
  EXPECT_EQ(one("SELECT id, name, county, industry, lon, key_discharge_unit, emergency_plan_filed_on, _line, _loc "
                "FROM enterprise ORDER BY _line"),
            E1 + "|甲焦化|介休市|coking|111.9|1|2024-06-30|2|enterprise");
  EXPECT_EQ(one("SELECT industry, key_discharge_unit, lon, _line FROM enterprise WHERE name = '乙钢铁'"), "steel|0|NULL|4");
  EXPECT_EQ(one("SELECT id, capacity_t, _line, _loc, typeof(capacity_t) FROM facility"), "F1|1000000.0|2|设施|real");
  EXPECT_EQ(one("SELECT f.path, f.format FROM _batch_file f JOIN facility x ON x._file = f.id"),
            path.string() + "|xlsx");
}

TEST_F(Workbook, DatesOfThe1904SystemAndFormattedSerials) {
  std::string row2 = R"(<c r="G2" s="2"><v>)" + std::to_string(45473 - 1462) + "</v></c>";
  auto r = run({xlsx("a.xlsx", parts("enterprise", enterprise_rows(row2), {}, "", true))});
  ASSERT_TRUE(r.ok) << ingest::render(r.errors.at(0));
  EXPECT_EQ(one("SELECT emergency_plan_filed_on FROM enterprise"), "2024-06-30");
}

TEST_F(Workbook, CellsWhoseTypeDoesNotFitTheirFieldAreErrors) {
  auto err = refused(xlsx(
      "bad.xlsx",
      parts("enterprise",
            enterprise_rows(R"(<c r="E2" t="e"><v>#N/A</v></c><c r="F2"><f>A1</f></c><c r="G2"><v>45473</v></c>)",
                            R"(<row r="3"><c r="A3" s="1"><v>45473</v></c>)" + is("B3", "乙") + is("C3", "榆次区") +
                                is("D3", "钢") + R"(<c r="E3" t="b"><v>1</v></c><c r="G3" s="1"><v>45473.5</v></c></row>)" +
                                R"(<row r="4"><c r="A4"><v>911407000000000000</v></c>)" + is("B4", "丙") +
                                is("C4", "榆次区") + is("D4", "steel") + R"(<c r="G4" s="1"><v>60</v></c></row>)"))));
  EXPECT_THAT(err, HasSubstr("bad.xlsx:2:5: error[I006]: enterprise!E2: enterprise.lon: the cell holds the error value #N/A"));
  EXPECT_THAT(err, HasSubstr("enterprise!F2: enterprise.key_discharge_unit: a formula without a computed value"));
  EXPECT_THAT(err, HasSubstr("enterprise!G2: enterprise.emergency_plan_filed_on: the number 45473 is not a date"));
  EXPECT_THAT(err, HasSubstr("bad.xlsx:3:1: error[I006]: enterprise!A3: enterprise.id: a number formatted as a date "
                             "(2024-06-30) in a text field"));
  EXPECT_THAT(err, HasSubstr("enterprise!D3: enterprise.industry: '钢' is neither a label nor a value of industry; "
                             "allowed: 焦化 (coking), 钢铁 (steel)"));
  EXPECT_THAT(err, HasSubstr("enterprise!E3: enterprise.lon: a TRUE (boolean) cell in a number field"));
  EXPECT_THAT(err, HasSubstr("enterprise!G3: enterprise.emergency_plan_filed_on: date serial 45473.5 has a time of day"));
  EXPECT_THAT(err, HasSubstr("enterprise!A4: enterprise.id: a number (911407000000000000) in a text field"));
  EXPECT_THAT(err, HasSubstr("enterprise!G4: enterprise.emergency_plan_filed_on: serial 60 is 1900-02-29"));
}

TEST_F(Workbook, ValuesOutsideTheHeaderAndUnknownSheetsAreErrors) {
  auto err = refused(xlsx("a.xlsx", parts("enterprise", enterprise_rows(is("J2", "多余")))));
  EXPECT_THAT(err, HasSubstr("a.xlsx:2:10: error[I005]: enterprise!J2: enterprise: column J has a value but no header"));
  err = refused(xlsx("b.xlsx", parts("企业", enterprise_rows())));
  EXPECT_THAT(err, HasSubstr("b.xlsx: error[I001]: 企业: sheet '企业' is named after no record type"));
  err = refused(xlsx("c.xlsx", parts("enterprise", R"(<row r="1">)" + is("A1", "企业名称\nnom") + "</row>")));
  EXPECT_THAT(err, HasSubstr("c.xlsx:1:1: error[I004]: enterprise!A1: enterprise: column 'nom' names no field of enterprise"));
  EXPECT_THAT(err, HasSubstr("c.xlsx:1: error[I004]: enterprise: enterprise.id: required column 'id' is missing"));
}

TEST_F(Workbook, ErrorsFoundAtTheEndArePlacedAtTheirCells) {
  std::string rows = R"(<row r="1">)" + is("A1", "id") + is("B1", "enterprise_id") + is("C1", "kind") + "</row>" +
                     R"(<row r="2">)" + is("A2", "F1") + is("B2", E2) + is("C2", "炉") + "</row>" + R"(<row r="3">)" +
                     is("A3", "F1") + is("B3", E2) + is("C3", "炉") + "</row>";
  auto err = refused(xlsx("a.xlsx", parts("facility", rows)));
  EXPECT_THAT(err, HasSubstr("a.xlsx:3:1: error[I008]: facility!A3: facility.id: duplicate key 'F1'"));
  EXPECT_THAT(err, HasSubstr("a.xlsx:2:2: error[I009]: facility!B2: facility.enterprise_id: '" + E2 + "' names no enterprise"));
}

TEST_F(Workbook, MergedHeaderCellsAreRefused) {
  auto err = refused(xlsx("m.xlsx", parts("enterprise", enterprise_rows(), {},
                                          R"(<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>)")));
  EXPECT_THAT(err, HasSubstr("m.xlsx:1:1: error[I004]: enterprise!A1: enterprise: merged header cells A1:B1"));
  err = refused(xlsx("n.xlsx", parts("enterprise", enterprise_rows(), {},
                                     R"(<mergeCells count="1"><mergeCell ref="E2:E3"/></mergeCells>)")));
  EXPECT_THAT(err, HasSubstr("n.xlsx:2:5: error[I010]: enterprise!E2: enterprise: merged cells E2:E3"));
}

TEST_F(Workbook, SharedStringIndexOutOfRange) {
  std::string rows = enterprise_rows(R"(<c r="E2" t="s"><v>7</v></c>)");
  auto err = refused(xlsx("s.xlsx", parts("enterprise", rows, {"a", "b"})));
  EXPECT_THAT(err, HasSubstr("s.xlsx:2:5: error[I003]: xl/worksheets/sheet1.xml: cell E2: shared string index 7 is "
                             "out of range (the workbook has 2 shared strings)"));
}

TEST_F(Workbook, RowsPastExcelsLastRow) {
  std::string rows = enterprise_rows() + R"(<row r="1048577">)" + is("A1048577", "x") + "</row>";
  auto err = refused(xlsx("r.xlsx", parts("enterprise", rows)));
  EXPECT_THAT(err, HasSubstr("r.xlsx: error[I014]: xl/worksheets/sheet1.xml: row 1048577 is beyond Excel's last row (1048576)"));
}

TEST_F(Workbook, MissingPartsAndMalformedXml) {
  auto p = parts("enterprise", enterprise_rows());
  p.erase("xl/workbook.xml");
  EXPECT_THAT(refused(xlsx("a.xlsx", p)), HasSubstr("a.xlsx: error[I003]: the workbook has no part 'xl/workbook.xml'"));
  p = parts("enterprise", enterprise_rows());
  p.erase("xl/worksheets/sheet1.xml");
  EXPECT_THAT(refused(xlsx("b.xlsx", p)), HasSubstr("b.xlsx: error[I003]: the workbook has no part 'xl/worksheets/sheet1.xml'"));
  p = parts("enterprise", enterprise_rows());
  p.erase("_rels/.rels");
  EXPECT_THAT(refused(xlsx("c.xlsx", p)), HasSubstr("c.xlsx: error[I003]: the workbook has no part '_rels/.rels'"));
  p = parts("enterprise", enterprise_rows() + "<row>");
  EXPECT_THAT(refused(xlsx("d.xlsx", p)), HasSubstr("d.xlsx: error[I003]: xl/worksheets/sheet1.xml: malformed XML at byte"));
  auto junk = dir_.write("e.xlsx", "PK\x03\x04 not really a zip");
  EXPECT_THAT(refused(junk), HasSubstr("e.xlsx: error[I003]: not a readable .xlsx workbook (zip)"));
  auto ole = dir_.write("f.xlsx", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(504, '\0'));
  EXPECT_THAT(refused(ole), HasSubstr("f.xlsx: error[I001]: not an .xlsx workbook: an OLE2 compound file"));
}

// A zip entry whose declared uncompressed size is huge is refused before anything is inflated;
// one that declares little but inflates to more is refused when it passes its declared size;
// one that inflates too many times its compressed size is refused as a bomb.
TEST_F(Workbook, ZipBombs) {
  auto path = dir_.path() / "bomb.xlsx";
  std::string zip = make_zip(path, parts("enterprise", enterprise_rows()));
  // Patch the sheet's uncompressed size (central directory, offset 24; local header, offset 22).
  const std::string name = "xl/worksheets/sheet1.xml";
  auto patch = [&](std::string z, std::uint32_t size) {
    for (std::size_t at = z.find("PK\x01\x02"); at != std::string::npos; at = z.find("PK\x01\x02", at + 4)) {
      std::uint16_t n = static_cast<std::uint8_t>(z[at + 28]) | static_cast<std::uint8_t>(z[at + 29]) << 8;
      if (z.compare(at + 46, n, name) != 0) continue;
      for (int i = 0; i < 4; ++i) z[at + 24 + i] = static_cast<char>(size >> (8 * i));
      std::uint32_t local = 0;
      for (int i = 0; i < 4; ++i) local |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(z[at + 42 + i])) << (8 * i);
      for (int i = 0; i < 4; ++i) z[local + 22 + i] = static_cast<char>(size >> (8 * i));
    }
    return z;
  };
  auto huge = dir_.write("huge.xlsx", patch(zip, 0xFFFFFFF0u));
  EXPECT_THAT(refused(huge), HasSubstr("error[I014]: xl/worksheets/sheet1.xml: declares 4294967280 bytes uncompressed"));
  auto small = dir_.write("small.xlsx", patch(zip, 100));
  EXPECT_THAT(refused(small), HasSubstr("error[I014]: xl/worksheets/sheet1.xml: inflates beyond its declared 100 bytes"));
  // 16 MiB of spaces inside the sheet deflate about 1000 times.
  std::string rows = enterprise_rows() + std::string(16u << 20, ' ');
  auto ratio = xlsx("ratio.xlsx", parts("enterprise", rows));
  EXPECT_THAT(refused(ratio), HasSubstr("error[I014]: xl/worksheets/sheet1.xml: inflates"));
  EXPECT_THAT(refused(ratio), HasSubstr("a zip bomb"));
}

// A legacy .xls (written by python3-xlwt: tests/unit/engine/fixtures/make_xls.py) read through
// FreeXL: sheets, labels, dates, numbers.
TEST_F(Workbook, LegacyXlsThroughFreeXL) {
  auto src = std::filesystem::path(ECOAUDIT_SOURCE_DIR) / "tests/unit/engine/fixtures/enterprise.xls";
  auto path = dir_.path() / "enterprise.xls";
  std::filesystem::copy_file(src, path);
  auto r = run({path});
  ASSERT_TRUE(r.ok) << (r.errors.empty() ? "" : ingest::render(r.errors[0]));
  EXPECT_EQ(r.files.at(0).format, "xls");
  EXPECT_EQ(one("SELECT id, name, county, industry, lon, key_discharge_unit, emergency_plan_filed_on, _line, _loc "
                "FROM enterprise WHERE name = '甲焦化'"),
            E1 + "|甲焦化|介休市|coking|111.9|1|2024-06-30|2|enterprise");
  EXPECT_EQ(one("SELECT id, kind, capacity_t, _loc FROM facility"), "F1|焦炉|1000000.0|设施");
}

}  // namespace
}  // namespace eco::engine::testing
