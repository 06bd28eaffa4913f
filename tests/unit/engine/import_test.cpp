// Import: validation errors with their locations, all-or-nothing, idempotence, upsert with
// history, provenance, encodings, XML and JSON documents, and store failures.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engine/ingest/import.hpp"
#include "engine/ingest/text.hpp"
#include "engine/store/schema_sql.hpp"
#include "tests/unit/engine/store_fixture.hpp"

namespace eco::engine::testing {
namespace {

using ingest::ImportError;
using ingest::ImportOptions;
using ingest::ImportResult;
using ::testing::HasSubstr;

const std::string E1 = uscc("91140700MA0K00001");
const std::string E2 = uscc("91140702MA0K00002");

class Import : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = make_schema();
    store_ = store::Store::open(dir_.path() / "s.db", *schema_, store::OpenOptions{.create = true});
  }

  std::string good_enterprises() {
    return "id,name,county,industry,lon,key_discharge_unit\n" + E1 + ",甲焦化,介休市,coking,111.9,是\n" + E2 +
           ",乙钢铁,榆次区,steel,,0\n";
  }

  ImportResult run(std::vector<std::filesystem::path> paths, ImportOptions o = {}) {
    return ingest::import_paths(*store_, paths, o);
  }

  // Imports a good base batch, then `files`, expecting that import to fail without changing
  // anything; returns its errors.
  ImportResult rejected(std::vector<std::filesystem::path> files, ImportOptions o = {}) {
    auto base = run({dir_.write("base/enterprise.csv", good_enterprises())});
    EXPECT_TRUE(base.ok);
    std::string before = dump(store_->db());
    auto r = run(files, o);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.batch, 0);
    EXPECT_GT(r.error_count, 0u);
    EXPECT_EQ(dump(store_->db()), before) << "a rejected import changed the store";
    return r;
  }

  static std::string first(const ImportResult& r) { return r.errors.empty() ? "" : ingest::render(r.errors[0]); }

  TempDir dir_;
  std::unique_ptr<Schema> schema_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(Import, ImportsCsvWithProvenanceAndBatch) {
  auto ent = dir_.write("d/enterprise.csv", good_enterprises());
  auto fac = dir_.write("d/facility.csv", "id,enterprise_id,kind\nCO-1," + E1 + ",coke_oven\nCO-2," + E1 + ",coke_oven\n");
  auto r = run({dir_.path() / "d"});
  ASSERT_TRUE(r.ok) << first(r);
  EXPECT_EQ(r.batch, 1);
  EXPECT_EQ(r.rows_new, 4u);
  EXPECT_EQ(store_->count("enterprise"), 2);
  SQLite::Statement q(store_->db(),
                      "SELECT e.name, e.lon, e.key_discharge_unit, e._line, f.path, f.sha256 FROM enterprise e "
                      "JOIN _batch_file f ON f.id = e._file WHERE e.id = ?");
  q.bind(1, E1);
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), "甲焦化");
  EXPECT_DOUBLE_EQ(q.getColumn(1).getDouble(), 111.9);
  EXPECT_EQ(q.getColumn(2).getInt(), 1);
  EXPECT_EQ(q.getColumn(3).getInt(), 2);
  EXPECT_EQ(q.getColumn(4).getString(), ent.string());
  EXPECT_EQ(q.getColumn(5).getString(), store::sha256_hex(good_enterprises()));
  // Missing optional value is NULL, never 0.
  EXPECT_TRUE(store_->db().execAndGet("SELECT lon IS NULL FROM enterprise WHERE id = '" + E2 + "'").getInt());
  // Reference enforcement is off only inside the import's transaction.
  EXPECT_EQ(store_->db().execAndGet("PRAGMA foreign_keys").getInt(), 1);
  EXPECT_THROW(store_->db().exec("INSERT INTO facility(id, enterprise_id, kind, _batch, _file) VALUES('X', 'nobody', 'k', 1, 1)"),
               SQLite::Exception);
  auto batches = store_->batches();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].rows_new, 4);
  ASSERT_EQ(batches[0].files.size(), 2u);
  EXPECT_EQ(batches[0].files[1].path, fac.string());
  EXPECT_EQ(batches[0].files[1].rows_read, 2);
}

