#include "server/http/pages.hpp"

#include <mustache.hpp>
#include <stdexcept>

#include "server/http/embedded.hpp"
#include "server/http/services.hpp"

namespace eco::server {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

// JSON to mustache data. Numbers and booleans as text and truth values; null and "" as false so
// that {{#x}} sections skip them.
data to_data(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      data d;
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), to_data(it.value()));
      return d;
    }
    case nlohmann::json::value_t::array: {
      data d(data::type::list);
      for (const auto& v : j) d.push_back(to_data(v));
      return d;
    }
    case nlohmann::json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      return s.empty() ? data(false) : data(s);
    }
    case nlohmann::json::value_t::boolean:
      return data(j.get<bool>());
    case nlohmann::json::value_t::null:
      return data(false);
    default:
      return data(j.dump());
  }
}

std::string template_text(std::string_view page) {
  const std::string name = "pages/templates/" + std::string(page) + ".mustache";
  auto t = find_embedded(name);
  if (!t) throw std::runtime_error("no page template " + name);
  return std::string(*t);
}

nlohmann::json load_labels() {
  auto text = find_embedded("pages/templates/labels.json");
  if (!text) throw std::runtime_error("no pages/templates/labels.json");
  return nlohmann::json::parse(*text);
}

// The flat labels ("users.name") nested for the templates ({{t.users.name}}).
nlohmann::json nested(const nlohmann::json& flat) {
  nlohmann::json out = nlohmann::json::object();
  for (auto it = flat.begin(); it != flat.end(); ++it) {
    nlohmann::json* at = &out;
    std::string_view key = it.key();
    for (auto dot = key.find('.'); dot != std::string_view::npos; dot = key.find('.')) {
      at = &(*at)[std::string(key.substr(0, dot))];
      key.remove_prefix(dot + 1);
    }
    (*at)[std::string(key)] = it.value();
  }
  return out;
}

std::string in_layout(nlohmann::json base, const std::string& body) {
  base["body"] = body;
  return render_template(template_text("layout"), base);
}

}  // namespace

std::optional<std::string_view> find_embedded(std::string_view name) {
  for (const auto& f : embedded_files())
    if (f.name == name) return f.content;
  return std::nullopt;
}

const nlohmann::json& labels(std::string_view lang) {
  static const nlohmann::json all = [] {
    nlohmann::json l = load_labels();
    // Each English label falls back to the Chinese one: a missing translation shows Chinese,
    // never an empty button.
    for (auto it = l["zh"].begin(); it != l["zh"].end(); ++it)
      if (!l["en"].contains(it.key())) l["en"][it.key()] = it.value();
    return l;
  }();
  return all.at(lang == "en" ? "en" : "zh");
}

std::string render_template(std::string_view template_text, const nlohmann::json& json_data) {
  mustache tmpl{std::string(template_text)};
  if (!tmpl.is_valid()) throw std::runtime_error("template: " + tmpl.error_message());
  std::string out = tmpl.render(to_data(json_data));
  if (!tmpl.error_message().empty()) throw std::runtime_error("template: " + tmpl.error_message());
  return out;
}

std::string render_page(const Context& ctx, std::string_view page, std::string_view title_key,
                        nlohmann::json page_data) {
  const std::string lang = ctx.lang();
  const nlohmann::json& t = labels(lang);
  nlohmann::json base = {{"t", nested(t)}, {"lang", lang}, {"html_lang", lang == "en" ? "en" : "zh-CN"},
                         {"other_lang", lang == "en" ? "zh" : "en"},
                         {"other_lang_label", lang == "en" ? "中文" : "English"},
                         {"title", t.value(std::string(title_key), std::string(title_key))},
                         {"path", ctx.req.path}};
  if (ctx.account) {
    nlohmann::json roles = nlohmann::json::array();
    for (auto r : ctx.account->roles) roles.push_back(t.value("role." + std::string(app::to_string(r)), std::string(app::to_string(r))));
    base["user"] = {{"name", ctx.account->name}, {"roles", roles}};
  }
  if (ctx.session) base["csrf"] = ctx.session->csrf;
  nlohmann::json nav = nlohmann::json::array();
  if (ctx.account && ctx.services.router()) {
    for (const auto& r : ctx.services.router()->routes()) {
      if (r.nav.empty() || r.method != "GET") continue;
      const bool shown = (r.flags & kSignedIn) || (r.resource && r.action && ctx.may(*r.action, *r.resource));
      if (shown)
        nav.push_back({{"href", r.path}, {"label", t.value(r.nav, r.nav)}, {"current", r.path == ctx.req.path}});
    }
  }
  base["nav"] = nav;
  nlohmann::json merged = base;
  for (auto it = page_data.begin(); it != page_data.end(); ++it) merged[it.key()] = it.value();
  const std::string body = render_template(template_text(page), merged);
  return in_layout(base, body);
}

std::string render_error_page(std::string_view lang, int status, std::string_view message) {
  const nlohmann::json& t = labels(lang);
  nlohmann::json base = {{"t", nested(t)}, {"lang", lang}, {"html_lang", lang == "en" ? "en" : "zh-CN"},
                         {"title", t.value("error.title", std::string("Error"))}, {"nav", nlohmann::json::array()}};
  nlohmann::json d = base;
  d["status"] = std::to_string(status);
  d["message"] = message;
  return in_layout(base, render_template(template_text("error"), d));
}

}  // namespace eco::server
