// Declared schema migrations (engine/migrate): the plan against a recorded schema, the rebuild
// of rows and history versions, and every refusal leaving the store as it was. The schemas are
// tests/migrations/v1 and v2 (tests/migrations/README.md), checked by the real checker.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "dsl/check/check.hpp"
#include "engine/ingest/import.hpp"
#include "engine/ingest/values.hpp"
#include "engine/migrate/migrate.hpp"
#include "engine/store/schema_sql.hpp"
#include "tests/support/store_helpers.hpp"

namespace eco::engine::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::HasSubstr;

const fs::path kFixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests" / "migrations";

struct Loaded {
  dsl::SourceManager sm;
  std::unique_ptr<dsl::model::Ruleset> rs;
};

std::unique_ptr<Loaded> load(const std::string& dir) {
  auto l = std::make_unique<Loaded>();
  dsl::Diagnostics diags;
  l->rs = dsl::load_ruleset(kFixture / dir, l->sm, diags);
  EXPECT_TRUE(l->rs) << "tests/migrations/" << dir << " does not check";
  return l;
}

// A v1 store with the three batches of tests/migrations/data.
fs::path v1_store(const eco::testing::TempDir& dir, const dsl::model::Schema& v1,
                  const std::vector<std::string>& batches = {"batch1", "batch2", "batch3"}) {
  const fs::path db = dir.path() / "s.db";
  auto st = store::Store::open(db, v1, store::OpenOptions{.create = true});
  for (const auto& b : batches) {
    auto r = ingest::import_paths(*st, {kFixture / "data" / b}, {});
    EXPECT_TRUE(r.ok) << b;
  }
  return db;
}

std::unique_ptr<store::Store> open_for_migration(const fs::path& db, const dsl::model::Schema& schema,
                                                 bool scratch = false) {
  store::OpenOptions oo;
  oo.unchecked_schema = true;
  oo.scratch = scratch;
  return store::Store::open(db, schema, oo);
}

std::vector<std::string> rows(SQLite::Database& db, const std::string& sql) {
  std::vector<std::string> out;
  SQLite::Statement q(db, sql);
  while (q.executeStep()) {
    std::string line;
    for (int i = 0; i < q.getColumnCount(); ++i) line += (i ? "|" : "") + (q.isColumnNull(i) ? std::string("∅") : q.getColumn(i).getString());
    out.push_back(line);
  }
  return out;
}

TEST(MigratePlan, UpToDateWhenTheSchemasAgree) {
  auto v2 = load("v2");
  const auto p = migrate::plan(store::describe_schema(v2->rs->schema), v2->rs->schema);
  EXPECT_TRUE(p.up_to_date);
  EXPECT_TRUE(p.differences.empty());
}

TEST(MigratePlan, EveryStepOfTheDeclaredMigrationApplies) {
  auto v1 = load("v1");
  auto v2 = load("v2");
  const auto p = migrate::plan(store::describe_schema(v1->rs->schema), v2->rs->schema);
  EXPECT_FALSE(p.up_to_date);
  EXPECT_TRUE(p.differences.empty()) << ::testing::PrintToString(p.differences);
  EXPECT_EQ(p.migrations, std::vector<std::string>{"2027-01-v2"});
  EXPECT_THAT(p.actions, Contains(HasSubstr("record type 'plant' renamed 'facility'")));
  EXPECT_THAT(p.actions, Contains(HasSubstr("enum industry: steel_a, steel_b -> steel")));
  // plant -> facility: its fields come from the stored columns, converted where declared.
  const auto& fac = p.records[v2->rs->schema.find_record("facility")->index];
  EXPECT_EQ(fac.source, "plant");
  const auto& cap = fac.fields[v2->rs->schema.find_record("facility")->find_field("capacity_t")];
  EXPECT_EQ(cap.source, "cap");
  EXPECT_TRUE(cap.convert);
  const auto& kind = fac.fields[v2->rs->schema.find_record("facility")->find_field("kind")];
  EXPECT_EQ(kind.value_map.at("steel_a"), "steel");
  EXPECT_EQ(kind.splits.count("coking"), 1u);
}

TEST(MigratePlan, ListsEveryDifferenceWithoutAMigration) {
  auto v1 = load("v1");
  auto v2 = load("v2/undeclared.rules");
  const auto p = migrate::plan(store::describe_schema(v1->rs->schema), v2->rs->schema);
  EXPECT_FALSE(p.up_to_date);
  EXPECT_TRUE(p.migrations.empty());
  const auto& d = p.differences;
  EXPECT_THAT(d, Contains(HasSubstr("record type 'plant' is in the store but not in the ruleset")));
  EXPECT_THAT(d, Contains(HasSubstr("field enterprise.name is in the store but not in the ruleset")));
  EXPECT_THAT(d, Contains(HasSubstr("field enterprise.county is now required")));
  EXPECT_THAT(d, Contains(HasSubstr("enum value industry.steel_a is gone and field inspection.kind may hold it")));
  EXPECT_THAT(d, Contains(HasSubstr("field inspection.facility_id is new and required")));
}

