// load_ruleset: the checking pipeline, assembled in one place so its order is visible.
//   1 load_files      read the entry and its includes, parse each
//   2 load_catalogue  requirements.txt beside the entry (optional)
//   3 build_schema    enums, records, fields, keys, references
//   3b check_migrations  declared schema migrations
//   4 check_params    parameter values, dates, sources
//   5 check_rules     bindings and typed expressions
//   6 check_tests     rule tests
#include "dsl/check/check.hpp"

#include <exception>

#include <fmt/format.h>

#include "dsl/check/context.hpp"
#include "dsl/check/suggest.hpp"
#include "dsl/common/codes.hpp"

namespace eco::dsl {

namespace check {

void add_note(Diagnostic& d, std::string message, SourceRange where) {
  d.notes.push_back(Note{std::move(message), true, where});
}

void add_note(Diagnostic& d, std::string message) { d.notes.push_back(Note{std::move(message), false, {}}); }

std::optional<model::Basis> parse_basis_name(Context& ctx, const ast::Name& n) {
  if (auto b = model::parse_basis(n.text)) return b;
  auto& d = ctx.diags.error(code::kBadBasis, n.range, fmt::format("unknown deadline basis '{}'", n.text));
  const std::vector<std::string> all = {"plan_date", "regulation", "plan_period_end", "grace_period", "advice"};
  auto s = closest(n.text, all);
  add_note(d, s ? fmt::format("did you mean '{}'? (plan_date, regulation, plan_period_end, grace_period or advice)", *s)
                : std::string("write plan_date, regulation, plan_period_end, grace_period or advice"));
  return std::nullopt;
}

}  // namespace check

std::unique_ptr<model::Ruleset> load_ruleset(const std::filesystem::path& path, SourceManager& sm,
                                             Diagnostics& diags) {
  namespace fs = std::filesystem;
  auto rs = std::make_unique<model::Ruleset>();
  check::Context ctx{sm, diags, *rs, {}, false, {}, {}, {}, {}, {}};
  try {
    std::error_code ec;
    fs::path entry = fs::is_directory(path, ec) ? path / "ruleset.rules" : path;
    if (!check::load_files(entry, ctx)) {
      diags.sort();
      return nullptr;
    }
    // Parse errors stop here: checking half-parsed declarations only adds follow-on noise.
    if (diags.has_errors()) {
      diags.sort();
      return nullptr;
    }
    fs::path dir = entry.parent_path();
    check::load_catalogue(dir.empty() ? fs::path(".") : dir, ctx);
    if (!ctx.files.empty() && ctx.files.back().header) {
      rs->id = ctx.files.back().header->id.text;
      rs->title = ctx.files.back().header->title.value;
    } else {
      rs->id = (fs::is_directory(path, ec) ? path.filename() : path.stem()).string();
    }
    check::build_schema(ctx);
    check::check_migrations(ctx);
    check::check_params(ctx);
    check::check_calendars_and_guards(ctx);
    check::check_rules(ctx);
    check::check_tests(ctx);
  } catch (const std::exception& ex) {
    // Only resource exhaustion can get here; it is still reported, never a crash.
    diags.error(code::kSyntax, SourceRange{UINT32_MAX, 0, 0}, fmt::format("cannot check {}: {}", path.string(), ex.what()));
  }
  diags.sort();
  if (diags.has_errors()) return nullptr;
  return rs;
}

}  // namespace eco::dsl
