#pragma once
// The change notices' renderings (issue 15 item 6, docs/enforcement.md "Change notices"): text
// for a terminal, JSON, and an Atom 1.0 feed (RFC 4287) the workbench serves. Human-readable
// words follow `lang` (zh | en).
#include <string>

#include "engine/findings/changes.hpp"

namespace eco::reports {

std::string changes_text(const engine::ChangeNotices& n);
std::string changes_json(const engine::ChangeNotices& n);
// One entry per sweep and group: its id a tag URI stable for that ruleset, sweep, jurisdiction
// and team ("tag:ecoaudit,2026:changes/<ruleset>/sweep/<id>/<jurisdiction>/<inspectors>",
// percent-encoded), updated = the sweep's start; the feed's id is `feed_id` and its updated
// the newest sweep's start ("1970-01-01T00:00:00Z" without one).
std::string changes_atom(const engine::ChangeNotices& n, const std::string& lang, const std::string& feed_id);

}  // namespace eco::reports
