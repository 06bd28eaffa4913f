#pragma once
// The reports of a run, in every format: what reports/ needs besides the findings model, and
// the functions that write each format.
//
// Three reports (ReportKind):
//   audit      one enterprise: its card, findings by severity with evidence and what would
//              comply, the on-site checklist from the unknowns, upcoming deadlines, parameters
//   screening  one or more applications: the decision, its reasons, documents, conditions
//   sweep      the dashboard: headline figures, charts by the group-by dimensions, requirement
//              area and severity, the trend over past sweeps, changes, ranking, one section
//              per enterprise with findings
// Formats: html (one self-contained file), json (reports/json), csv (UTF-8 with BOM, one row
// per finding), xlsx (Summary, Findings, On-site checklist, Upcoming deadlines), text (the
// compact terminal summary). Human-readable formats follow `lang` (zh | en).
//
// The caller (cli/) extracts everything record-shaped (the enterprises' fields with their
// schema descriptions, the group-by values) from its snapshot: reports/ never reads a store.
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/findings/compliance.hpp"
#include "engine/findings/finding.hpp"

namespace eco::reports {

enum class ReportKind { audit, screening, sweep };
enum class Format { html, json, csv, xlsx, text };

// "html" -> Format::html, ...; nullopt for anything else. (A lookup in formats().)
std::optional<Format> parse_format(std::string_view);
const char* to_string(Format);
// File extension of a format ("html", "json", "csv", "xlsx", "txt").
const char* extension(Format);

// One field of a record as shown to a reader.
struct FieldValue {
  std::string name;         // "county"
  std::string description;  // the schema's description ("所在区县"); may be empty
  std::string value;        // rendered; an enum value as "label (name)" when it has a label
};

// Rows of a record type that belong to an enterprise (its permits, facilities, ...).
struct RelatedRecords {
  std::string record;               // "permit"
  std::string title;                // the record type's title ("排污许可证 / 排污登记")
  std::vector<FieldValue> columns;  // name and description of each shown field
  std::vector<std::vector<std::string>> rows;  // at most the first few rows
  std::size_t total = 0;                       // rows the enterprise has in all
};

// An enterprise (the schema's owner record) as the reports show it.
struct EnterpriseInfo {
  std::string key;
  std::string name;                               // its name field, or the key
  std::vector<FieldValue> fields;                 // the owner record's fields that have a value
  std::vector<RelatedRecords> related;            // audit only (empty in a sweep)
  std::map<std::string, std::string> dimensions;  // group-by field -> the value's label
};

// A field of the owner record that the dashboard groups by (an enum field).
struct Dimension {
  std::string field;        // "county"
  std::string description;  // "所在区县"
};

struct ReportData {
  ReportKind kind = ReportKind::sweep;
  std::string lang = "zh";  // zh | en
  engine::RunInfo run;
  const std::vector<engine::Finding>* findings = nullptr;
  std::vector<engine::ResolvedFinding> resolved;
  std::vector<engine::ApplicationDecision> decisions;  // screening
  std::string enterprise;                              // audit: the enterprise's key
  std::vector<EnterpriseInfo> enterprises;  // audit: that one; sweep: those with findings
  std::size_t enterprises_checked = 0;      // sweep: every enterprise evaluated
  std::vector<Dimension> dimensions;        // sweep
  std::map<std::string, std::string> field_descriptions;  // "facility.ule_status" -> description
  std::vector<engine::SweepSummary> history;  // earlier sweeps, oldest first, and this one
  // A selection of findings (the workbench's export of a filtered list): what each filter was
  // set to, as (what is filtered, its value) in the reader's words. The XLSX summary names
  // them, or says that nothing was filtered; nullopt: not a selection (the other reports).
  std::optional<std::vector<std::pair<std::string, std::string>>> selection;
  // audit: the enterprise's compliance history (its quarter grid, one row), when the ruleset
  // declares what is significant (docs/enforcement.md "Compliance history"); html and text show it.
  std::optional<engine::ComplianceHistory> compliance;
  bool color = false;                         // text: ANSI colours (a terminal)
};

// Thrown when a report cannot be written (an XLSX file that cannot be created, ...).
struct ReportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Weight of a violation or late finding of a severity in the enterprise ranking:
// critical 16, high 8, medium 4, low 2, advice 1 (unknown, upcoming and the rest weigh 0).
int severity_weight(dsl::model::Severity s);

std::string text_report(const ReportData& d);
std::string html_report(const ReportData& d);
// CSV: UTF-8 with a byte order mark, a header row, one row per finding, CRLF line ends;
// cells are quoted as RFC 4180 wants and neutralised against formula injection.
std::string csv_report(const ReportData& d);
// Writes the workbook to `path` (libxlsxwriter writes files only). Throws ReportError.
void write_xlsx_report(const ReportData& d, const std::string& path);

// A report written while its findings arrive, piece by piece in the report's order, so that a
// sweep can hand each piece over and drop it instead of holding every finding. The bytes are
// those of the whole-set function (text_report, csv_report, write_findings_json) for the
// concatenated pieces, however they are split. Writing may throw what the whole-set function
// throws (ReportError, nlohmann's type_error on text that is not UTF-8).
class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  virtual void add(const std::vector<engine::Finding>& piece) = 0;
  // Ends the report with what follows the findings. Call once, after the last piece.
  virtual void finish(const std::vector<engine::ResolvedFinding>& resolved) = 0;
};

