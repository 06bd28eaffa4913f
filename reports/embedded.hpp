#pragma once
// Files compiled into the library from reports/templates/ (HTML templates, the stylesheet, the
// labels in both languages); see cmake/embed_files.cmake.
#include <span>
#include <string_view>

namespace eco::reports {

struct EmbeddedFile {
  std::string_view name;  // path relative to reports/templates/, e.g. "audit.mustache"
  std::string_view content;
};

std::span<const EmbeddedFile> embedded_files();

// The content of one embedded file; throws std::out_of_range when there is none by that name
// (a missing template is a build error, never an empty report).
std::string_view embedded_file(std::string_view name);

}  // namespace eco::reports
