#pragma once
// The screening form of the workbench (issue 14): a form generated from the ruleset's screened
// record (`record NAME "..." role screened`), and the application document its values make.
//
// Everything comes from the checked schema, nothing from C++: the fields in declaration order
// with their type, whether they are required, their Chinese description, the enum values with
// their labels. The rule language has no English description of a field: the English label is
// the field's name made readable ("added_capacity_t" -> "Added capacity t"), and an enum value's
// English label is its name (what data and rules write).
//
// The values a person types become an application document (JSON, every value a string): the
// screening then validates it exactly as it validates an uploaded document (app/screen.hpp),
// so the form refuses nothing the importer would accept and accepts nothing it would refuse.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dsl/model/schema.hpp"

namespace eco::app {

struct FormOption {
  std::string value;     // what the document carries: the enum value's name
  std::string label_zh;  // its Chinese label (the name when it has none)
  std::string label_en;  // its name
};

struct FormField {
  std::string name;
  std::string label_zh;     // the description up to its first explanation ("申请企业统一社会信用代码")
  std::string label_en;     // the name made readable ("Applicant id")
  std::string description;  // the whole Chinese description
  std::string verify;       // what to verify when the value is absent (`verify "..."`), or ""
  // text | integer | number | boolean | date | enum (the kinds a record field can have)
  std::string type;
  std::string enum_name;        // enum: the enum type's name
  std::vector<FormOption> options;  // enum: its values in declaration order
  std::string references;       // a reference: the record type it names ("" when none)
  bool required = false;        // the field is not optional (key fields are required)
  bool key = false;
};

struct FormDescription {
  std::string record;  // the screened record's name ("application")
  std::string title;   // its Chinese title ("建设项目申请")
  std::vector<FormField> fields;
};

// The form of the schema's `role screened` record, or of `record` when given. nullopt when the
// schema declares no screened record, or has no record type `record`.
std::optional<FormDescription> screening_form(const dsl::model::Schema& schema, const std::string& record = "");

// The form as JSON: {"record", "title", "fields": [{"name", "label": {"zh", "en"}, "description",
// "verify", "type", "enum", "options": [{"value", "label": {"zh", "en"}}], "references",
// "required", "key"}]} ("enum", "options" and "references" only where they apply).
nlohmann::json to_json(const FormDescription& form);

// A value the form cannot put in a document (a field it does not have).
struct FormError {
  std::string field;
  std::string message;
};

// The application document holding the form's values: {"<record>": [{"<field>": "<value>", ...}]}
// as JSON text, values as typed (strings: the importer converts them as it converts CSV cells,
// so "12.5", "true", "是", "2024-05-01" all work and a bad one is refused naming its field).
// An empty value is a missing one (left out). A name that is no field of the form is an error
// (in `errors`, the document then holds the other values).
std::string form_document(const FormDescription& form, const std::map<std::string, std::string>& values,
                          std::vector<FormError>& errors);

}  // namespace eco::app
