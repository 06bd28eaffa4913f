// libFuzzer target for the rule-file parser: arbitrary bytes as a rule file and as a plain
// CEL expression must end in an AST or diagnostics, never a crash, hang or stack overflow.
// It also checks the invariants others rely on: every diagnostic range lies inside the text,
// rendering works, and a cloned expression dumps like the original.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "dsl/parser/parse.hpp"

namespace {

void check_ranges(const eco::dsl::SourceManager& sm, const eco::dsl::Diagnostics& diags) {
  const auto size = sm.file(0).text().size();
  for (const auto& d : diags.items()) {
    if (d.range.begin > d.range.end || d.range.end > size) std::abort();
  }
  (void)eco::dsl::render_text(sm, diags);
  (void)eco::dsl::render_json(sm, diags);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace eco::dsl;
  std::string text(reinterpret_cast<const char*>(data), size);
  {
    SourceManager sm;
    auto id = sm.add("fuzz.rules", text);
    Diagnostics diags;
    ast::File f = parse_file(sm, id, diags);
    (void)ast::dump(f);
    check_ranges(sm, diags);
  }
  {
    SourceManager sm;
    auto id = sm.add("<expr>", text);
    Diagnostics diags;
    ParseOptions cel;
    cel.date_literals = false;
    auto e = parse_expression(sm, id, diags, cel);
    if (e) {
      if (e->range.end > text.size() || e->range.begin > e->range.end) std::abort();
      if (ast::dump(ast::clone(*e)) != ast::dump(*e)) std::abort();
    } else if (!diags.has_errors()) {
      std::abort();  // a failed parse must say why
    }
    check_ranges(sm, diags);
  }
  return 0;
}
