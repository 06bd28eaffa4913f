// The store: tables from the schema, schema version, migration, read-only and locked files.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/store/schema_sql.hpp"
#include "tests/unit/engine/store_fixture.hpp"

namespace eco::engine::testing {
namespace {

using store::OpenOptions;
using store::Store;
using store::StoreError;
using ::testing::HasSubstr;

std::vector<std::string> columns(SQLite::Database& db, const std::string& table) {
  std::vector<std::string> out;
  SQLite::Statement q(db, "SELECT name, type, \"notnull\" FROM pragma_table_info(?) ORDER BY cid");
  q.bind(1, table);
  while (q.executeStep())
    out.push_back(q.getColumn(0).getString() + ":" + q.getColumn(1).getString() + (q.getColumn(2).getInt() ? "!" : ""));
  return out;
}

TEST(Store, CreatesTablesColumnsKeysAndWal) {
  TempDir dir;
  auto schema = make_schema();
  auto st = Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true});
  EXPECT_TRUE(st->created());
  EXPECT_EQ(columns(st->db(), "enterprise"),
            (std::vector<std::string>{"_row:INTEGER", "id:TEXT!", "name:TEXT!", "county:TEXT!", "industry:TEXT!",
                                      "lon:REAL", "key_discharge_unit:INTEGER", "emergency_plan_filed_on:TEXT",
                                      "_batch:INTEGER!", "_file:INTEGER!", "_line:INTEGER", "_loc:TEXT"}));
  // Keyless records carry their content identity.
  auto te = columns(st->db(), "transport_entry");
  EXPECT_THAT(te, ::testing::Contains("_hash:INTEGER!"));
  EXPECT_THAT(te, ::testing::Contains("_dup:INTEGER!"));
  EXPECT_EQ(st->db().execAndGet("PRAGMA journal_mode").getString(), "wal");
  // The reference is a foreign key to enterprise(id), and it is indexed.
  SQLite::Statement fk(st->db(), "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('facility')");
  ASSERT_TRUE(fk.executeStep());
  EXPECT_EQ(fk.getColumn(0).getString() + "." + fk.getColumn(2).getString() + "<-" + fk.getColumn(1).getString(),
            "enterprise.id<-enterprise_id");
  EXPECT_EQ(st->db().execAndGet("SELECT count(*) FROM sqlite_master WHERE type='index' AND name='facility__enterprise_id'")
                .getInt(),
            1);
  EXPECT_EQ(st->version(), store::schema_version(*schema));
  EXPECT_TRUE(st->db().tableExists("_history_enterprise"));
}

TEST(Store, UniqueKeyIsEnforcedBySqlite) {
  TempDir dir;
  auto schema = make_schema();
  auto st = Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true});
  st->db().exec("INSERT INTO enterprise(id,name,county,industry,_batch,_file) VALUES('A','n','榆次区','coking',1,1)");
  EXPECT_THROW(
      st->db().exec("INSERT INTO enterprise(id,name,county,industry,_batch,_file) VALUES('A','m','榆次区','coking',1,1)"),
      SQLite::Exception);
}

TEST(Store, OpeningMissingStoreWithoutCreateFails) {
  TempDir dir;
  auto schema = make_schema();
  try {
    Store::open(dir.path() / "none.db", *schema);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no such store"));
    EXPECT_THAT(e.what(), HasSubstr("ecoaudit init"));
  }
}

TEST(Store, ReopeningWithSameSchemaChangesNothing) {
  TempDir dir;
  auto schema = make_schema();
  { Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true}); }
  auto st = Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true});
  EXPECT_FALSE(st->created());
  EXPECT_TRUE(st->migrations().empty());
}

