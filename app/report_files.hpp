#pragma once
// A run's reports turned into files (sweep, audit, screen): where each format goes, each file
// written beside its place and put there only once the run is kept, or streamed while the
// findings arrive. Nothing here prints: every failure is a message (a sentence without the
// program's name) added to the caller's `errors`.
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reports/report.hpp"

namespace eco::app {

// Where a run's reports go.
struct ReportTarget {
  std::vector<reports::Format> formats{reports::Format::text};
  // One format: a file ("" or "-" = the console; an existing folder holds <base>.<extension>);
  // several: a folder (created) holding <base>.<extension> for each.
  std::string out;
  // "Standard output": where a report to the console is written; nullptr = std::cout.
  std::ostream* console = nullptr;
  // The text report written to the console is coloured (the front end says when: a terminal).
  bool color = false;
};

// Messages of a run, one a sentence.
using Messages = std::vector<std::string>;

// Where the report of each format goes ("" = the console): one format to `out` (a file;
// "" or "-" = the console), several into the folder `out` (created) as
// <base>.<extension>; one format into an existing folder likewise. nullopt (after a message)
// when `out` cannot hold them.
std::optional<std::vector<std::string>> report_paths(const std::vector<reports::Format>& formats,
                                                     const std::string& out, const std::string& base,
                                                     Messages& errors);

// One report file being written: a regular file (or a new one) is written as <path>.partial
// and moved over <path> by publish(), so that a run that fails or is killed before leaves the
// previous report as it was; anything else (a device such as /dev/full, a pipe, a symbolic
// link) is written in place, and "" is the console. Destroyed unpublished, it removes its
// partial file.
class ReportFile {
 public:
  explicit ReportFile(std::string path);  // "" or "-" = the console
  ~ReportFile();
  ReportFile(const ReportFile&) = delete;
  ReportFile& operator=(const ReportFile&) = delete;

  const std::string& path() const { return path_; }  // "" = the console
  std::string name() const { return path_.empty() ? "standard output" : path_; }
  // The file to write now: <path>.partial, the path itself, or "" (the console).
  const std::string& target() const { return partial_.empty() ? path_ : partial_; }
  // Moves the written file to its place. False (after a message) when it cannot.
  bool publish(Messages& errors);

 private:
  std::string path_, partial_;
};

// The reports of a run in every format, written where report_paths puts them but not yet in
// place (ReportFile): publish() moves them there. A sweep writes its reports, commits its
// record, then publishes, so that a report that cannot be written leaves neither a recorded
// sweep nor a changed report behind.
class PendingReports {
 public:
  // Writes every report. nullptr (after a message; every partial file removed) when one
  // cannot be written.
  static std::unique_ptr<PendingReports> write(const reports::ReportData& data, const ReportTarget& target,
                                               const std::string& base, Messages& errors);
  // Moves each report to its place. False (after a message) when one cannot be.
  bool publish(Messages& errors);

 private:
  std::vector<std::unique_ptr<ReportFile>> files_;
};

// The reports of a run written while its findings arrive piece by piece (json, text and csv:
// reports::report_writer), to the same places and with the same bytes as PendingReports: a
// sweep hands each piece over and drops it. Each file is a ReportFile: moved to its place by
// publish(); destroyed before, it leaves the place as it was.
class StreamedReports {
 public:
  // Opens every output and starts its report from `head` (the ReportData without findings;
  // the csv report asks `enterprise` for a finding's enterprise). nullptr (after a message)
  // when an output cannot be opened or a format cannot be streamed (html, xlsx).
  static std::unique_ptr<StreamedReports> open(const reports::ReportData& head, const ReportTarget& target,
                                               const std::string& base, const reports::EnterpriseLookup& enterprise,
                                               Messages& errors);
  ~StreamedReports();
  StreamedReports(const StreamedReports&) = delete;
  StreamedReports& operator=(const StreamedReports&) = delete;

  // Hands `piece` to every report. Throws reports::ReportError ("cannot write PATH", "writing
  // the json report: ...") when one cannot be written: the caller stops the run.
  void add(const std::vector<engine::Finding>& piece);
  // Ends every report and flushes it. Returns false (after a message for each report that
  // could not be written). Call once.
  bool finish(const std::vector<engine::ResolvedFinding>& resolved, Messages& errors);
  // Moves each finished file to its place. Returns false (after a message) when one cannot be.
  bool publish(Messages& errors);

 private:
  struct Output;
  StreamedReports();
  void check(const Output& o) const;
  std::vector<std::unique_ptr<Output>> outputs_;
};

}  // namespace eco::app
