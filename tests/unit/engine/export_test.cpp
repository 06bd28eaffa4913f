// engine/export: the store's records written back as CSV files or an XLSX workbook, and read
// back by the importer to the same records (every field of every record type: Chinese text,
// text a CSV must quote, doubles that need 17 digits, dates before Excel's calendar, missing
// optional values, identical keyless rows); the records as they stood after an earlier batch;
// and the requests and stores that must fail leaving nothing behind.
#include <gtest/gtest.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "engine/export/export.hpp"
#include "engine/ingest/import.hpp"
#include "engine/ingest/workbook.hpp"
#include "store_fixture.hpp"

namespace eco::engine {
namespace {

namespace fs = std::filesystem;
using exporting::ExportOptions;
using exporting::Format;
using testing::make_schema;
using testing::TempDir;
using testing::uscc;

// The record tables' fields (value and SQLite type), in store order: what an export must
// carry. Provenance (_batch, _file, _line) and history are the importing store's own.
std::string records(store::Store& st) {
  std::string out;
  for (const auto& r : st.schema().records) {
    out += "## " + r.name + "\n";
    std::string cols;
    for (const auto& f : r.fields) cols += (cols.empty() ? "" : ", ") + fmt::format("typeof(\"{0}\"), \"{0}\"", f.name);
    SQLite::Statement q(st.db(), fmt::format("SELECT {} FROM \"{}\" ORDER BY _row", cols, r.name));
    while (q.executeStep()) {
      for (int i = 0; i < q.getColumnCount(); ++i) {
        const auto& c = q.getColumn(i);
        // Doubles in full: getString() would show 15 digits and hide a lost last digit.
        out += c.isNull() ? "NULL" : c.isFloat() ? fmt::format("{}", c.getDouble()) : c.getString();
        out += '|';
      }
      out += '\n';
    }
  }
  return out;
}

// The replaced versions (fields, and the batch that replaced each) and each batch's new and
// updated records. (A batch's rows read and unchanged are its files': a state re-imported
// whole reads the unchanged records again.)
std::string history(store::Store& st) {
  std::string out;
  for (const auto& r : st.schema().records) {
    out += "## _history_" + r.name + "\n";
    std::string cols;
    for (const auto& f : r.fields) cols += fmt::format("quote(\"{}\"), ", f.name);
    SQLite::Statement q(st.db(), fmt::format("SELECT {}_replaced_by FROM \"_history_{}\" ORDER BY _row, _replaced_by",
                                             cols, r.name));
    while (q.executeStep()) {
      for (int i = 0; i < q.getColumnCount(); ++i) out += q.getColumn(i).getString() + "|";
      out += '\n';
    }
  }
  out += "## _batch\n";
  SQLite::Statement b(st.db(), "SELECT id, rows_new, rows_updated FROM _batch ORDER BY id");
  while (b.executeStep()) {
    for (int i = 0; i < b.getColumnCount(); ++i) out += b.getColumn(i).getString() + "|";
    out += '\n';
  }
  return out;
}

const std::string kEnt1 = uscc("91140700MA0K00001");
const std::string kEnt2 = uscc("91140700MA0K00002");

// Values chosen to break a careless writer.
std::string enterprises() {
  return "id,name,county,industry,lon,key_discharge_unit,emergency_plan_filed_on\n" + kEnt1 +
         ",\"山西焦化, 股份\"\"有限\"\"公司\",榆次区,coking,0.30000000000000004,true,1899-12-31\n" + kEnt2 +
         ",\"  两端空格\t\",介休市,steel,,false,1900-03-01\n";
}
std::string facilities() {
  return "id,enterprise_id,kind,capacity_t\n"
         "F1," + kEnt1 + ",\"多行\r\n文本\n第三行\",123456789.12345679\n"
         "F2," + kEnt1 + ",coke_oven,1e+300\n"
         "F3," + kEnt2 + ",_x0041_ 字面,\n";
}
std::string transports() {
  return "enterprise_id,plate,entered_on,tonnes\n" + kEnt1 + ",晋K12345,1900-02-28,5e-324\n" + kEnt1 +
         ",晋K12345,1900-02-28,5e-324\n" + kEnt2 + ",\"\"\"引号\"\"\",2024-06-30,-0.1\n";
}
std::string declarations() {
  return "enterprise_id,year,waste_code\n" + kEnt1 + ",9007199254740993,HW08\n" + kEnt2 + ",-7,HW49\n";
}

struct Export : ::testing::Test {
  TempDir tmp;
  std::unique_ptr<dsl::model::Schema> schema = make_schema();

