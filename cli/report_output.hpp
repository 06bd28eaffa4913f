#pragma once
// What the commands that report findings (sweep, audit, screen) share: the --format/--out/--lang
// options turned into files, and the record-shaped parts of a report (enterprise cards, the
// group-by dimensions, field descriptions) read from the snapshot and the schema, so that
// reports/ never reads a store.
#include <memory>
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
// field of it), or by default its required enum fields. nullopt (and a message) on a bad name.
std::optional<std::vector<reports::Dimension>> dimensions(const std::string& command,
                                                          const dsl::model::RecordType& owner,
                                                          const std::vector<std::string>& names);

// Where the report of each format goes ("" = standard output): one format to `out` (a file;
// "" or "-" = standard output), several into the folder `out` (created) as
// <base>.<extension>; one format into an existing folder likewise. nullopt (after a message on
// stderr) when `out` cannot hold them.
std::optional<std::vector<std::string>> report_paths(const std::string& command,
                                                     const std::vector<reports::Format>& formats,
                                                     const std::string& out, const std::string& base);

// One report file being written: a regular file (or a new one) is written as <path>.partial
// and moved over <path> by publish(), so that a run that fails or is killed before leaves the
// previous report as it was; anything else (a device such as /dev/full, a pipe, a symbolic
// link) is written in place, and "" is standard output. Destroyed unpublished, it removes its
// partial file.
class ReportFile {
 public:
  explicit ReportFile(std::string path);  // "" or "-" = standard output
  ~ReportFile();
  ReportFile(const ReportFile&) = delete;
  ReportFile& operator=(const ReportFile&) = delete;

  const std::string& path() const { return path_; }  // "" = standard output
  std::string name() const { return path_.empty() ? "standard output" : path_; }
  // The file to write now: <path>.partial, the path itself, or "" (standard output).
  const std::string& target() const { return partial_.empty() ? path_ : partial_; }
  // Moves the written file to its place. False (after a message naming `command`) when it cannot.
  bool publish(const std::string& command);

 private:
  std::string path_, partial_;
};

// The reports of a run in every format, written where report_paths puts them but not yet in
// place (ReportFile): publish() moves them there. A sweep writes its reports, commits its
// record, then publishes, so that a report that cannot be written leaves neither a recorded
// sweep nor a changed report behind.
class PendingReports {
 public:
  // Writes every report. nullptr (after a message on stderr; every partial file removed) when
  // one cannot be written.
  static std::unique_ptr<PendingReports> write(const std::string& command, const reports::ReportData& data,
                                               const std::vector<reports::Format>& formats,
                                               const std::string& out, const std::string& base);
  // Moves each report to its place. False (after a message) when one cannot be.
  bool publish();

 private:
  std::string command_;
  std::vector<std::unique_ptr<ReportFile>> files_;
};

// PendingReports::write, then publish(): for a run that records nothing.
bool write_reports(const std::string& command, const reports::ReportData& data,
                   const std::vector<reports::Format>& formats, const std::string& out,
                   const std::string& base);

// The reports of a run written while its findings arrive piece by piece (json, text and csv:
// reports::report_writer), to the same places and with the same bytes as write_reports: a
// sweep hands each piece over and drops it. Each file is a ReportFile: moved to its place by
// publish(); destroyed before, it leaves the place as it was.
class StreamedReports {
 public:
  // Opens every output and starts its report from `head` (the ReportData without findings;
  // the csv report asks `enterprise` for a finding's enterprise). nullptr (after a message on
  // stderr) when an output cannot be opened or a format cannot be streamed (html, xlsx).
  static std::unique_ptr<StreamedReports> open(const std::string& command,
                                               const reports::ReportData& head,
                                               const std::vector<reports::Format>& formats,
                                               const std::string& out, const std::string& base,
                                               const reports::EnterpriseLookup& enterprise);
  ~StreamedReports();
  StreamedReports(const StreamedReports&) = delete;
  StreamedReports& operator=(const StreamedReports&) = delete;

  // Hands `piece` to every report. Throws reports::ReportError ("cannot write PATH", "writing
  // the json report: ...") when one cannot be written: the caller stops the run.
  void add(const std::vector<engine::Finding>& piece);
  // Ends every report and flushes it. Returns false (after a message on stderr) when one
  // could not be written. Call once.
  bool finish(const std::vector<engine::ResolvedFinding>& resolved);
  // Moves each finished file to its place. Returns false (after a message) when one cannot be.
  bool publish();

 private:
  struct Output;
  explicit StreamedReports(std::string command);
  void check(const Output& o) const;
  std::string command_;
  std::vector<std::unique_ptr<Output>> outputs_;
};

}  // namespace eco::cli
