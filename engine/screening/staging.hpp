#pragma once
// What a screening may stage in the store. `ecoaudit screen` validates application documents
// like an import and stages them in the store's transaction, so that the rules see the
// applications beside everything the store knows; the transaction is rolled back unless the
// applications are recorded. A document therefore must not carry anything but the
// applications it is about: a facility or an enterprise staged with an application would
// change what the rules judge it by (a forged facility turns a conditional decision into
// approve) and, recorded, would overwrite master data.
//
// The rule: a screening document holds only records of the screened type and of its
// children (schema parent/child relation: a record type with a reference to the screened
// type, or to one of its children, and so on), each child belonging to an application of the
// documents. Anything else is refused where it is (I010, naming the record type), and
// nothing of the documents is evaluated or stored. When recorded, an application (or child)
// already in the store with other values is refused unless replacing was asked for; a
// replaced version goes to the record type's history table (docs/store.md).
#include <cstdint>
#include <string>
#include <vector>

#include "dsl/model/schema.hpp"
#include "engine/ingest/import.hpp"

namespace eco::engine::screening {

// The record types a document screening `screened` may hold: `screened` first, then its
// children in schema order (transitively).
std::vector<std::uint32_t> document_records(const dsl::model::Schema& schema, std::uint32_t screened);

struct StagingRules {
  std::uint32_t screened = 0;  // record index of the screened type
  // False: a record of the documents whose key is in the store with other values is an error
  // instead of replacing it (screen --record without --replace).
  bool replace = true;
  // Appended to that error: how to ask for the replacement ("give --replace ...").
  std::string replace_hint;
};

// Sets `io`'s refuse_record, vet and list_keys_of so that the import keeps to the rule above:
// records of other types are refused; a child that belongs to no application of the documents
// (its reference names another one), a blank application id, and without `replace` a record
// that would replace a stored one, are errors naming file, line and record. The keys of the
// screened type are listed in the result (ImportResult::keys), as are its children's.
void restrict_import(ingest::ImportOptions& io, const dsl::model::Schema& schema, const StagingRules& rules);

}  // namespace eco::engine::screening