TEST(MigratePlan, AStepWhoseEarlierFormIsGoneIsSkipped) {
  // A store created under v2 whose ruleset later adds an optional field: the v2 migration's
  // steps find nothing to do, the new field is additive.
  auto v2 = load("v2");
  std::string recorded = store::describe_schema(v2->rs->schema);
  auto p = migrate::plan(recorded, v2->rs->schema);
  EXPECT_TRUE(p.up_to_date);
  // The same ruleset against a v1 store with enterprise.county already required (as v2 has it).
  auto v1 = load("v1");
  auto& county = v1->rs->schema.records[v1->rs->schema.find_record("enterprise")->index]
                     .fields[v1->rs->schema.find_record("enterprise")->find_field("county")];
  county.optional = false;
  p = migrate::plan(store::describe_schema(v1->rs->schema), v2->rs->schema);
  EXPECT_TRUE(p.differences.empty());
  EXPECT_THAT(p.actions, ::testing::Not(Contains(HasSubstr("enterprise.county now required"))));
}

TEST(Migrate, RewritesRowsAndHistoryVersionsAndRecordsTheMigration) {
  eco::testing::TempDir dir;
  auto v1 = load("v1");
  auto v2 = load("v2");
  const fs::path db = v1_store(dir, v1->rs->schema);
  migrate::Result r;
  {
    auto st = open_for_migration(db, v2->rs->schema);
    r = migrate::migrate(*st, {"mig_v2", "digest", 50});
  }
  ASSERT_TRUE(r.migrated) << ::testing::PrintToString(r.errors) << ::testing::PrintToString(r.plan.differences);
  EXPECT_EQ(r.error_count, 0u);
  // Every row and history version accounted for.
  for (const auto& c : r.counts) {
    EXPECT_EQ(c.rows_before, c.rows_after) << c.record;
    EXPECT_EQ(c.history_before, c.history_after) << c.record;
  }
  auto count_of = [&](const std::string& rec) {
    for (const auto& c : r.counts)
      if (c.record == rec) return c;
    return migrate::RecordCount{};
  };
  EXPECT_EQ(count_of("enterprise").rows_after, 3);
  EXPECT_EQ(count_of("enterprise").history_after, 3);
  EXPECT_EQ(count_of("facility").source, "plant");
  EXPECT_EQ(count_of("facility").rows_after, 4);
  EXPECT_EQ(count_of("facility").history_after, 3);
  EXPECT_EQ(count_of("inspection").rows_after, 4);

  // The store now opens under v2 as any store does.
  auto st = store::Store::open(db, v2->rs->schema);
  auto& d = st->db();
  EXPECT_EQ(rows(d, "SELECT id, title, county FROM enterprise ORDER BY id"),
            (std::vector<std::string>{"E1|晋中焦化(集团)有限公司|介休市", "E2|榆次钢铁有限公司|榆次区",
                                      "E3|太谷水泥厂|榆次区"}));
  EXPECT_EQ(rows(d, "SELECT id, kind, capacity_t, typeof(capacity_t), active FROM facility ORDER BY id"),
            (std::vector<std::string>{"P1|coke_large|1800000.0|real|0", "P2|coke_small|300000.5|real|0",
                                      "P3|steel|800000.0|real|1", "P4|cement|50000.0|real|1"}));
  // History versions are migrated alike, with their provenance.
  EXPECT_EQ(rows(d, "SELECT id, kind, capacity_t, active, _batch, _replaced_by FROM _history_facility ORDER BY _replaced_by, id"),
            (std::vector<std::string>{"P1|coke_large|1200000.0|1|1|2", "P3|steel|800000.0|1|1|2",
                                      "P1|coke_large|1500000.0|1|2|3"}));
  EXPECT_EQ(rows(d, "SELECT id, title, county FROM _history_enterprise ORDER BY _replaced_by, id"),
            (std::vector<std::string>{"E1|晋中焦化有限公司|介休市", "E2|榆次钢铁厂|榆次区", "E1|晋中焦化集团有限公司|介休市"}));
  // The split by note with its default choice; two inspections that became the same content
  // are told apart by their occurrence number, and their identity is the import's.
  EXPECT_EQ(rows(d, "SELECT facility_id, kind, _dup FROM inspection ORDER BY _row"),
            (std::vector<std::string>{"P1|coke_large|0", "P2|coke_small|0", "P3|steel|0", "P3|steel|1"}));
  std::vector<ingest::Value> vals(4);
  vals[0].set_text("P3");
  vals[1].set_text("2026-03-03");
  vals[2].set_text("steel");
  EXPECT_EQ(d.execAndGet("SELECT DISTINCT _hash FROM inspection WHERE facility_id = 'P3'").getInt64(),
            ingest::content_hash(vals));
  EXPECT_EQ(rows(d, "SELECT migration, ruleset, ruleset_sha256, rows, history_rows FROM _migration"),
            (std::vector<std::string>{"2027-01-v2|mig_v2|digest|11|6"}));
  EXPECT_EQ(st->version(), store::schema_version(v2->rs->schema));
  EXPECT_TRUE(rows(d, "PRAGMA foreign_key_check").empty());
}

