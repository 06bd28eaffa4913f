#pragma once
// Internal to dsl/check: the state the checking passes share, and the passes themselves.
// load_ruleset (check.cpp) runs them in the order listed at the bottom of this header; each
// pass lives in its own file and reads what the earlier ones built.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dsl/ast/decl.hpp"
#include "dsl/common/diagnostic.hpp"
#include "dsl/model/ruleset.hpp"

namespace eco::dsl::check {

// Everything one load_ruleset call works on.
struct Context {
  SourceManager& sm;
  Diagnostics& diags;
  model::Ruleset& rs;

  std::vector<ast::File> files;           // parsed files, included ones before their includer
  bool has_catalogue = false;             // requirements.txt was found beside the entry
  std::string catalogue_path;             // its path as shown in messages
  std::map<std::string, std::size_t> catalogue_index;  // id -> index into rs.catalogue

  // Where each record type / field / enum was declared, for "first declared here" notes.
  std::vector<SourceRange> record_decl_range;           // by record index
  std::vector<std::vector<SourceRange>> field_name_range;  // [record][field] name ranges
  std::vector<SourceRange> param_name_range;            // by param index
};

// Adds a note pointing at `where` to a diagnostic.
void add_note(Diagnostic& d, std::string message, SourceRange where);
// Adds a note without a location.
void add_note(Diagnostic& d, std::string message);

// A `basis` clause's value; D011 (with a suggestion) and nullopt when it names no basis.
std::optional<model::Basis> parse_basis_name(Context& ctx, const ast::Name& n);

// The type a declaration wrote (`int`, `county`, `list<string>`), reporting N007 for an
// unknown name; the error type when it cannot be resolved. Needs the schema's enums.
model::Type resolve_type(Context& ctx, const ast::TypeRef& t);

// ---- the passes, in pipeline order ----

// Reads the entry file and every file it includes (depth first, each once), parses them
// into ctx.files, fills rs.files and rs.sha256. Missing, unreadable or cyclic includes are
// P010 at the include. Returns false when the entry itself cannot be read.
bool load_files(const std::filesystem::path& entry, Context& ctx);

// Reads requirements.txt beside the entry file, when present, into rs.catalogue.
void load_catalogue(const std::filesystem::path& entry_dir, Context& ctx);

// Enums, records, fields, keys, references and reverse lists into rs.schema.
void build_schema(Context& ctx);

// Declared schema migrations into rs.schema.migrations: names, conversions, defaults, values.
void check_migrations(Context& ctx);

// Parameters: types, constant values, dated entries, sources, confidence.
void check_params(Context& ctx);

// Calendars (`calendar`) and `complete` / `valid` declarations (check_decls.cpp).
void check_calendars_and_guards(Context& ctx);

// Rules: clauses, bindings, typed expressions, requirements, messages.
void check_rules(Context& ctx);

// Rule tests: rule, given records and their values, expected verdicts and subjects.
void check_tests(Context& ctx);

}  // namespace eco::dsl::check
