#pragma once
// The record-shaped parts of a report (enterprise cards, the group-by dimensions, field
// descriptions), read from the snapshot and the schema by the runs, so that reports/ never
// reads a store.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/snapshot/snapshot.hpp"
#include "reports/report.hpp"

namespace eco::app {

// "record.field" -> the field's description, for every field of the schema.
std::map<std::string, std::string> field_descriptions(const dsl::model::Schema& schema);

// The enterprise in `row` of the owner record type: its name (the field `role name`, else the
// key), every field with a value (enum values with their labels, booleans in `lang`), the
// `dimensions`' values, and with `related` the rows of every record type that lists under it
// (its permits, facilities, ...: at most `max_rows` each).
reports::EnterpriseInfo enterprise_info(const engine::Snapshot& snap,
                                        const dsl::model::RecordType& owner, std::uint32_t row,
                                        const std::vector<reports::Dimension>& dimensions,
                                        const std::string& lang, bool related,
                                        std::size_t max_rows = 12);

// The part of enterprise_info a csv row shows: key, name and the dimensions' values.
reports::EnterpriseInfo enterprise_label(const engine::Snapshot& snap,
                                         const dsl::model::RecordType& owner, std::uint32_t row,
                                         const std::vector<reports::Dimension>& dimensions);

// The dashboard's group-by dimensions: the named fields of the owner record (each must be a
// field of it), or by default its required enum fields. nullopt (and the message in `error`)
// on a bad name.
std::optional<std::vector<reports::Dimension>> dimensions(const dsl::model::RecordType& owner,
                                                          const std::vector<std::string>& names,
                                                          std::string& error);

}  // namespace eco::app
