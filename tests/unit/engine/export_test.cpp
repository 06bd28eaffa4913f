// engine/export: the store's records written back as CSV files, and read back by the importer
// to the same records (every field of every record type: Chinese text,
// text a CSV must quote, doubles that need 17 digits, dates before Excel's calendar, missing
// optional values, identical keyless rows); the records as they stood after an earlier batch;
// and the requests and stores that must fail leaving nothing behind. (The workbook, written
// through the application layer's layout: tests/unit/app/export_workbook_test.cpp.)
#include <gtest/gtest.h>

#include <charconv>

#include "export_fixture.hpp"

namespace fs = std::filesystem;

namespace eco::engine {
namespace {

using namespace eco::engine::testing;

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

  ExportOptions o;
  o.as_of_batch = 1;
  o.out = tmp.path() / "asof";
  auto res1 = exporting::export_store(*a, o);
  EXPECT_EQ(res1.batch, 1);
  EXPECT_EQ(res1.rows, 5u);
  auto b = open("asof.db");
  import(*b, {o.out});
  EXPECT_EQ(records(*b), then);

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
  o.format = Format::xlsx;  // without the application's workbook writer
  fails(o, "--format xlsx: no workbook writer");
  o.format = Format::csv;
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
