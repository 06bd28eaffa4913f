#pragma once
// What the commands that report findings (sweep, audit, screen) share: the --format/--out/--lang
// options turned into files, and the record-shaped parts of a report (enterprise cards, the
// group-by dimensions, field descriptions) read from the snapshot and the schema, so that
// reports/ never reads a store.
#include <optional>
#include <string>
#include <vector>

#include "engine/snapshot/snapshot.hpp"
#include "reports/report.hpp"

namespace eco::cli {

// "--format html,csv" -> the formats; nullopt (and a message on stderr) on an unknown one.
std::optional<std::vector<reports::Format>> parse_formats(const std::string& command,
                                                          const std::string& list);

// "record.field" -> the field's description, for every field of the schema.
std::map<std::string, std::string> field_descriptions(const dsl::model::Schema& schema);

// The enterprise in `row` of the owner record type: its name (a field called `name`, else the
// key), every field with a value (enum values with their labels, booleans in `lang`), the
// `dimensions`' values, and with `related` the rows of every record type that lists under it
// (its permits, facilities, ...: at most `max_rows` each).
reports::EnterpriseInfo enterprise_info(const engine::Snapshot& snap,
                                        const dsl::model::RecordType& owner, std::uint32_t row,
                                        const std::vector<reports::Dimension>& dimensions,
                                        const std::string& lang, bool related,
                                        std::size_t max_rows = 12);

// The dashboard's group-by dimensions: the named fields of the owner record (each must be a
// field of it), or by default its required enum fields. nullopt (and a message) on a bad name.
std::optional<std::vector<reports::Dimension>> dimensions(const std::string& command,
                                                          const dsl::model::RecordType& owner,
                                                          const std::vector<std::string>& names);

// Writes the report in each format. One format goes to `out` (a file; "" or "-" = standard
// output), several go into the folder `out` (created) as <base>.<extension>; one format into
// an existing folder likewise. The JSON document is streamed from the findings. Returns false
// (after a message on stderr) when something cannot be written.
bool write_reports(const std::string& command, const reports::ReportData& data,
                   const std::vector<reports::Format>& formats, const std::string& out,
                   const std::string& base);

}  // namespace eco::cli