// The enterprise a finding belongs to, by its owner's key (Finding::owner); nullptr when unknown.
using EnterpriseLookup = std::function<const EnterpriseInfo*(const std::string& key)>;

// A writer of `format` into `out` (which must outlive it) for the report `head` describes
// without its findings and resolved findings: kind (sweep or audit), lang, run, enterprise,
// color (text), dimensions (csv) and decisions (json). The csv writer asks `enterprise` for a
// finding's enterprise (its name and dimension values) instead of reading head.enterprises.
// nullptr for html and xlsx (they need every finding before their first byte) and for a
// screening's text report.
std::unique_ptr<ReportWriter> report_writer(Format format, std::ostream& out, const ReportData& head,
                                            EnterpriseLookup enterprise);
// The text and csv writers (report_writer's for those formats).
std::unique_ptr<ReportWriter> text_report_writer(std::ostream& out, const ReportData& head);
std::unique_ptr<ReportWriter> csv_report_writer(std::ostream& out, const ReportData& head,
                                                EnterpriseLookup enterprise);

// The report formats, in one table (formats()): what a front end needs to offer a format, name
// its file and write it. A new format is one entry here plus its writer.
struct FormatEntry {
  Format format;
  const char* name;       // as --format and the API name it: "html", "json", "csv", "xlsx", "text"
  const char* extension;  // of its file: "html", "json", "csv", "xlsx", "txt"
  // True when report_writer gives a writer for it: the report can be written while the
  // findings arrive (json, text, csv); false when it needs every finding first (html, xlsx).
  bool streamable;
  // True when it is written to a named file only, never to a stream (xlsx: libxlsxwriter).
  bool file_only;
  // Writes the whole report of `d`: into `out`, or for a file_only format to the file `path`
  // (`out` unused). Throws ReportError or what the format's writer throws.
  void (*write)(const ReportData& d, std::ostream& out, const std::string& path);
};

// Every format, in the order of the Format enum (html, json, csv, xlsx, text). The table is
// explicit rather than filled by self-registering objects: in a static library an object file
// nothing else refers to would be dropped by the linker, and its format with it.
const std::vector<FormatEntry>& formats();
// The entry of a format; of a name (nullptr when no format has that name).
const FormatEntry& format_entry(Format);
const FormatEntry* find_format(std::string_view name);

// A cell that a spreadsheet would take for a formula (starts with = + - @, a tab or a CR) gets
// a leading apostrophe; anything else is returned unchanged.
std::string neutralise_formula(const std::string& cell);

// Text for a terminal: control characters that a terminal would act on are shown as visible
// escapes instead (issue 17): C0 controls and DEL as \n \r \t \e or \xHH, C1 controls
// (U+0080-U+009F, e.g. the one-byte CSI) and the bidirectional overrides and isolates
// (U+202A-U+202E, U+2066-U+2069) as \u{HHHH}; invalid UTF-8 bytes as \xHH. Everything else
// (Chinese, punctuation, backslashes) is unchanged. Every text renderer and the CLI's finding
// text pass data through it, so a value cannot clear the screen, set a title (OSC), ring the
// bell or forge a line of the report.
std::string printable(std::string_view text);

}  // namespace eco::reports
