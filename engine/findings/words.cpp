#include "engine/findings/words.hpp"

#include <fmt/args.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "engine/findings/words_embedded.hpp"

namespace eco::engine::words {

namespace {

struct Entry {
  Id id;
  std::string_view key;
  std::vector<const char*> params;
};

// The catalog's keys and each id's arguments, in the order of Id (checked when it loads).
const std::vector<Entry>& entries() {
  static const std::vector<Entry> kEntries = {
      {Id::complies, "complies", {"title"}},
      {Id::not_applicable, "not_applicable", {"title"}},
      {Id::cannot_decide, "cannot_decide", {"title", "why"}},
      {Id::missing, "missing", {"fields"}},
      {Id::failure, "failure", {"title", "why", "where", "todo", "error"}},
      {Id::failure_at, "failure_at", {"clause", "expr"}},
      {Id::limit, "limit", {"title", "limit", "error"}},
      {Id::reason_separator, "reason_separator", {}},
      {Id::list_separator, "list_separator", {}},
      {Id::field_described, "field_described", {"description", "field"}},
      {Id::records_of, "records_of", {"title", "list"}},
      {Id::verify_on_site, "verify_on_site", {"verify", "field"}},
      {Id::calendar_lacks_year, "calendar_lacks_year", {"calendar", "calendar_name", "year", "years"}},
      {Id::the_rule, "the_rule", {}},
      {Id::error_generic, "error_generic", {}},
      {Id::error_no_data, "error_no_data", {}},
      {Id::error_zero_divisor, "error_zero_divisor", {}},
      {Id::error_overflow, "error_overflow", {}},
      {Id::error_range, "error_range", {}},
      {Id::error_no_such_key, "error_no_such_key", {}},
      {Id::error_conversion, "error_conversion", {}},
      {Id::todo_find_records, "todo_find_records", {}},
      {Id::todo_find_records_of, "todo_find_records_of", {"fields"}},
      {Id::todo_check_values, "todo_check_values", {}},
      {Id::todo_check_values_of, "todo_check_values_of", {"fields"}},
      {Id::todo_check_rule, "todo_check_rule", {}},
      {Id::limit_string, "limit_string", {}},
      {Id::limit_list, "limit_list", {}},
      {Id::limit_steps, "limit_steps", {}},
      {Id::limit_message, "limit_message", {}},
      {Id::value_true, "value_true", {}},
      {Id::value_false, "value_false", {}},
      {Id::order_title, "order_title", {}},
      {Id::order_due, "order_due", {"reference", "issued", "deadline", "days", "requirement"}},
      {Id::order_overdue, "order_overdue", {"reference", "issued", "deadline", "days", "requirement", "state"}},
      {Id::order_resolved, "order_resolved", {"reference", "deadline"}},
  };
  return kEntries;
}

std::string_view lang_key(Lang lang) {
  return lang == Lang::zh ? "zh" : "en";
}

std::string format(std::string_view text, std::span<const Arg> args) {
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const auto& a : args) store.push_back(fmt::arg(a.name, a.value));
  return fmt::vformat(text, store);
}

const Entry* find_entry(std::string_view key) {
  for (const auto& e : entries())
    if (e.key == key) return &e;
  return nullptr;
}

// The catalog's templates, [lang][id], and for an id without arguments its formatted text.
struct Catalog {
  std::array<std::array<std::string, kIdCount>, 2> text, fixed;

  Catalog() {
    if (auto p = problems(catalog_text()); !p.empty())
      throw std::logic_error("engine/findings/words.json: " + p.front());
    const nlohmann::json all = nlohmann::json::parse(catalog_text());
    for (Lang lang : {Lang::zh, Lang::en}) {
      const auto l = static_cast<std::size_t>(lang);
      const auto& table = all.at(std::string(lang_key(lang)));
      for (const auto& e : entries()) {
        const auto i = static_cast<std::size_t>(e.id);
        text[l][i] = table.at(std::string(e.key)).get<std::string>();
        if (e.params.empty()) fixed[l][i] = format(text[l][i], {});
      }
    }
  }
};

const Catalog& catalog() {
  static const Catalog kCatalog;
  return kCatalog;
}

}  // namespace

std::string_view key(Id id) {
  return entries().at(static_cast<std::size_t>(id)).key;
}

std::span<const char* const> params(Id id) {
  return entries().at(static_cast<std::size_t>(id)).params;
}

std::string say(Id id, Lang lang, std::span<const Arg> args) {
  const std::string& text =
      catalog().text[static_cast<std::size_t>(lang)].at(static_cast<std::size_t>(id));
  try {
    return format(text, args);
  } catch (const fmt::format_error& e) {
    throw std::logic_error(
        fmt::format("the word '{}' ({}): {}", key(id), lang_key(lang), e.what()));
  }
}

const std::string& word(Id id, Lang lang) {
  if (!params(id).empty())
    throw std::logic_error(fmt::format("the word '{}' has arguments: say() it", key(id)));
  return catalog().fixed[static_cast<std::size_t>(lang)].at(static_cast<std::size_t>(id));
}

std::string_view catalog_text() {
  for (const auto& f : embedded_files())
    if (f.name == "words.json") return f.content;
  return {};
}

std::vector<std::string> problems(std::string_view catalog_json) {
  std::vector<std::string> out;
  const auto& es = entries();
  for (std::size_t i = 0; i < es.size(); ++i)
    if (static_cast<std::size_t>(es[i].id) != i)
      out.push_back(
          fmt::format("engine/findings/words.cpp: '{}' is out of the order of Id", es[i].key));
  if (es.size() != kIdCount)
    out.push_back("engine/findings/words.cpp: the entries do not match Id");
  const nlohmann::json all = nlohmann::json::parse(catalog_json, nullptr, false);
  if (!all.is_object()) return {"the catalog is not a JSON object"};
  for (Lang lang : {Lang::zh, Lang::en}) {
    const std::string lk(lang_key(lang));
    auto table = all.find(lk);
    if (table == all.end() || !table->is_object()) {
      out.push_back(fmt::format("no \"{}\" object", lk));
      continue;
    }
    for (const auto& e : es) {
      auto it = table->find(std::string(e.key));
      if (it == table->end() || !it->is_string() || it->get<std::string>().empty()) {
        out.push_back(fmt::format("'{}' has no {} text", e.key, lk));
        continue;
      }
      // Every hole must be one of the id's arguments: fmt refuses a name it was not given.
      fmt::dynamic_format_arg_store<fmt::format_context> store;
      for (const char* p : e.params) store.push_back(fmt::arg(p, std::string_view("x")));
      try {
        (void)fmt::vformat(it->get<std::string>(), store);
      } catch (const fmt::format_error& x) {
        out.push_back(fmt::format("'{}' ({}): {} (its arguments: {})", e.key, lk, x.what(),
                                  fmt::join(e.params, ", ")));
      }
    }
    for (const auto& [k, v] : table->items())
      if (!find_entry(k))
        out.push_back(fmt::format("'{}' ({}) names no word of the engine", k, lk));
  }
  return out;
}

}  // namespace eco::engine::words
