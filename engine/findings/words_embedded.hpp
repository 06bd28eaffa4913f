#pragma once
// Internal to engine/findings/words.cpp: the catalog file compiled into the library
// (engine/findings/words.json; see cmake/embed_files.cmake).
#include <span>
#include <string_view>

namespace eco::engine::words {

struct EmbeddedFile {
  std::string_view name;  // "words.json"
  std::string_view content;
};

std::span<const EmbeddedFile> embedded_files();

}  // namespace eco::engine::words