TEST_F(Import, AFileNamedTwiceIsReadOnce) {
  auto f = dir_.write("d/enterprise.csv", good_enterprises());
  auto r = run({dir_.path() / "d", f});
  ASSERT_TRUE(r.ok) << first(r);
  EXPECT_EQ(r.files.size(), 1u);
}

TEST_F(Import, SameFilesTwiceLeaveTheSameStore) {
  dir_.write("d/enterprise.csv", good_enterprises());
  dir_.write("d/transport_entry.csv", "enterprise_id,plate,entered_on,tonnes\n" + E1 + ",晋K12345,2024-03-01,30\n" + E1 +
                                          ",晋K12345,2024-03-01,30\n");
  ASSERT_TRUE(run({dir_.path() / "d"}).ok);
  EXPECT_EQ(store_->count("transport_entry"), 2);  // two identical trips are two records
  std::string before = dump(store_->db());
  auto again = run({dir_.path() / "d"});
  ASSERT_TRUE(again.ok) << first(again);
  EXPECT_EQ(again.batch, 0);
  EXPECT_EQ(again.rows_unchanged, 4u);
  EXPECT_EQ(dump(store_->db()), before);
}

TEST_F(Import, UpsertKeepsReplacedVersionInHistory) {
  ASSERT_TRUE(run({dir_.write("a/enterprise.csv", good_enterprises())}).ok);
  std::string changed = good_enterprises();
  changed.replace(changed.find("甲焦化"), std::string("甲焦化").size(), "甲焦化集团");
  auto r = run({dir_.write("b/enterprise.csv", changed)});
  ASSERT_TRUE(r.ok) << first(r);
  EXPECT_EQ(r.rows_updated, 1u);
  EXPECT_EQ(r.rows_unchanged, 1u);
  EXPECT_EQ(store_->count("enterprise"), 2);
  SQLite::Statement h(store_->db(), "SELECT name, _batch, _replaced_by FROM _history_enterprise");
  ASSERT_TRUE(h.executeStep());
  EXPECT_EQ(h.getColumn(0).getString(), "甲焦化");
  EXPECT_EQ(h.getColumn(1).getInt(), 1);
  EXPECT_EQ(h.getColumn(2).getInt(), 2);
  EXPECT_FALSE(h.executeStep());
  EXPECT_EQ(store_->db().execAndGet("SELECT _batch FROM enterprise WHERE id = '" + E2 + "'").getInt(), 1);
}

TEST_F(Import, EnumErrorListsAllowedValues) {
  auto r = rejected({dir_.write("enterprise.csv", "id,name,county,industry\n" + E1 + ",甲,太原市,coking\n")});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_EQ(r.errors[0].column, 3u);
  EXPECT_EQ(r.errors[0].field, "county");
  EXPECT_EQ(r.errors[0].code, "I006");
  EXPECT_THAT(first(r), HasSubstr("enterprise.csv:2:3: error[I006]: enterprise.county: '太原市' is not a value of "
                                  "county; allowed: 榆次区, 太谷区, 介休市"));
}

TEST_F(Import, RequiredFieldMissing) {
  auto r = rejected({dir_.write("enterprise.csv", "id,name,county,industry\n" + E1 + ",,榆次区,coking\n")});
  EXPECT_THAT(first(r), HasSubstr("enterprise.csv:2:2: error[I007]: enterprise.name: required field is missing"));
}

TEST_F(Import, DatesMustExistAndTypesMustMatch) {
  auto r = rejected({dir_.write("enterprise.csv",
                                "id,name,county,industry,lon,key_discharge_unit,emergency_plan_filed_on\n" + E1 +
                                    ",甲,榆次区,coking,east,maybe,2023-02-29\n")});
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_THAT(ingest::render(r.errors[0]), HasSubstr(":2:5: error[I006]: enterprise.lon: 'east' is not a number"));
  EXPECT_THAT(ingest::render(r.errors[1]), HasSubstr(":2:6: error[I006]: enterprise.key_discharge_unit: 'maybe' is not a boolean"));
  EXPECT_THAT(ingest::render(r.errors[2]), HasSubstr(":2:7: error[I006]: enterprise.emergency_plan_filed_on: '2023-02-29' is not a date that exists"));
}

