#pragma once
// Screening at the workbench (issue 14): a permit officer screens an application given as an
// uploaded document (JSON or XML, the input of `ecoaudit screen`) or as the values of the form
// generated from the schema's screened record (app/screening_form.hpp), sees the decision with
// its reasons, the documents to request and the conditions, and records it under their name.
//
// A screening is app/screen.hpp's run: the same validation (errors by file, line, field), the
// same rules, the same decisions. Recording runs it again with `record`: the application is
// stored as an import batch (replacing an earlier version of it, which the store's history
// keeps) and, in the same transaction, the decision is written to `_screening_decision` with
// who recorded it, when, on which legal date, under which ruleset (its digest), from which
// batch and document (SHA-256), and a row is appended to the audit trail
// (`screening.record`). Neither exists without the other.
//
// `_screening_decision` is append-only like `_audit`: triggers refuse UPDATE, DELETE and an
// INSERT that would replace a row. A later decision on the same application is a new row;
// the list per application shows them all, oldest first.
//
// Uploaded file names never become paths: each document is written to a private temporary
// folder as document-N.json or .xml (the format from the name's extension, else from the
// first character), and messages name the upload as it was called.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/run.hpp"
#include "app/screen.hpp"
#include "app/screening_form.hpp"
#include "dsl/common/date.hpp"

namespace eco::app {

// An uploaded document: the name it was uploaded under (for messages only) and its bytes.
struct ScreeningDocument {
  std::string name;
  std::string content;
};

struct ScreeningRequest {
  std::filesystem::path db, ruleset;
  dsl::Date as_of{};        // the legal date
  std::string lang = "zh";  // of the report (report_json)
  // The record type screened ("": the ruleset's `role screened` record), as `ecoaudit screen
  // --record-type`; the form is then that record's.
  std::string record_type;
  // The application: uploaded documents, or the form's values (field name -> value as typed).
  // Exactly one of the two (bad_request otherwise).
  std::vector<ScreeningDocument> documents;
  std::optional<std::map<std::string, std::string>> form;
  // Record the decision (and store the application) as done by `officer` (required then; an
  // account's name), with the officer's `note` (may be empty).
  bool record = false;
  std::string officer;
  std::string note;
};

// One recorded decision (a row of `_screening_decision`).
struct RecordedDecision {
  std::int64_t id = 0;
  std::string at;            // UTC, ISO 8601
  std::string officer;       // who recorded it
  std::string record;        // the screened record type ("application")
  std::string application;   // its key
  std::string project_name;  // its name (`role name`), or ""
  std::string decision;      // approve | conditional | reject
  std::string as_of;         // the legal date screened at (YYYY-MM-DD)
  std::string ruleset, ruleset_sha256;
  std::int64_t batch = 0;    // the import batch holding the application's screened version
  std::string source;        // the upload's names ("form" for the form), comma-separated
  std::string sha256;        // of the documents screened, comma-separated in the same order
  std::string note;
  // {"reasons": [...], "conditions": [...], "unknowns": [...], "documents": [...]}: each finding
  // as {"rule", "title": {zh, en}, "severity", "verdict", "message": {zh, en}}, each document
  // to request as {"field", "description", "rules"}.
  nlohmann::json detail;
};

// status and errors (RunResult) as ScreenOutcome's, plus bad_request for a request without an
// application (or with both kinds), a document that is neither JSON nor XML, form values
// naming no field (form_errors), record without an officer.
struct ScreeningOutcome : RunResult {
  ScreenOutcome screen;                 // validation (screen.import), findings, decisions
  std::vector<FormError> form_errors;   // form values the form could not take
  std::string report_json;              // the screening's JSON report (decisions, findings)
  std::vector<RecordedDecision> recorded;  // with record: the decisions written
};

// Screens (and with `record` records) the request's application. `stop` cancels it as it
// cancels app/screen.hpp's run: nothing is stored.
ScreeningOutcome screen_application(const ScreeningRequest& request, std::stop_token stop = {});

// The recorded decisions, oldest first: of the application `application` (its key) when given,
// else all. An empty list for a store without any. Throws engine::store::StoreError when the
// store cannot be read.
std::vector<RecordedDecision> recorded_decisions(const std::filesystem::path& db, const std::string& application = "");

nlohmann::json to_json(const RecordedDecision& d);

// Base64 (RFC 4648, padded) of bytes, and back: how the workbench's screening page carries an
// uploaded document's bytes (GB18030 too, untouched) through its forms. from_base64 returns
// nullopt for text that is not base64 (white space is ignored).
std::string to_base64(std::string_view bytes);
std::optional<std::string> from_base64(std::string_view text);

}  // namespace eco::app
