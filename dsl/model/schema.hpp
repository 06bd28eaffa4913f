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

// The import check a field's values get besides their type (`validate NAME`):
//   uscc         a 统一社会信用代码 whose 18th character is its GB 32100-2015 check character
//   hw_category  a category of the national list of hazardous wastes (HW01-HW40, HW45-HW50)
enum class Validator : std::uint8_t { none, uscc, hw_category };
// "uscc", "hw_category" ("" for none): the names `validate` takes.
const char* to_string(Validator v);
// The validator `validate NAME` names; nullopt when NAME is none of them.
std::optional<Validator> parse_validator(std::string_view name);

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
  Validator validator = Validator::none;  // `validate NAME`
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

// The fields of the waiver record (`role waiver`) by what they mean, as field indexes (-1: the
// record has no field of that role). rule, subject, from and until are always present in a
// checked schema; the others are optional.
struct WaiverFields {
  int rule = -1;          // `role rule`: the waived rule id or requirement id
  int subject_type = -1;  // `role subject_type`: the subject's record type ("" or absent: any)
  int subject = -1;       // `role subject`: the subject's key (a composite key joined with '|')
  int from = -1;          // `role from`: first day valid
  int until = -1;         // `role until`: last day valid (inclusive)
  int basis = -1;         // `role basis`: the legal basis
  int approver = -1;      // `role approver`: who approved it
};

// What the engine needs to know about the ruleset's own record types, declared in the rule
// language (`record NAME "title" role owner { ... }`, docs/rule-language.md "Roles") and checked
// by the checker. Record indexes; nullopt when the ruleset declares no such record.
struct Roles {
  // `role owner`: the record type findings belong to. A finding's owner is the owner record its
  // subject's references lead to (the shortest chain, engine/eval); without one, the subject.
  std::optional<std::uint32_t> owner;
  // `role screened`: the record type a screening decides (one decision per record).
  std::optional<std::uint32_t> screened;
  // `role waiver`: the record type of recorded exemptions, and its fields' meanings.
  std::optional<std::uint32_t> waiver;
  WaiverFields waiver_fields;
  // `role name` on a field of the owner or screened record: the field whose value names the
  // record to a reader (an enterprise's name, a project's), as field indexes; -1: none (the key).
  int owner_name = -1;
  int screened_name = -1;
  // `role jurisdiction` on a field of the owner record: the field whose values are the
  // jurisdictions (the county for Jinzhong) an inspector's access is limited to (the
  // workbench's accounts, app/authorization.hpp), as a field index; -1: none declared.
  int owner_jurisdiction = -1;
};

// A declared schema migration (`migration "id" "title" { ... }`, docs/rule-language.md
// "Migrations"): how rows stored under an earlier schema become rows of this one, for the
// changes the store cannot make by itself (docs/store.md). Names after `->`, and the record
// and field a field step names, are this schema's; the names before `->`, a `convert`'s type
// and the old values of `map` and `split` are the earlier schema's. `ecoaudit migrate` applies
// a step where the store still has the earlier form and skips it where it already has this one.
struct MigrationChoice {          // one alternative of a split
  std::string value;              // the value of this schema's enum
  std::string when_field;         // the field (this schema's name) whose stored value decides; "" = otherwise
  std::string when_value;         // the stored value's text that picks this alternative
};
struct MigrationStep {
  enum class Kind : std::uint8_t {
    rename_record,  // record type `from` is now `record`
    rename_field,   // field record.`from` is now record.field
    convert,        // record.field had type `from` (a type or enum name): every value converted
    map_values,     // enum `enum_name`: each of `values` is now `to` (a merge, or a value renamed)
    split_value,    // record.field: the value `from` becomes the first of `choices` whose condition holds
    require,        // record.field is now required: rows without a value get `to` (text, read like a cell)
  };
  Kind kind = Kind::rename_record;
  std::string record, field, from, to, enum_name;
  std::vector<std::string> values;
  std::vector<MigrationChoice> choices;
  SourceRange range{};
};
struct Migration {
  std::string id;                 // recorded in the store when applied
  std::string title;
  std::vector<MigrationStep> steps;
  SourceRange range{};
};

struct Schema {
  std::vector<EnumType> enums;                 // stable addresses: built once, never resized after
  std::vector<RecordType> records;
  Roles roles;
  // The declared migrations, in declaration order (not part of the schema version).
  std::vector<Migration> migrations;

  // The record type of a role, or nullptr when undeclared.
  const RecordType* owner() const { return roles.owner ? &records[*roles.owner] : nullptr; }
  const RecordType* screened() const { return roles.screened ? &records[*roles.screened] : nullptr; }
  const RecordType* waiver() const { return roles.waiver ? &records[*roles.waiver] : nullptr; }

  const RecordType* find_record(std::string_view name) const;
  const EnumType* find_enum(std::string_view name) const;
  // The field a path "record.field" names (a finding's `missing` entry), or nullptr.
  const Field* find_field_path(std::string_view path) const;
};

}  // namespace eco::dsl::model