TEST_F(Import, IntegerField) {
  auto r = rejected({dir_.write("hw_declaration.csv", "enterprise_id,year,waste_code\n" + E1 + ",2023.5,HW08\n")});
  EXPECT_THAT(first(r), HasSubstr("hw_declaration.csv:2:2: error[I006]: hw_declaration.year: '2023.5' is not an integer"));
}

TEST_F(Import, DuplicateKeyNamesBothPlaces) {
  auto f = dir_.write("enterprise.csv", "id,name,county,industry\n" + E1 + ",甲,榆次区,coking\n" + E1 + ",乙,榆次区,coking\n");
  auto r = rejected({f});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, "I008");
  EXPECT_THAT(first(r), HasSubstr("enterprise.csv:3:1: error[I008]: enterprise.id: duplicate key '" + E1 +
                                  "': the same enterprise is also at " + f.string() + ":2"));
}

TEST_F(Import, DuplicateKeyInATableLoadedFromEmpty) {
  // facility is empty, so it is bulk-loaded and its duplicates are found when it is indexed.
  auto f = dir_.write("facility.csv", "id,enterprise_id,kind\nCO-1," + E1 + ",coke_oven\nCO-2," + E1 + ",coke_oven\nCO-1," +
                                          E2 + ",sinter\n");
  auto r = rejected({f});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_THAT(first(r), HasSubstr("facility.csv:4:1: error[I008]: facility.id: duplicate key 'CO-1': the same facility is "
                                  "also at " + f.string() + ":2"));
  EXPECT_EQ(store_->count("facility"), 0);
  // The rollback restored the unique index.
  EXPECT_EQ(store_->db().execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'facility___key'").getInt(), 1);
}

TEST_F(Import, DuplicateKeyEvenWhenFirstOccurrenceIsUnchanged) {
  // E1 is in the store already (base batch); the file repeats it unchanged, then changed.
  auto r = rejected({dir_.write("enterprise.csv", "id,name,county,industry,lon,key_discharge_unit\n" + E1 +
                                                      ",甲焦化,介休市,coking,111.9,是\n" + E1 + ",变了,介休市,coking,111.9,是\n")});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 3u);
  EXPECT_EQ(r.errors[0].code, "I008");
}

TEST_F(Import, UnresolvedReference) {
  auto r = rejected({dir_.write("facility.csv", "id,enterprise_id,kind\nCO-1," + E1 + ",coke_oven\nCO-2,91140700MA0K99999X,coke_oven\n")});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_THAT(first(r), HasSubstr("facility.csv:3:2: error[I009]: facility.enterprise_id: '91140700MA0K99999X' names no "
                                  "enterprise (not in this import, not in the store)"));
}

TEST_F(Import, ReferencesResolveWithinTheBatch) {
  auto fac = dir_.write("d/facility.csv", "id,enterprise_id,kind\nCO-1," + E1 + ",coke_oven\n");
  auto ent = dir_.write("d/enterprise.csv", good_enterprises());
  auto r = run({fac, ent});  // the child file comes first
  EXPECT_TRUE(r.ok) << first(r);
}

TEST_F(Import, UsccCheckCharacter) {
  std::string bad = E1.substr(0, 17) + (E1[17] == '0' ? '1' : '0');
  auto r = rejected({dir_.write("enterprise.csv", "id,name,county,industry\n" + bad + ",甲,榆次区,coking\n")});
  EXPECT_THAT(first(r), HasSubstr(":2:1: error[I006]: enterprise.id: '" + bad + "' is not a valid 统一社会信用代码: check character is"));
  // The check is the schema's (`validate uscc`); the options can turn the schema's checks off.
  ImportOptions none;
  none.schema_validators = false;
  EXPECT_TRUE(run({dir_.write("x/enterprise.csv", "id,name,county,industry\n" + bad + ",甲,榆次区,coking\n")}, none).ok);
}