  std::unique_ptr<store::Store> open(const std::string& name) {
    store::OpenOptions o;
    o.create = true;
    return store::Store::open(tmp.path() / name, *schema, o);
  }
  void import(store::Store& st, const std::vector<fs::path>& paths) {
    auto r = ingest::import_paths(st, paths);
    std::string errors;
    for (const auto& e : r.errors) errors += ingest::render(e) + "\n";
    ASSERT_TRUE(r.ok) << errors;
  }
  fs::path write_inputs(const std::string& folder, const std::string& ent, const std::string& fac) {
    fs::path d = tmp.path() / folder;
    tmp.write(folder + "/enterprise.csv", ent);
    tmp.write(folder + "/facility.csv", fac);
    return d;
  }
  // Nothing beside the store files and `keep` in the temporary folder: no output, no .part.
  std::vector<std::string> leftovers(const std::vector<std::string>& keep) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(tmp.path())) {
      std::string n = e.path().filename().string();
      bool kept = n.starts_with("a.db");
      for (const auto& k : keep) kept = kept || n == k;
      if (!kept) out.push_back(n);
    }
    return out;
  }
};

TEST(ExportCsvCell, QuotesOnlyWhatTheImporterWouldReadOtherwise) {
  EXPECT_EQ(exporting::csv_cell("plain 中文 text"), "plain 中文 text");
  EXPECT_EQ(exporting::csv_cell("a,b"), "\"a,b\"");
  EXPECT_EQ(exporting::csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(exporting::csv_cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(exporting::csv_cell("cr\r"), "\"cr\r\"");
  EXPECT_EQ(exporting::csv_cell(" lead"), "\" lead\"");
  EXPECT_EQ(exporting::csv_cell("trail\t"), "\"trail\t\"");
  EXPECT_EQ(exporting::csv_cell("in side"), "in side");
}

TEST(ExportDoubleText, ShortestRoundTripInPlainDecimalsWhereShort) {
  EXPECT_EQ(exporting::double_text(1000000), "1000000");
  EXPECT_EQ(exporting::double_text(6), "6");
  EXPECT_EQ(exporting::double_text(0.1), "0.1");
  EXPECT_EQ(exporting::double_text(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(exporting::double_text(1e20), "1e+20");
  EXPECT_EQ(exporting::double_text(5e-324), "5e-324");
  for (double v : {0.1 + 0.2, 1e300, 5e-324, 123456789.12345679, -2.5e-7, 9007199254740993.0, 1e16 - 2}) {
    double back = 0;
    std::string t = exporting::double_text(v);
    std::from_chars(t.data(), t.data() + t.size(), back);
    EXPECT_EQ(back, v) << t;
  }
}

// Import → export → import into a fresh store: the same records, for each format.
TEST_F(Export, ExportImportsBackToTheSameRecords) {
  auto a = open("a.db");
  fs::path in = write_inputs("in", enterprises(), facilities());
  tmp.write("in/transport_entry.csv", transports());
  tmp.write("in/hw_declaration.csv", declarations());
  import(*a, {in});
  const std::string want = records(*a);
  ASSERT_NE(want.find("0.30000000000000004"), std::string::npos) << want;
  ASSERT_NE(want.find("多行\r\n文本"), std::string::npos) << want;

  ExportOptions o;
  o.out = tmp.path() / "out";
  auto res = exporting::export_store(*a, o);
  EXPECT_EQ(res.rows, 10u);
  EXPECT_EQ(res.batch, 1);
  ASSERT_EQ(res.records.size(), 4u);  // the record types holding records; application has none
  EXPECT_EQ(res.records[0].record, "enterprise");
  EXPECT_EQ(res.records[0].rows, 2u);
  EXPECT_TRUE(fs::exists(o.out / "enterprise.csv"));
  EXPECT_FALSE(fs::exists(o.out / "application.csv"));
  std::ifstream f(o.out / "facility.csv", std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_EQ(ss.str(), "id,enterprise_id,kind,capacity_t\nF1," + kEnt1 +
                          ",\"多行\r\n文本\n第三行\",123456789.12345679\nF2," + kEnt1 + ",coke_oven,1e+300\nF3," + kEnt2 +
                          ",_x0041_ 字面,\n");
  auto b = open("b.db");
  import(*b, {o.out});
  EXPECT_EQ(records(*b), want);
}

// The workbook round trip, over the values a workbook can carry exactly.
TEST_F(Export, WorkbookImportsBackToTheSameRecords) {
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
  o.guide.heading = "数据导出: test";
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

TEST_F(Export, WorkbookRefusesTextACellCannotCarryAndLeavesNothing) {
  auto a = open("a.db");
  import(*a, {write_inputs("in", enterprises(), facilities())});
  ExportOptions o;
  o.format = Format::xlsx;
  o.out = tmp.path() / "out";
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

// --data-as-of: after a second import changed and added records, the export of batch 1 holds
// the first import's records.
TEST_F(Export, AsOfAnEarlierBatchExportsTheRecordsAsTheyStoodThen) {
  auto a = open("a.db");
  fs::path first = write_inputs("first", enterprises(), facilities());
  import(*a, {first});
  auto only_first = open("first.db");
  import(*only_first, {first});
  const std::string then = records(*only_first);
  fs::path second =
      write_inputs("second",
                   "id,name,county,industry\n" + kEnt1 + ",改名后的公司,太谷区,steel\n" + uscc("91140700MA0K00003") +
                       ",新企业,榆次区,coking\n",
                   "id,enterprise_id,kind,capacity_t\nF2," + kEnt1 + ",coke_oven,2\nF9," + kEnt2 + ",boiler,\n");
  import(*a, {second});
  ASSERT_NE(records(*a), then);

  for (Format format : {Format::csv, Format::xlsx}) {
    ExportOptions o;
    o.format = format;
    o.as_of_batch = 1;
    o.out = tmp.path() / (format == Format::csv ? "asof-csv" : "asof-xlsx");
    if (format == Format::xlsx) {
      // The first import's facility text holds a carriage return (refused by a workbook).
      EXPECT_THROW(exporting::export_store(*a, o), store::StoreError);
      continue;
    }
    auto res = exporting::export_store(*a, o);
    EXPECT_EQ(res.batch, 1);
    EXPECT_EQ(res.rows, 5u);
    auto b = open("asof.db");
    import(*b, {o.out});
    EXPECT_EQ(records(*b), then);
  }
  // And now: the second import's records.
  ExportOptions now;
  now.out = tmp.path() / "now";
  auto res = exporting::export_store(*a, now);
  EXPECT_EQ(res.batch, 2);
  EXPECT_EQ(res.rows, 7u);
  auto c = open("now.db");
  import(*c, {now.out});
  EXPECT_EQ(records(*c), records(*a));
}

// --history: one folder per batch; imported in order into a new store they rebuild the records,
// the replaced versions and each batch's counts.
TEST_F(Export, HistoryFoldersRebuildTheRecordsAndTheirHistory) {
  auto a = open("a.db");
  import(*a, {write_inputs("first", enterprises(), facilities())});
  import(*a, {write_inputs("second", "id,name,county,industry\n" + kEnt1 + ",改名后的公司,太谷区,steel\n",
                           "id,enterprise_id,kind,capacity_t\nF2," + kEnt1 + ",coke_oven,2\nF9," + kEnt2 + ",boiler,\n")});
  tmp.write("third/transport_entry.csv", transports());
  tmp.write("third/facility.csv", "id,enterprise_id,kind,capacity_t\nF2," + kEnt1 + ",coke_oven,1e+300\n");
  import(*a, {tmp.path() / "third"});
  const std::string want = history(*a);
  // The first name, replaced by batch 2; F2's capacity of batch 2, replaced by batch 3.
  ASSERT_NE(want.find("'山西焦化, 股份\"有限\"公司'|'榆次区'|'coking'|3.00000000000000044408e-01|1|'1899-12-31'|2|"),
            std::string::npos)
      << want;
  ASSERT_NE(want.find("'F2'|'" + kEnt1 + "'|'coke_oven'|2.0|3|"), std::string::npos) << want;

  ExportOptions o;
  o.out = tmp.path() / "out";
  o.history = true;
  auto res = exporting::export_store(*a, o);
  EXPECT_EQ(res.batches, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(res.rows, 9u);  // the last folder: the store now
  auto b = open("b.db");
  for (const char* d : {"batch-0001", "batch-0002", "batch-0003"}) import(*b, {o.out / d});
  EXPECT_EQ(records(*b), records(*a));
  EXPECT_EQ(history(*b), want);

  // Up to batch 2 only.
  o.out = tmp.path() / "out2";
  o.as_of_batch = 2;
  res = exporting::export_store(*a, o);
  EXPECT_EQ(res.batches, (std::vector<std::int64_t>{1, 2}));
  EXPECT_FALSE(fs::exists(o.out / "batch-0003"));
}

TEST_F(Export, BadRequestsFailClearlyAndWriteNothing) {
  auto a = open("a.db");
  import(*a, {write_inputs("in", enterprises(), facilities())});
  auto fails = [&](ExportOptions o, const std::string& message) {
    try {
      exporting::export_store(*a, o);
      ADD_FAILURE() << "exported to " << o.out;
    } catch (const exporting::RequestError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  };
  ExportOptions o;
  o.out = tmp.path() / "out";
  o.as_of_batch = 7;
  fails(o, "--data-as-of 7: the store has no batch 7");
  o.as_of_batch.reset();
  o.out = tmp.path() / "missing" / "out";
  fails(o, "does not exist");
  o.out = tmp.path() / "a.db";
  fails(o, "exists and is not a folder");
  tmp.write("full/keep.txt", "data");
  o.out = tmp.path() / "full";
  fails(o, "the folder is not empty");
  EXPECT_EQ(leftovers({"in", "full"}), std::vector<std::string>{});
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path() / "full"), fs::directory_iterator()), 1);

  // An empty folder is taken.
  fs::create_directory(tmp.path() / "empty");
  o.out = tmp.path() / "empty";
  EXPECT_EQ(exporting::export_store(*a, o).files.size(), 2u);
  EXPECT_TRUE(fs::exists(tmp.path() / "empty" / "facility.csv"));
}

// A value the import would not read back as stored (a store changed by hand) stops the export
// after some files were written: none of them is left.
TEST_F(Export, AStoredValueOfTheWrongTypeStopsTheExportAndLeavesNothing) {
  auto a = open("a.db");
  import(*a, {write_inputs("in", enterprises(), facilities())});
  a->db().exec("UPDATE facility SET capacity_t = 'lots' WHERE id = 'F2'");
  ExportOptions o;
  o.out = tmp.path() / "out";
  try {
    exporting::export_store(*a, o);
    FAIL() << "exported";
  } catch (const exporting::RequestError&) {
    FAIL() << "not a request error";
  } catch (const store::StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("facility.capacity_t of row 2 holds 'lots': text, not a number"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(leftovers({"in"}), std::vector<std::string>{});
}

}  // namespace
}  // namespace eco::engine
