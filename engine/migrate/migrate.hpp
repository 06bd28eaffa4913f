#pragma once
// Declared schema migrations (`ecoaudit migrate`, docs/store.md "Declared migrations"): the
// changes a store cannot follow by itself (a record type or field renamed, a type changed with
// a conversion, enum values merged or split, a field made required with a default for old
// rows), declared in the ruleset (`migration "id" { ... }`, dsl::model::Migration).
//
// plan() compares the schema recorded in the store with the ruleset's and decides, step by
// step, what applies (a step whose earlier form the store no longer has is skipped), and what
// differs with no migration. migrate() then rebuilds every record table and its history table
// in one transaction: each row and each history version is read, its values converted, and
// written under the new schema with its row id and provenance; the old tables are dropped,
// the new ones take their names and get their indexes; references and keys are checked; the
// counts before and after must agree; the new schema and the migration (which, when, the
// ruleset's digest) are recorded. Any refused value, duplicate key or broken reference rolls
// it all back.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/model/schema.hpp"
#include "engine/store/store.hpp"

namespace eco::engine::migrate {

// How one field of the new schema gets its values.
struct FieldPlan {
  std::uint32_t field = 0;                      // index in the new record type
  std::string source;                           // the stored column ("" = a new field: no value)
  std::string stored_type;                      // its recorded type ("int", "enum:industry")
  bool convert = false;                         // the type changed: each value read as an imported cell
  std::map<std::string, std::string> value_map; // stored enum value -> new value (`map`)
  std::map<std::string, const dsl::model::MigrationStep*> splits;  // stored enum value -> its `split`
  std::optional<std::string> default_text;      // `require`: the value of rows without one
};

// How one record type of the new schema gets its rows.
struct RecordPlan {
  std::uint32_t record = 0;                     // index in the new schema
  std::string source;                           // the stored table ("" = a new record type)
  std::vector<FieldPlan> fields;                // one per field of the new record type, in order
};

struct Plan {
  bool up_to_date = false;                 // the store already has the ruleset's schema
  std::vector<std::string> differences;    // changes with no migration (the store is refused)
  std::vector<std::string> actions;        // what the migration does, one line each
  std::vector<std::string> migrations;     // ids of the declared migrations with a step that applies
  std::vector<RecordPlan> records;         // one per record type of the new schema
};

// Plans the migration from a store's recorded schema (store::describe_schema() text) to
// `schema` with its declared migrations (schema.migrations).
Plan plan(std::string_view recorded, const dsl::model::Schema& schema);

// Rows and history versions of one record type, before and after.
struct RecordCount {
  std::string record;                      // the new schema's name
  std::string source;                      // the table read ("" = a new record type)
  std::int64_t rows_before = 0, rows_after = 0;
  std::int64_t history_before = 0, history_after = 0;
  std::int64_t values_changed = 0;         // values converted, mapped, split or given a default
};

struct Options {
  std::string ruleset, ruleset_sha256;     // recorded with the migration
  std::size_t max_errors = 50;             // refused values kept (all are counted)
};

struct Result {
  Plan plan;
  std::string version_before, version_after;
  std::vector<RecordCount> counts;         // one per record type of the new schema
  std::vector<std::string> errors;         // values, keys or references that stop the migration
  std::size_t error_count = 0;
  bool migrated = false;                   // the store now has the ruleset's schema (committed)
};

// Migrates `store`, opened with OpenOptions::unchecked_schema (and scratch for a dry run: the
// copy is migrated, the file is not touched), to its schema. Nothing is written when the plan
// has differences, the store is up to date, or any value, key or reference cannot be migrated
// (then `errors`). Throws store::StoreError when the store cannot be written.
Result migrate(store::Store& store, const Options& options);

}  // namespace eco::engine::migrate