TEST_F(Import, WasteCodes) {
  auto r = rejected({dir_.write("hw_declaration.csv", "enterprise_id,year,waste_code\n" + E1 + ",2023,HW08\n" + E1 +
                                                          ",2023,HW42\n" + E1 + ",2023,HW51\n")});
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_THAT(first(r), HasSubstr("hw_declaration.csv:3:3: error[I006]: hw_declaration.waste_code: 'HW42' is not a "
                                  "hazardous-waste category (HW01-HW40 or HW45-HW50)"));
  EXPECT_EQ(r.errors[1].line, 4u);
}

TEST_F(Import, HeaderUnknownAndMissingColumns) {
  auto r = rejected({dir_.write("enterprise.csv", "id,name,industry,colour\n" + E1 + ",甲,coking,red\n")});
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_THAT(ingest::render(r.errors[0]), HasSubstr("enterprise.csv:1:4: error[I004]: enterprise: column 'colour' names no field of enterprise"));
  EXPECT_THAT(ingest::render(r.errors[1]), HasSubstr("enterprise.csv:1: error[I004]: enterprise.county: required column 'county' is missing"));
}

TEST_F(Import, RaggedRow) {
  auto r = rejected({dir_.write("enterprise.csv", "id,name,county,industry\n" + E1 + ",甲,榆次区\n")});
  EXPECT_THAT(first(r), HasSubstr("enterprise.csv:2:4: error[I005]: enterprise: row has 3 fields, the header has 4"));
}

TEST_F(Import, TruncatedFileInsideQuotes) {
  auto r = rejected({dir_.write("enterprise.csv", "id,name,county,industry\n" + E1 + ",\"甲焦化\n有限公司,榆次区")});
  EXPECT_THAT(first(r), HasSubstr("enterprise.csv:2:1: error[I003]: the file ends inside a quoted field that starts on line 2"));
}

TEST_F(Import, MalformedQuote) {
  auto r = rejected({dir_.write("enterprise.csv", "id,name,county,industry\n" + E1 + ",\"甲\"x,榆次区,coking\n")});
  EXPECT_EQ(r.errors[0].code, "I003");
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_THAT(first(r), HasSubstr("malformed quoting"));
}

