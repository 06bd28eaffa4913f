#include "app/screening_form.hpp"

#include <array>
#include <cctype>

namespace eco::app {
namespace {

namespace model = dsl::model;

// The label is what a form shows beside its input; the description's explanations (after a
// bracket, a comma, a semicolon) stay in the description shown below it.
std::string short_label(const std::string& description) {
  static constexpr std::array<std::string_view, 8> kCuts = {" (", "(", "（", ", ", "，", "; ", "；", " 如"};
  std::size_t cut = description.size();
  for (auto c : kCuts)
    if (auto p = description.find(c); p != std::string::npos && p > 0) cut = std::min(cut, p);
  return description.substr(0, cut);
}

std::string readable(const std::string& name) {
  std::string out;
  for (char c : name) out += c == '_' ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string kind_name(const model::Type& t) {
  switch (t.kind) {
    case model::Kind::bool_: return "boolean";
    case model::Kind::int_:
    case model::Kind::uint_: return "integer";
    case model::Kind::double_: return "number";
    case model::Kind::date: return "date";
    case model::Kind::enum_: return "enum";
    default: return "text";
  }
}

bool valid_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

}  // namespace

std::optional<FormDescription> screening_form(const model::Schema& schema, const std::string& record) {
  const model::RecordType* r = record.empty() ? schema.screened() : schema.find_record(record);
  if (!r) return std::nullopt;
  FormDescription form;
  form.record = r->name;
  form.title = r->title;
  for (const auto& f : r->fields) {
    FormField ff;
    ff.name = f.name;
    ff.description = f.description;
    ff.label_zh = f.description.empty() ? f.name : short_label(f.description);
    ff.label_en = readable(f.name);
    ff.verify = f.verify;
    ff.type = kind_name(f.type);
    if (f.type.kind == model::Kind::enum_ && f.type.enum_type) {
      ff.enum_name = f.type.enum_type->name;
      for (const auto& v : f.type.enum_type->values)
        ff.options.push_back({v.name, v.label.empty() ? v.name : v.label, v.name});
    }
    if (f.ref) ff.references = schema.records.at(f.ref->target).name;
    ff.required = !f.optional || f.key;
    ff.key = f.key;
    form.fields.push_back(std::move(ff));
  }
  return form;
}

nlohmann::json to_json(const FormDescription& form) {
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& f : form.fields) {
    nlohmann::json j = {{"name", f.name},
                        {"label", {{"zh", f.label_zh}, {"en", f.label_en}}},
                        {"description", f.description},
                        {"verify", f.verify},
                        {"type", f.type},
                        {"required", f.required},
                        {"key", f.key}};
    if (!f.enum_name.empty()) {
      j["enum"] = f.enum_name;
      nlohmann::json options = nlohmann::json::array();
      for (const auto& o : f.options)
        options.push_back({{"value", o.value}, {"label", {{"zh", o.label_zh}, {"en", o.label_en}}}});
      j["options"] = std::move(options);
    }
    if (!f.references.empty()) j["references"] = f.references;
    fields.push_back(std::move(j));
  }
  return {{"record", form.record}, {"title", form.title}, {"fields", std::move(fields)}};
}

std::string form_document(const FormDescription& form, const std::map<std::string, std::string>& values,
                          std::vector<FormError>& errors) {
  nlohmann::ordered_json row = nlohmann::ordered_json::object();
  // In the form's order, so that the document reads like the form.
  for (const auto& f : form.fields) {
    auto it = values.find(f.name);
    if (it == values.end() || it->second.empty()) continue;
    // A value that is not UTF-8 is refused, never repaired: nothing is silently coerced.
    if (!valid_utf8(it->second)) {
      errors.push_back({f.name, "the value of '" + f.name + "' is not valid UTF-8 text"});
      continue;
    }
    row[f.name] = it->second;
  }
  for (const auto& [name, value] : values) {
    bool known = false;
    for (const auto& f : form.fields) known = known || f.name == name;
    if (known) continue;
    if (valid_utf8(name))
      errors.push_back({name, "'" + name + "' is no field of " + form.record});
    else
      errors.push_back({"", "a field name that is not valid UTF-8 text is no field of " + form.record});
  }
  nlohmann::ordered_json doc;
  doc[form.record] = nlohmann::ordered_json::array({std::move(row)});
  return doc.dump(2);
}

}  // namespace eco::app
