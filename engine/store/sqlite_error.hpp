#pragma once
// Turning SQLite failures into StoreErrors users can act on (locked, read-only, not a
// database, disk full), shared by the store and the importer.
#include <exception>
#include <filesystem>
#include <string_view>

#include "engine/store/store.hpp"

namespace eco::engine::store {

// Throws a StoreError describing `ex` (an SQLite::Exception or any other exception) raised
// while `doing` something with the store at `path`.
[[noreturn]] void throw_store_error(const std::filesystem::path& path, const std::exception& ex,
                                    std::string_view doing);

}  // namespace eco::engine::store