TEST_F(Import, BinaryFile) {
  static const char kElf[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\xff\xfe";
  std::string bin(kElf, sizeof kElf - 1);
  auto r = rejected({dir_.write("enterprise.csv", bin)});
  EXPECT_THAT(first(r), HasSubstr("enterprise.csv:1:8: error[I002]: binary data, not text (NUL byte at offset 7)"));
}

TEST_F(Import, EmptyFile) {
  auto r = rejected({dir_.write("enterprise.csv", "")});
  EXPECT_THAT(first(r), HasSubstr("empty file"));
}

TEST_F(Import, UnknownRecordFileName) {
  auto r = rejected({dir_.write("enterprises.csv", good_enterprises())});
  EXPECT_THAT(first(r), HasSubstr("no record type 'enterprises'"));
}

TEST_F(Import, QuotedFieldsBomAndCrlf) {
  std::string text = "\xEF\xBB\xBFid,name,county,industry\r\n" + E1 + ",\"甲, \"\"焦化\"\"\r\n有限公司\",榆次区,coking\r\n\r\n" +
                     E2 + ",乙,太谷区,steel\r\n";
  auto r = run({dir_.write("enterprise.csv", text)});
  ASSERT_TRUE(r.ok) << first(r);
  EXPECT_EQ(store_->db().execAndGet("SELECT name FROM enterprise WHERE id = '" + E1 + "'").getString(),
            "甲, \"焦化\"\r\n有限公司");
  // Line numbers count physical lines: E2 starts on line 5 after the embedded newline and a blank line.
  EXPECT_EQ(store_->db().execAndGet("SELECT _line FROM enterprise WHERE id = '" + E2 + "'").getInt(), 5);
}

TEST_F(Import, Gb18030IsDetected) {
  auto gb = ingest::gb18030_to_utf8("x");  // sanity: converter present
  ASSERT_TRUE(gb);
  // "甲焦化" and "介休市" in GB18030.
  std::string name = "\xBC\xD7\xBD\xB9\xBB\xAF";
  std::string county = "\xBD\xE9\xD0\xDD\xCA\xD0";
  auto f = dir_.write("enterprise.csv", "id,name,county,industry\n" + E1 + "," + name + "," + county + ",coking\n");
  auto r = run({f});
  ASSERT_TRUE(r.ok) << first(r);
  EXPECT_EQ(r.files[0].encoding, "gb18030");
  EXPECT_EQ(store_->db().execAndGet("SELECT name || county FROM enterprise").getString(), "甲焦化介休市");
  // Forcing UTF-8 on it is an error that says where.
  TempDir other;
  auto schema = make_schema();
  auto st = store::Store::open(other.path() / "s.db", *schema, store::OpenOptions{.create = true});
  ImportOptions o;
  o.encoding = ingest::Encoding::utf8;
  auto bad = ingest::import_paths(*st, {f}, o);
  ASSERT_FALSE(bad.ok);
  EXPECT_THAT(first(bad), HasSubstr("enterprise.csv:2:20: error[I002]: not valid UTF-8 (byte 0xBC at byte offset 43)"));
}

TEST_F(Import, LargeFilesCrossEveryChunkBoundary) {
  // Over 1 MiB of multi-byte text and many queue chunks, in UTF-8 and in GB18030: every row
  // arrives, with its own line number.
  const int n = 30000;
  std::string utf8 = "id,name,county,industry\n", gb = utf8;
  for (int i = 0; i < n; ++i) {
    std::string id = uscc(fmt::format("91140700MA{:07X}", i));
    utf8 += id + ",甲焦化有限公司第" + std::to_string(i) + "厂,介休市,coking\n";
    gb += id + ",\xBC\xD7\xBD\xB9\xBB\xAF" + std::to_string(i) + ",\xBD\xE9\xD0\xDD\xCA\xD0,coking\n";
  }
  ASSERT_GT(utf8.size(), 1u << 20);
  auto r = run({dir_.write("u/enterprise.csv", utf8)});
  ASSERT_TRUE(r.ok) << first(r);
  EXPECT_EQ(store_->count("enterprise"), n);
  EXPECT_EQ(store_->db().execAndGet("SELECT max(_line) FROM enterprise").getInt(), n + 1);
  EXPECT_EQ(store_->db().execAndGet("SELECT name FROM enterprise WHERE _line = 20001").getString(), "甲焦化有限公司第19999厂");
  auto g = run({dir_.write("g/enterprise.csv", gb)});
  ASSERT_TRUE(g.ok) << first(g);
  EXPECT_EQ(g.files[0].encoding, "gb18030");
  EXPECT_EQ(g.rows_updated, static_cast<std::uint64_t>(n));
  EXPECT_EQ(store_->db().execAndGet("SELECT name || county FROM enterprise WHERE _line = 20001").getString(), "甲焦化19999介休市");
  EXPECT_EQ(store_->db().execAndGet("SELECT count(*) FROM _history_enterprise").getInt(), n);
}

TEST_F(Import, NestedChildContradictingItsParent) {
  auto r = rejected({dir_.write("app.json", R"({"application": {"id": "A1", "industry": "coking",
      "application_zone": [{"application_id": "A2", "zone": "z"}]}})")});
  EXPECT_THAT(first(r), HasSubstr("app.json: error[I010]: /application/application_zone/0: application_zone.application_id: "
                                  "'A2' contradicts the enclosing application 'A1'"));
}

TEST_F(Import, ErrorsAreCappedButCounted) {
  std::string text = "id,name,county,industry\n";
  for (int i = 0; i < 120; ++i) text += E1 + ",甲,nowhere,coking\n";
  ImportOptions o;
  o.max_errors_per_file = 10;
  auto r = rejected({dir_.write("enterprise.csv", text)}, o);
  EXPECT_EQ(r.errors.size(), 10u);
  EXPECT_EQ(r.error_count, 120u);
  EXPECT_EQ(r.files[0].error_count, 120u);
}

TEST_F(Import, AllOrNothingAcrossFiles) {
  // The first file is fine; the second has one bad row: nothing of either is written.
  auto r = rejected({dir_.write("d/facility.csv", "id,enterprise_id,kind\nCO-1," + E1 + ",coke_oven\n"),
                     dir_.write("d/transport_entry.csv", "enterprise_id,plate,entered_on\n" + E1 + ",晋K1,2024-13-01\n")});
  EXPECT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(store_->count("facility"), 0);
}

TEST_F(Import, MissingPath) {
  auto r = rejected({dir_.path() / "nope.csv"});
  EXPECT_THAT(first(r), HasSubstr("nope.csv: error[I001]: no such file or folder"));
}

TEST_F(Import, XmlWithNestedChildren) {
  auto f = dir_.write("app.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<applications>\n"
                                 "  <application id=\"A1\" industry=\"coking\">\n"
                                 "    <applicant_id>" + E1 + "</applicant_id>\n"
                                 "    <application_zone zone=\"yunzhu_lake\"/>\n"
                                 "    <application_zone><zone>fen_river_bank</zone></application_zone>\n"
                                 "  </application>\n</applications>\n");
  ASSERT_TRUE(run({dir_.write("e/enterprise.csv", good_enterprises())}).ok);
  auto r = run({f});
  ASSERT_TRUE(r.ok) << first(r);
  EXPECT_EQ(r.rows_new, 3u);
  EXPECT_EQ(store_->db().execAndGet("SELECT group_concat(zone, ' ') FROM (SELECT zone FROM application_zone WHERE "
                                    "application_id = 'A1' ORDER BY zone)").getString(),
            "fen_river_bank yunzhu_lake");
  EXPECT_EQ(store_->db().execAndGet("SELECT _loc || ' line ' || _line FROM application_zone ORDER BY _row LIMIT 1").getString(),
            "/applications/application[1]/application_zone[1] line 5");
}

TEST_F(Import, XmlErrorsNameElementPathAndLine) {
  auto f = dir_.write("app.xml", "<application id=\"A1\" industry=\"mining\">\n  <application_zone zone=\"z\"/>\n  <colour>red</colour>\n</application>\n");
  auto r = rejected({f});
  // The zone's application was rejected, so its implied reference resolves to nothing too.
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_THAT(ingest::render(r.errors[2]), HasSubstr("app.xml:2: error[I009]: /application/application_zone[1]/@application_id"));
  EXPECT_THAT(ingest::render(r.errors[0]), HasSubstr("app.xml:1:1: error[I006]: /application/@industry: application.industry: 'mining' is not a value of industry"));
  EXPECT_THAT(ingest::render(r.errors[1]), HasSubstr("app.xml:3:3: error[I010]: /application/colour[1]: 'colour' is not a field of application"));
}

TEST_F(Import, XmlUnclosedElement) {
  auto r = rejected({dir_.write("app.xml", "<applications>\n  <application id=\"A1\" industry=\"coking\">\n</applications>\n")});
  EXPECT_EQ(r.errors[0].code, "I003");
  EXPECT_EQ(r.errors[0].line, 3u);
  EXPECT_THAT(first(r), HasSubstr("malformed XML"));
}

TEST_F(Import, JsonWithNestedChildren) {
  auto f = dir_.write("app.json", R"({"application": [{"id": "A1", "industry": "coking",
     "application_zone": [{"zone": "yunzhu_lake"}, {"zone": "fen_river_bank"}]}],
   "enterprise": {"id": ")" + E1 + R"(", "name": "甲", "county": "榆次区", "industry": "coking", "lon": 112.5, "key_discharge_unit": true}})");
  auto r = run({f});
  ASSERT_TRUE(r.ok) << first(r);
  EXPECT_EQ(r.rows_new, 4u);
  EXPECT_EQ(store_->db().execAndGet("SELECT _loc FROM application_zone ORDER BY _row DESC LIMIT 1").getString(),
            "/application/0/application_zone/1");
  EXPECT_EQ(store_->db().execAndGet("SELECT count(*) FROM application_zone WHERE typeof(_loc) = 'text'").getInt(), 2);
  EXPECT_EQ(store_->db().execAndGet("SELECT key_discharge_unit FROM enterprise").getInt(), 1);
}

