#pragma once
// Server-rendered pages: a page's template (server/pages/templates/<page>.mustache) rendered
// with its data, inside the layout (head, navigation by role, foot). Chinese by default, English
// on request (Context::lang): the labels of both languages are in
// server/pages/templates/labels.json, and every template reads them as {{t.key}}.
//
// Every value goes through {{...}} (HTML-escaped); templates hold no inline script or style
// (the CSP forbids both): behaviour comes from /static/app.js, looks from /static/app.css.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/http/router.hpp"

namespace eco::server {

// The page `page` with `data` (a JSON object; its strings are escaped by {{...}}) and the
// title from the label `title_key`, in the layout. The data also gets "t" (the labels of the
// language), "lang", "user" (name, roles) and "csrf" (the session's token, for forms).
// Throws std::runtime_error for a template that does not exist or does not parse.
std::string render_page(const Context& ctx, std::string_view page, std::string_view title_key,
                        nlohmann::json data = nlohmann::json::object());

// The error page for `status` (no navigation: it may be shown to anyone).
std::string render_error_page(std::string_view lang, int status, std::string_view message);

// The labels of `lang` ("zh" or "en"), each key falling back to Chinese.
const nlohmann::json& labels(std::string_view lang);

// Renders a mustache template text with JSON data (exposed for the areas' partial renders).
std::string render_template(std::string_view template_text, const nlohmann::json& data);

}  // namespace eco::server