TEST(Store, MigratesAdditiveChanges) {
  TempDir dir;
  auto v1 = make_schema();
  {
    auto st = Store::open(dir.path() / "s.db", *v1, OpenOptions{.create = true});
    st->db().exec("INSERT INTO enterprise(id,name,county,industry,_batch,_file) VALUES('A','n','榆次区','coking',1,1)");
  }
  auto v2 = make_schema(true);
  auto st = Store::open(dir.path() / "s.db", *v2);
  EXPECT_THAT(st->migrations(), ::testing::Contains(HasSubstr("new optional field enterprise.park")));
  EXPECT_THAT(st->migrations(), ::testing::Contains(HasSubstr("new record type 'well'")));
  EXPECT_THAT(columns(st->db(), "enterprise"), ::testing::Contains("park:TEXT"));
  EXPECT_TRUE(st->db().tableExists("well"));
  EXPECT_EQ(st->count("enterprise"), 1);
  EXPECT_EQ(st->version(), store::schema_version(*v2));
}

TEST(Store, StopsOnIncompatibleChangesListingEach) {
  TempDir dir;
  auto v1 = make_schema();
  { Store::open(dir.path() / "s.db", *v1, OpenOptions{.create = true}); }
  auto v2 = make_schema();
  v2->records[0].fields[4].type = Type::of(Kind::string);  // lon: double -> string
  v2->records[1].fields.push_back(field("status", Type::of(Kind::string)));  // new required field
  v2->enums[0].values.pop_back();                                         // 介休市 removed
  try {
    Store::open(dir.path() / "s.db", *v2);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("field enterprise.lon changed: store has double (optional), ruleset declares "
                                    "string (optional)"));
    EXPECT_THAT(e.what(), HasSubstr("field facility.status is new and required"));
    EXPECT_THAT(e.what(), HasSubstr("enum 'county' lost values the store may hold: 介休市"));
  }
  // The store still works with the schema it was made for.
  EXPECT_NO_THROW(Store::open(dir.path() / "s.db", *v1));
}

TEST(Store, RejectsReservedNames) {
  TempDir dir;
  auto schema = make_schema();
  schema->records[0].fields[1].name = "_batch";
  try {
    Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true});
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("field enterprise._batch: names starting with '_' are reserved"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "s.db"));
}

TEST(Store, NotAnSqliteFile) {
  TempDir dir;
  auto p = dir.write("x.db", std::string(4096, 'x'));
  auto schema = make_schema();
  try {
    Store::open(p, *schema);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not an SQLite database"));
  }
}

TEST(Store, ReadOnlyOpenIsReported) {
  TempDir dir;
  auto schema = make_schema();
  { Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true}); }
  // SQLite opens a file it may not write read-only without saying so; the store says so.
  std::string uri = "file:" + (dir.path() / "s.db").string() + "?mode=ro";
  try {
    Store::open(uri, *schema);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("read-only"));
  }
}

TEST(Store, ReadOnlyFilePermissions) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores file permissions; ReadOnlyOpenIsReported covers the check";
  TempDir dir;
  auto schema = make_schema();
  { Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true}); }
  std::filesystem::permissions(dir.path() / "s.db", std::filesystem::perms::owner_read);
  try {
    Store::open(dir.path() / "s.db", *schema);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("read-only"));
  }
}

TEST(Store, ListsBatchesWithoutSchema) {
  TempDir dir;
  auto schema = make_schema();
  { Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true}); }
  EXPECT_TRUE(Store::list_batches(dir.path() / "s.db").empty());
  EXPECT_THROW(Store::list_batches(dir.path() / "missing.db"), StoreError);
}

TEST(SchemaSql, QuotesIdentifiers) {
  EXPECT_EQ(store::quote_ident("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(store::quote_ident("企业"), "\"企业\"");
}

TEST(SchemaSql, VersionIgnoresDescriptionsButNotStructure) {
  auto a = make_schema();
  auto b = make_schema();
  b->records[0].fields[0].description = "统一社会信用代码";
  EXPECT_EQ(store::schema_version(*a), store::schema_version(*b));
  b->records[0].fields[4].optional = false;
  EXPECT_NE(store::schema_version(*a), store::schema_version(*b));
  EXPECT_EQ(store::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace eco::engine::testing