TEST_F(Import, JsonDuplicateKey) {
  auto r = rejected({dir_.write("app.json", R"({"application": [{"id": "A1", "industry": "coking", "industry": "steel"}]})")});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_THAT(first(r), HasSubstr("app.json: error[I003]: /application/0/industry: duplicate member name"));
}

TEST_F(Import, JsonTypeErrorsAndSyntax) {
  auto r = rejected({dir_.write("a.json", R"({"enterprise": {"id": ")" + E1 + R"(", "name": 5, "county": "榆次区", "industry": "coking"}})"),
                     dir_.write("b.json", "{\"application\": [\n{\"id\": \"A1\",\n")});
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_THAT(ingest::render(r.errors[0]), HasSubstr("a.json: error[I006]: /enterprise/name: enterprise.name: 5 is not a string"));
  EXPECT_THAT(ingest::render(r.errors[1]), HasSubstr("b.json:3"));
  EXPECT_THAT(ingest::render(r.errors[1]), HasSubstr("error[I003]: malformed JSON"));
}

TEST_F(Import, LockedStore) {
  auto f = dir_.write("enterprise.csv", good_enterprises());
  auto other = make_schema();
  store::OpenOptions oo;
  oo.busy_timeout_ms = 50;
  auto st = store::Store::open(dir_.path() / "s.db", *other, oo);
  SQLite::Database locker((dir_.path() / "s.db").string(), SQLite::OPEN_READWRITE);
  locker.exec("BEGIN IMMEDIATE");
  try {
    ingest::import_paths(*st, {f});
    FAIL();
  } catch (const store::StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("locked by another process"));
  }
  locker.exec("ROLLBACK");
  EXPECT_EQ(st->count("enterprise"), 0);
}

