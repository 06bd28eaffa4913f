#pragma once
// The checked schema: record types, fields, enums and references, resolved from a ruleset's
// declarations. The store creates its tables from it, importers validate against it, the
// checker types expressions against it, and the snapshot lays records out by it.
//
// Indices are stable: a field is addressed by (record index, field index) so that compiled
// programs never look a field up by name at run time.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dsl/common/source.hpp"
#include "dsl/model/type.hpp"

namespace eco::dsl::model {

struct EnumValue {
  std::string name;    // what data and rules write: "coking", "介休市"
  std::string label;   // Chinese label ("焦化"); empty when the name is the label
};

struct EnumType {
  std::string name;
  std::string title;
  std::vector<EnumValue> values;
  SourceRange range{};

  // Index of a value by name, or -1.
  int find(std::string_view value) const;
};

// A reference from a field to another record type's key.
struct Reference {
  std::uint32_t target = 0;       // record index of the referenced type
  std::string nav;                // navigation name on the referring record ("" = none)
  std::string reverse;            // list name on the target ("" = none)
  // Not checked on import: the key may name no record (an application naming a capacity
  // source the store may not hold). Evaluation reads an unresolved one as a missing field.
  bool unchecked = false;
};

struct Field {
  std::string name;
  Type type;                      // for a reference: the target key's type
  bool optional = false;
  bool key = false;               // part of the primary key
  std::optional<Reference> ref;
  std::string description;        // Chinese description for the data dictionary
  std::string verify;             // what to verify on site when the value is absent ("" = none)
  std::string origin;             // where the field comes from ("EcoAudit 增补 (AIR-07)"; "" = the bureau's data
                                  // contract, ../shared/plan/DATA.md, outside the repository)
  SourceRange range{};
};

// A list on a parent record implied by a child's reference (`e.vehicles`).
struct ReverseList {
  std::string name;               // "vehicles"
  std::uint32_t child = 0;        // record index of the child type
  std::uint32_t child_field = 0;  // the child's field holding the parent's key
};

struct RecordType {
  std::uint32_t index = 0;
  std::string name;
  std::string title;
  std::vector<Field> fields;
  std::vector<std::uint32_t> key_fields;      // empty: no declared key (rows have no identity)
  std::vector<ReverseList> reverse_lists;
  SourceRange range{};

  // Index of a field by name, or -1.
  int find_field(std::string_view name) const;
  // Index of a reverse list by name, or -1.
  int find_reverse(std::string_view name) const;
};

struct Schema {
  std::vector<EnumType> enums;                 // stable addresses: built once, never resized after
  std::vector<RecordType> records;

  const RecordType* find_record(std::string_view name) const;
  const EnumType* find_enum(std::string_view name) const;
  // The field a path "record.field" names (a finding's `missing` entry), or nullptr.
  const Field* find_field_path(std::string_view path) const;
};

}  // namespace eco::dsl::model
