#pragma once
// How a checked schema maps onto SQLite: table and column names, column types, the DDL that
// creates them, and the schema version (a hash of the schema's structure) that a store
// records so that opening it with a different ruleset is noticed.
//
// Layout of a record type R with fields f1..fn:
//   R            _row INTEGER PRIMARY KEY, f1..fn, _batch, _file, _line, _loc
//                (+ _hash, _dup for records without a declared key); unique index R___key on the
//                key fields (R___identity on _hash, _dup without a key); index R__f per reference
//   _history_R   every replaced version: _row, f1..fn, provenance, _replaced_by (batch id)
// Names starting with '_' are reserved for these bookkeeping tables and columns.
#include <string>
#include <string_view>
#include <vector>

#include "dsl/model/schema.hpp"

namespace eco::engine::store {

// `name` as a quoted SQL identifier ("a""b"); identifiers only ever come from the checked schema.
std::string quote_ident(std::string_view name);

// SQLite column type for a field ("TEXT", "INTEGER", "REAL"), or "" when the field's type
// cannot be stored (lists, maps, bytes, dyn).
std::string_view column_type(const dsl::model::Field& f);

// Name of the history table of a record type.
std::string history_table(std::string_view record);

// Canonical JSON text describing the structure the store depends on: record types, their
// fields (name, type, optional, key, reference target) and enum values. Descriptions and
// source positions are left out, so rewording a ruleset does not change the version.
std::string describe_schema(const dsl::model::Schema& schema);

// Schema version: hex SHA-256 of describe_schema().
std::string schema_version(const dsl::model::Schema& schema);

// Problems that make a schema impossible to store (reserved names, unstorable field types),
// one message each; empty when the schema can be stored.
std::vector<std::string> storability_problems(const dsl::model::Schema& schema);

// The statement creating record type `r`'s table (or, with `history`, its history table)
// under the name `table`: the columns create_record_sql gives them, without indexes.
std::string create_table_sql(const dsl::model::Schema& schema, const dsl::model::RecordType& r,
                             std::string_view table, bool history);

// Statements creating the tables and indexes of one record type (and its history table).
std::vector<std::string> create_record_sql(const dsl::model::Schema& schema,
                                           const dsl::model::RecordType& r);

// Name of the index on a reference field, and the statement creating it.
std::string index_name(const dsl::model::RecordType& r, const dsl::model::Field& f);
std::string index_sql(const dsl::model::RecordType& r, const dsl::model::Field& f);

// The unique index on a record type's key (or, without a key, on its content identity
// _hash, _dup), and the statement creating it (non-unique when `unique` is false).
std::string unique_index_name(const dsl::model::RecordType& r);
std::string unique_index_sql(const dsl::model::RecordType& r, bool unique = true);

// Statements creating the bookkeeping tables (_meta, _batch, _batch_file).
std::vector<std::string> create_meta_sql();

// The result of comparing the schema a store was created with (its describe_schema() text)
// with a ruleset's schema.
struct SchemaDiff {
  std::vector<std::string> incompatible;  // what stops the store from being opened
  std::vector<std::string> additive;      // human-readable list of the migrations to apply
  std::vector<std::string> migration_sql; // statements applying `additive`
};

// Compares a stored description with `schema` and plans the migration.
SchemaDiff diff_schema(std::string_view stored_description, const dsl::model::Schema& schema);

// Hex SHA-256 of a byte string (OpenSSL EVP).
std::string sha256_hex(std::string_view bytes);

}  // namespace eco::engine::store