// A writer that meets another one waits for it instead of failing: by default for longer
// than the 5 s a recorded sweep of a million enterprises may hold the lock while it evaluates.
TEST_F(Import, WaitsForAnotherWriter) {
  auto f = dir_.write("enterprise.csv", good_enterprises());
  auto other = make_schema();
  auto st = store::Store::open(dir_.path() / "s.db", *other);  // the default wait
  SQLite::Database locker((dir_.path() / "s.db").string(), SQLite::OPEN_READWRITE);
  locker.exec("BEGIN IMMEDIATE");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5500));
    locker.exec("ROLLBACK");
  });
  const auto t0 = std::chrono::steady_clock::now();
  bool ok = false;
  std::string error;
  try {
    ok = ingest::import_paths(*st, {f}).ok;
  } catch (const store::StoreError& e) {  // gave up waiting (the lock is released after 5.5 s)
    error = e.what();
  }
  release.join();
  EXPECT_TRUE(ok) << error;
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(5000)) << "it did wait for the lock";
  EXPECT_EQ(st->count("enterprise"), 2);
}

// Screening's dry run: the hook sees the staged rows inside the transaction, with the keys of
// the listed record types; nothing is written afterwards. A rejected import never calls it.
TEST_F(Import, DryRunShowsStagedRowsToTheHookAndWritesNothing) {
  ASSERT_TRUE(run({dir_.write("base/enterprise.csv", good_enterprises())}).ok);
  const std::string before = dump(store_->db());
  ImportOptions o;
  o.commit = false;
  o.list_keys_of = {"facility"};
  std::int64_t seen = -1;
  std::vector<std::string> keys;
  std::int64_t staged = 0;
  o.before_commit = [&](store::Store& st, const ImportResult& r) {
    seen = st.count("facility");
    keys = r.keys.count("facility") ? r.keys.at("facility") : std::vector<std::string>{};
    staged = r.staged_batch;
  };
  auto r = run({dir_.write("d/facility.csv", "id,enterprise_id,kind\nCO-2," + E1 + ",coke_oven\nCO-1," + E1 + ",coke_oven\n")}, o);
  ASSERT_TRUE(r.ok) << first(r);
  EXPECT_EQ(seen, 2);
  EXPECT_EQ(keys, (std::vector<std::string>{"CO-2", "CO-1"}));
  EXPECT_EQ(staged, 2);
  EXPECT_EQ(r.batch, 0);
  EXPECT_EQ(dump(store_->db()), before) << "a dry run changed the store";

  bool called = false;
  o.before_commit = [&](store::Store&, const ImportResult&) { called = true; };
  auto bad = run({dir_.write("e/facility.csv", "id,enterprise_id,kind\nCO-3,nobody,coke_oven\n")}, o);
  EXPECT_FALSE(bad.ok);
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace eco::engine::testing
