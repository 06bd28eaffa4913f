// The export's workbook (engine/export through app/workbook_layout.hpp's writer): the layout of
// the template with the records below the header, read back cell by cell and imported back to
// the same records; a text a cell cannot carry exactly is refused, leaving nothing.
#include <gtest/gtest.h>

#include "../engine/export_fixture.hpp"
#include "app/workbook_layout.hpp"
#include "engine/ingest/workbook.hpp"

namespace fs = std::filesystem;

namespace eco::engine {
namespace {

using namespace eco::engine::testing;

struct ExportWorkbook : Export {
  exporting::WorkbookWriter writer() {
    app::GuideInfo guide;
    guide.heading = "数据导出: test";
    guide.ruleset_id = "test";
    return app::export_workbook_writer(*schema, guide, "a.db");
  }
};

// The workbook round trip, over the values a workbook can carry exactly.
TEST_F(ExportWorkbook, WorkbookImportsBackToTheSameRecords) {
  auto a = open("a.db");
  fs::path in = write_inputs("in", enterprises(),
                             "id,enterprise_id,kind,capacity_t\nF1," + kEnt1 + ",\"多行\n文本\",123456789.12345679\nF2," +
                                 kEnt1 + ",coke_oven,1e+300\nF3," + kEnt2 + ",x0041 字面,\n");
  tmp.write("in/transport_entry.csv", transports());
  tmp.write("in/hw_declaration.csv", declarations());
  import(*a, {in});
  ExportOptions o;
  o.format = Format::xlsx;
  o.out = tmp.path() / "out";
  o.workbook = writer();
  auto res = exporting::export_store(*a, o);
  ASSERT_EQ(res.files.size(), 1u);
  EXPECT_EQ(res.files[0], "records.xlsx");

  // The layout of the template, with the records below the header.
  std::ifstream f(o.out / "records.xlsx", std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string bytes = ss.str();
  auto wb = ingest::open_xlsx(bytes);
  std::vector<std::string> sheets;
  for (const auto& s : wb->sheets()) sheets.push_back(s.name);
  EXPECT_EQ(sheets, (std::vector<std::string>{"填写说明", "enterprise", "facility", "transport_entry", "hw_declaration",
                                              "选项"}));
  std::vector<std::vector<ingest::WorkbookCell>> rows;
  wb->read_sheet(1, [](auto) {}, [&](std::uint32_t, std::span<const ingest::WorkbookCell> cells) {
    rows.emplace_back(cells.begin(), cells.end());
  });
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0].text, "*\nid");  // the fixture's fields have no description
  using T = ingest::WorkbookCell::Type;
  const auto& e1 = rows[1];  // id, name, county, industry, lon, key_discharge_unit, emergency_plan_filed_on
  ASSERT_EQ(e1.size(), 7u);
  EXPECT_EQ(e1[1].text, "山西焦化, 股份\"有限\"公司");
  EXPECT_EQ(e1[3].text, "焦化");                                  // the enum's label, as the drop-down offers
  EXPECT_EQ(e1[4].type, T::text);                                 // 17 digits: libxlsxwriter writes 16
  EXPECT_EQ(e1[4].text, "0.30000000000000004");
  EXPECT_EQ(e1[5].text, "是");
  EXPECT_EQ(e1[6].type, T::text);                                 // before Excel's calendar
  EXPECT_EQ(e1[6].text, "1899-12-31");
  const auto& e2 = rows[2];
  ASSERT_EQ(e2.size(), 6u);                                        // lon is missing: no cell
  EXPECT_EQ(e2[1].text, "  两端空格\t");
  EXPECT_EQ(e2[4].text, "否");
  EXPECT_EQ(e2[5].type, T::number);
  EXPECT_TRUE(e2[5].date);
  EXPECT_EQ(ingest::excel_date(static_cast<std::int64_t>(e2[5].number), wb->date1904()), "1900-03-01");

  auto b = open("b.db");
  import(*b, {o.out});
  EXPECT_EQ(records(*b), records(*a));
}

TEST_F(ExportWorkbook, WorkbookRefusesTextACellCannotCarryAndLeavesNothing) {
  auto a = open("a.db");
  import(*a, {write_inputs("in", enterprises(), facilities())});
  ExportOptions o;
  o.format = Format::xlsx;
  o.out = tmp.path() / "out";
  o.workbook = writer();
  try {
    exporting::export_store(*a, o);
    FAIL() << "exported";
  } catch (const store::StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("facility record 1 (sheet row 2), field kind: it holds the control character "
                                         "U+000D"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(leftovers({"in"}), std::vector<std::string>{});
}

}  // namespace
}  // namespace eco::engine
