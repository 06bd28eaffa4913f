#pragma once
// Diagnostics as data: {severity, code, range, message, notes}. Passes append them to a
// Diagnostics list; rendering to text or JSON happens once, at the edge (the command line).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/common/source.hpp"

namespace eco::dsl {

enum class Severity : std::uint8_t { note, warning, error };
std::string_view to_string(Severity s);

// A secondary message, optionally pointing at another place ("first declared here").
struct Note {
  std::string message;
  bool has_range = false;
  SourceRange range{};
};

struct Diagnostic {
  Severity severity = Severity::error;
  std::string code;  // stable, grouped: P parse, N names, T types, D declarations (codes.hpp)
  SourceRange range{};
  std::string message;
  std::vector<Note> notes;
};

// The diagnostics of one run. Errors beyond the cap are counted, not stored, so a file
// with a million mistakes cannot exhaust memory; the renderer says how many were left out.
class Diagnostics {
 public:
  explicit Diagnostics(std::size_t cap = 50) : cap_(cap) {}

  Diagnostic& add(Severity s, std::string code, SourceRange r, std::string message);
  Diagnostic& error(std::string code, SourceRange r, std::string message) {
    return add(Severity::error, std::move(code), r, std::move(message));
  }
  Diagnostic& warning(std::string code, SourceRange r, std::string message) {
    return add(Severity::warning, std::move(code), r, std::move(message));
  }

  bool has_errors() const { return error_count_ > 0; }
  std::size_t error_count() const { return error_count_; }
  std::size_t warning_count() const { return warning_count_; }
  std::size_t dropped() const { return dropped_; }
  const std::vector<Diagnostic>& items() const { return items_; }

  // Sorts by file, position, then severity (errors first) and code; removes exact duplicates.
  void sort();

 private:
  std::size_t cap_;
  std::vector<Diagnostic> items_;
  Diagnostic overflow_;  // target of add() once the cap is reached
  std::size_t error_count_ = 0;
  std::size_t warning_count_ = 0;
  std::size_t dropped_ = 0;
};

// Renders one diagnostic as
//   path:line:col: error[CODE]: message
//      12 | source line
//         |     ^~~~~~
//   note: ...
// Columns are characters; the caret line is padded by display width so that it stays under
// the right character when the line holds Chinese (double-width) text. Tabs are expanded.
std::string render_text(const SourceManager& sm, const Diagnostic& d);

// Renders all diagnostics and a closing summary line ("2 errors, 1 warning generated").
std::string render_text(const SourceManager& sm, const Diagnostics& ds);

// JSON array of {severity, code, file, line, column, end_line, end_column, message, notes}.
std::string render_json(const SourceManager& sm, const Diagnostics& ds);

}  // namespace eco::dsl
