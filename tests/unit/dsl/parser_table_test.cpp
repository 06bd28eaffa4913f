// Table-driven parser tests: tests/parser/expressions.txt (expression -> AST dump or
// diagnostic) and tests/parser/files/NAME.rules -> NAME.dump (whole files).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dsl/parser/parse.hpp"

namespace eco::dsl {
namespace {

namespace fs = std::filesystem;

fs::path source_dir() {
  const char* env = std::getenv("ECOAUDIT_SOURCE_DIR");
  return env ? env : ECOAUDIT_SOURCE_DIR;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Case {
  int line = 0;
  std::string input;
  bool cel = false;
  std::string expect;  // "= dump" or "! CODE L:C"
};

std::vector<Case> load_cases() {
  std::vector<Case> cases;
  std::istringstream in(read(source_dir() / "tests/parser/expressions.txt"));
  std::string l;
  int n = 0;
  while (std::getline(in, l)) {
    ++n;
    if (l.empty() || l[0] == '#') continue;
    if (l.rfind(">cel ", 0) == 0) {
      cases.push_back({n, l.substr(5), true, ""});
    } else if (l.rfind("> ", 0) == 0) {
      cases.push_back({n, l.substr(2), false, ""});
    } else if ((l[0] == '=' || l[0] == '!') && !cases.empty() && cases.back().expect.empty()) {
      cases.back().expect = l;
    } else {
      ADD_FAILURE() << "expressions.txt:" << n << ": cannot read line: " << l;
    }
  }
  return cases;
}

TEST(ParserTable, Expressions) {
  auto cases = load_cases();
  ASSERT_GT(cases.size(), 100u);
  for (const auto& c : cases) [&] {
    SCOPED_TRACE("expressions.txt:" + std::to_string(c.line) + ": " + c.input);
    ASSERT_FALSE(c.expect.empty()) << "case without expectation";
    SourceManager sm;
    auto id = sm.add("<expr>", c.input);
    Diagnostics diags;
    ParseOptions opt;
    opt.date_literals = !c.cel;
    auto e = parse_expression(sm, id, diags, opt);
    if (c.expect[0] == '=') {
      ASSERT_TRUE(e.has_value()) << render_text(sm, diags);
      EXPECT_EQ(ast::dump(*e), c.expect.substr(2));
      EXPECT_FALSE(diags.has_errors());
    } else {
      EXPECT_FALSE(e.has_value());
      ASSERT_TRUE(diags.has_errors());
      const auto& d = diags.items().front();
      auto lc = sm.file(id).line_col(d.range.begin);
      std::string got = "! " + d.code + " " + std::to_string(lc.line) + ":" +
                        std::to_string(lc.column);
      EXPECT_EQ(got, c.expect) << render_text(sm, diags);
    }
  }();
}

TEST(ParserTable, Files) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(source_dir() / "tests/parser/files")) {
    if (entry.path().extension() != ".rules") continue;
    ++count;
    SCOPED_TRACE(entry.path().filename().string());
    SourceManager sm;
    auto id = sm.add(entry.path().filename().string(), read(entry.path()));
    Diagnostics diags;
    auto file = parse_file(sm, id, diags);
    std::string got = ast::dump(file);
    if (diags.items().size()) got += render_text(sm, diags);
    fs::path want_path = entry.path();
    want_path.replace_extension(".dump");
    if (std::getenv("ECOAUDIT_UPDATE_GOLDEN")) {
      std::ofstream(want_path, std::ios::binary) << got;
    }
    EXPECT_EQ(got, read(want_path));
  }
  EXPECT_GT(count, 3);
}

}  // namespace
}  // namespace eco::dsl
