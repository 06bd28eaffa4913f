#pragma once
// Internal to dsl/check: "did you mean" suggestions for misspelt names.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eco::dsl::check {

// Edit distance (insertions, deletions, substitutions, adjacent transpositions) counted in
// characters, so a misspelt Chinese name is one edit away, not three bytes.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `name` when it is close enough to be a plausible typo (distance at
// most a third of the name's length, at least 1), or nullopt. Ties go to the earlier candidate.
std::optional<std::string> closest(std::string_view name, const std::vector<std::string>& candidates);

// "a, b, c" (each quoted) for up to `max` candidates, then ", ..." when there are more.
std::string list_names(const std::vector<std::string>& names, std::size_t max = 8);

}  // namespace eco::dsl::check