TEST(Migrate, RefusesWithDifferencesAndWritesNothing) {
  eco::testing::TempDir dir;
  auto v1 = load("v1");
  auto v2 = load("v2/undeclared.rules");
  const fs::path db = v1_store(dir, v1->rs->schema);
  const std::string before = eco::testing::dump(db);
  {
    auto st = open_for_migration(db, v2->rs->schema);
    const auto r = migrate::migrate(*st, {});
    EXPECT_FALSE(r.migrated);
    EXPECT_FALSE(r.plan.differences.empty());
  }
  EXPECT_EQ(eco::testing::dump(db), before);
}

TEST(Migrate, AValueThatDoesNotConvertRollsEverythingBack) {
  eco::testing::TempDir dir;
  auto v1 = load("v1");
  auto v2 = load("v2");
  const fs::path db = v1_store(dir, v1->rs->schema, {"batch1", "bad"});
  const std::string before = eco::testing::dump(db);
  {
    auto st = open_for_migration(db, v2->rs->schema);
    const auto r = migrate::migrate(*st, {});
    EXPECT_FALSE(r.migrated);
    EXPECT_EQ(r.error_count, 1u);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_THAT(r.errors[0], HasSubstr("row of plant _row 5: facility.capacity_t"));
    EXPECT_THAT(r.errors[0], HasSubstr("约5万吨"));
  }
  EXPECT_EQ(eco::testing::dump(db), before);
  // The other commands still refuse it, naming `ecoaudit migrate`.
  try {
    store::Store::open(db, v2->rs->schema);
    ADD_FAILURE() << "opened a store whose schema differs non-additively";
  } catch (const store::StoreError& ex) {
    EXPECT_THAT(ex.what(), HasSubstr("ecoaudit migrate"));
  }
}

TEST(Migrate, ASplitThatTakesNoChoiceRefusesTheRow) {
  eco::testing::TempDir dir;
  auto v1 = load("v1");
  auto v2 = load("v2");
  // Without the default choice, an inspection of a coking plant without the note has no value.
  auto& m = v2->rs->schema.migrations.at(0);
  for (auto& s : m.steps)
    if (s.kind == dsl::model::MigrationStep::Kind::split_value && s.record == "inspection") s.choices.pop_back();
  const fs::path db = v1_store(dir, v1->rs->schema, {"batch1"});
  const std::string before = eco::testing::dump(db);
  {
    auto st = open_for_migration(db, v2->rs->schema);
    const auto r = migrate::migrate(*st, {});
    EXPECT_FALSE(r.migrated);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_THAT(r.errors[0], HasSubstr("row of inspection _row 2: inspection.kind is 'coking'"));
  }
  EXPECT_EQ(eco::testing::dump(db), before);
}

TEST(Migrate, ADryRunMigratesACopyAndLeavesTheFile) {
  eco::testing::TempDir dir;
  auto v1 = load("v1");
  auto v2 = load("v2");
  const fs::path db = v1_store(dir, v1->rs->schema);
  const std::string before = eco::testing::dump(db);
  {
    auto st = open_for_migration(db, v2->rs->schema, /*scratch=*/true);
    const auto r = migrate::migrate(*st, {});
    EXPECT_TRUE(r.migrated);  // the copy
    EXPECT_EQ(r.counts.size(), 3u);
  }
  EXPECT_EQ(eco::testing::dump(db), before);
}

TEST(Migrate, TwoRowsThatWouldShareAKeyAreRefused) {
  eco::testing::TempDir dir;
  auto v1 = load("v1");
  auto v2 = load("v2");
  // Two stored rows with one key (a store edited by hand, its unique index dropped): the
  // rebuilt table's unique index finds them, and the migration names both rows.
  const fs::path db = v1_store(dir, v1->rs->schema, {"batch1"});
  {
    SQLite::Database raw(db.string(), SQLite::OPEN_READWRITE);
    raw.exec("DROP INDEX plant___key");
    raw.exec("UPDATE plant SET id = 'P1' WHERE id = 'P2'");
  }
  const std::string before = eco::testing::dump(db);
  {
    auto st = open_for_migration(db, v2->rs->schema);
    const auto r = migrate::migrate(*st, {});
    EXPECT_FALSE(r.migrated);
    ASSERT_EQ(r.errors.size(), 1u) << ::testing::PrintToString(r.errors);
    EXPECT_THAT(r.errors[0], HasSubstr("facility: rows 1, 2 would have the same key"));
  }
  EXPECT_EQ(eco::testing::dump(db), before);
}

}  // namespace
}  // namespace eco::engine::testing
