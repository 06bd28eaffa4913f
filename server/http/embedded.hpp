#pragma once
// Files compiled into the server from server/pages/templates/ and server/static/ (see
// cmake/embed_files.cmake): the installed binary needs no data files, and nothing is read from
// the disk at a path a request could name.
#include <optional>
#include <span>
#include <string_view>

namespace eco::server {

struct EmbeddedFile {
  std::string_view name;  // relative to server/: "pages/templates/layout.mustache", "static/app.css"
  std::string_view content;
};

std::span<const EmbeddedFile> embedded_files();

// The content of one embedded file, nullopt when there is none by that exact name.
std::optional<std::string_view> find_embedded(std::string_view name);

}  // namespace eco::server
