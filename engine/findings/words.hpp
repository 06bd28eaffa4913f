#pragma once
// The words the engine writes into a finding (its own, not a rule's: a rule's `message` and
// `unknown_when` reasons are the ruleset's words). The engine records WHAT happened, as a word
// id and its arguments (a rule title, a clause, an expression, a field list, an error, a limit
// kind, a value); the text in each language comes from one catalog, engine/findings/words.json,
// compiled into the library. The catalog is presentation: a wording or a translation is changed
// there, never in the engine's C++ (tests/words checks that engine/ writes no Chinese literal).
//
// The catalog maps each id's key to a template per language. A template names its arguments as
// holes, {title}, in fmt's syntax (a literal brace is written twice); an id's arguments are the
// names params(id) lists, and a template may use any of them, or none (an English template may
// leave out what only the Chinese one shows). Messages are composed when the finding is made:
// Finding::message_zh / message_en hold the composed text, which the reports and the sweep
// history read as they are.
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eco::engine::words {

enum class Lang : std::uint8_t { zh, en };

// Every word the engine can say. Adding one: an id here, its key and parameters in words.cpp,
// its templates in both languages of words.json (the catalog refuses to load without them).
enum class Id : std::uint8_t {
  // Messages of a finding the rule's own words do not cover.
  complies,        // pass {title}
  not_applicable,  // not applicable {title}
  cannot_decide,   // unknown {title}, {why}: what could not be decided and why
  missing,         // {fields}: the missing fields, joined by list_separator
  failure,         // unknown because evaluation failed {title} {why} {where} {todo} {error}
  failure_at,      // {clause} {expr}: where in the rule the evaluation failed
  limit,           // error {title} {limit} {error}: an evaluation limit was exceeded
  // Parts of those messages.
  reason_separator,  // between two reasons
  list_separator,    // between two fields of a list
  field_described,   // {description} {field}: a field by its schema description and path
  records_of,        // {title} {list}: the records of a reverse list, by the child's title
  verify_on_site,    // a reason: {verify} (the field's `verify` text) {field}
  calendar_lacks_year,  // a reason: {calendar} (title) {calendar_name} {year} {years}
  the_rule,          // the clause name when none is known
  // What made an evaluation fail (cel::ErrorCode), in plain words.
  error_generic,
  error_no_data,
  error_zero_divisor,
  error_overflow,
  error_range,
  error_no_such_key,
  error_conversion,
  // What to do about a failure.
  todo_find_records,     // absent records: verify on site
  todo_find_records_of,  // {fields}
  todo_check_values,     // an impossible value: a data question
  todo_check_values_of,  // {fields}
  todo_check_rule,       // not a data problem: the rule's maintainers
  // The evaluation limits (cel::kLimit*, and the message limit).
  limit_string,
  limit_list,
  limit_steps,
  limit_message,
  // A boolean value inside a message.
  value_true,
  value_false,
  // A rectification order as a sweep checks it (engine/enforcement).
  order_title,     // the finding's title
  order_due,       // upcoming {reference} {issued_on} {deadline} {days} {requirement}
  order_overdue,   // violation {reference} {issued_on} {deadline} {days} {requirement} {state}
  order_resolved,  // pass {reference} {deadline}
};
inline constexpr std::size_t kIdCount = static_cast<std::size_t>(Id::order_resolved) + 1;

// The id's key in words.json ("complies").
std::string_view key(Id id);

// The names of the id's arguments.
std::span<const char* const> params(Id id);

// One argument of a word: its name (one of params(id), a string literal) and its value.
struct Arg {
  const char* name;
  std::string_view value;
};

// The id's text in `lang` with its arguments filled in. An argument a template uses but `args`
// lacks throws std::logic_error (a defect of the engine's C++ or of the catalog, which the unit
// tests exercise), as does a catalog with problems().
std::string say(Id id, Lang lang, std::span<const Arg> args);
inline std::string say(Id id, Lang lang, std::initializer_list<Arg> args = {}) {
  return say(id, lang, std::span<const Arg>(args.begin(), args.size()));
}

// The text of an id without arguments, formatted once when the catalog loads.
const std::string& word(Id id, Lang lang);

// The catalog as compiled into the library (the text of words.json).
std::string_view catalog_text();

// What is wrong with a catalog in words.json's format: an id without a text in either language,
// a key that names no id, a template whose holes are not its id's arguments (or not fmt's
// syntax), JSON that does not parse. Empty for a sound catalog; the library's own is checked
// when it loads (the first word said), and refused with std::logic_error.
std::vector<std::string> problems(std::string_view catalog_json);

}  // namespace eco::engine::words
