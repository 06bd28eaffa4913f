// Parser behaviour beyond the tables: positions and ranges, ids, recovery, CRLF and Chinese
// text, the depth limit, invalid UTF-8, message templates, and the option switches.
#include <gtest/gtest.h>

#include <set>

#include "dsl/common/codes.hpp"
#include "dsl/parser/parse.hpp"

namespace eco::dsl {
namespace {

struct Parsed {
  SourceManager sm;
  std::uint32_t id = 0;
  Diagnostics diags{1000};
  ast::File file;
  std::optional<ast::Expr> expr;

  std::string where(std::size_t i = 0) const {
    const auto& d = diags.items().at(i);
    auto lc = sm.file(id).line_col(d.range.begin);
    return d.code + " " + std::to_string(lc.line) + ":" + std::to_string(lc.column);
  }
  std::string text(SourceRange r) const { return sm.file(id).text().substr(r.begin, r.end - r.begin); }
};

std::unique_ptr<Parsed> file(std::string text, ParseOptions opt = {}) {
  auto p = std::make_unique<Parsed>();
  p->id = p->sm.add("t.rules", std::move(text));
  p->file = parse_file(p->sm, p->id, p->diags, opt);
  return p;
}

std::unique_ptr<Parsed> expr(std::string text, ParseOptions opt = {}) {
  auto p = std::make_unique<Parsed>();
  p->id = p->sm.add("<expr>", std::move(text));
  p->expr = parse_expression(p->sm, p->id, p->diags, opt);
  return p;
}

void collect(const ast::Expr& e, std::vector<const ast::Expr*>& out) {
  out.push_back(&e);
  std::visit(
      [&](const auto& k) {
        using T = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<T, ast::Select>) {
          collect(*k.operand, out);
        } else if constexpr (std::is_same_v<T, ast::Call>) {
          if (k.target) collect(*k.target, out);
          for (const auto& a : k.args) collect(a, out);
        } else if constexpr (std::is_same_v<T, ast::CreateList>) {
          for (const auto& a : k.elements) collect(a, out);
        } else if constexpr (std::is_same_v<T, ast::CreateMap>) {
          for (const auto& en : k.entries) collect(*en.key, out), collect(*en.value, out);
        } else if constexpr (std::is_same_v<T, ast::CreateStruct>) {
          for (const auto& f : k.fields) collect(*f.value, out);
        } else if constexpr (std::is_same_v<T, ast::Comprehension>) {
          for (auto* p : {&k.iter_range, &k.accu_init, &k.loop_condition, &k.loop_step, &k.result})
            collect(**p, out);
        }
      },
      e.kind);
}

TEST(Parser, ExpressionRangesAreTheExactText) {
  auto p = expr("  f.enterprise.county in [\"介休市\", x]  && !has(a.b) ");
  ASSERT_TRUE(p->expr) << render_text(p->sm, p->diags);
  EXPECT_EQ(p->text(p->expr->range), "f.enterprise.county in [\"介休市\", x]  && !has(a.b)");
  const auto& call = *p->expr->as<ast::Call>();
  const auto& in = call.args[0];
  EXPECT_EQ(p->text(in.range), "f.enterprise.county in [\"介休市\", x]");
  EXPECT_EQ(p->text(in.as<ast::Call>()->args[0].range), "f.enterprise.county");
  EXPECT_EQ(p->text(in.as<ast::Call>()->args[1].range), "[\"介休市\", x]");
  EXPECT_EQ(p->text(call.args[1].range), "!has(a.b)");
  EXPECT_EQ(p->text(call.args[1].as<ast::Call>()->args[0].range), "has(a.b)");
}

TEST(Parser, RangesSkipTrailingComments) {
  auto p = expr("a.b # note\n + c // more\n");
  ASSERT_TRUE(p->expr);
  EXPECT_EQ(p->text(p->expr->range), "a.b # note\n + c");
  EXPECT_EQ(p->text(p->expr->as<ast::Call>()->args[0].range), "a.b");
}

TEST(Parser, IdsAreUniqueWithinAFile) {
  auto p = file(
      "param p: int = 1 + 2 source \"s\"\n"
      "rule r \"R\" { for f in facility when f.a > 1 require f.l.all(x, x > 0)\n"
      "  message \"{f.a} {f.b + 1}\" }\n");
  ASSERT_FALSE(p->diags.has_errors()) << render_text(p->sm, p->diags);
  std::vector<const ast::Expr*> all;
  const auto& param = std::get<ast::ParamDecl>(p->file.decls[0]);
  collect(param.values[0].value, all);
  const auto& rule = std::get<ast::RuleDecl>(p->file.decls[1]);
  collect(rule.bindings[0].source, all);
  collect(*rule.when, all);
  collect(*rule.require, all);
  for (const auto& part : rule.messages[0].parts) {
    if (auto* e = std::get_if<ast::Expr>(&part.part)) collect(*e, all);
  }
  std::set<ast::ExprId> ids;
  for (auto* e : all) {
    EXPECT_NE(e->id, 0u);
    EXPECT_TRUE(ids.insert(e->id).second) << "duplicate id " << e->id;
  }
  EXPECT_GT(ids.size(), 20u);
}

TEST(Parser, DeclarationRangesCoverTheDeclaration) {
  std::string src = "# head\nrule r \"R\" {\n  for f in facility\n  require true\n}   # tail\n";
  auto p = file(src);
  ASSERT_EQ(p->file.decls.size(), 1u);
  const auto& rule = std::get<ast::RuleDecl>(p->file.decls[0]);
  EXPECT_EQ(p->text(rule.range), "rule r \"R\" {\n  for f in facility\n  require true\n}");
  EXPECT_EQ(p->text(rule.id.range), "r");
  EXPECT_EQ(p->text(rule.title.range), "\"R\"");
  EXPECT_EQ(p->text(rule.bindings[0].range), "for f in facility");
}

TEST(Parser, SyntaxErrorPointsAtTheOffendingToken) {
  auto p = file("record r {\n  id string key\n}\n");
  ASSERT_EQ(p->diags.error_count(), 1u);
  EXPECT_EQ(p->where(), "P001 2:6");
  EXPECT_EQ(p->diags.items()[0].message, "expected ':' after field name");
  EXPECT_EQ(p->text(p->diags.items()[0].range), "string");
}

TEST(Parser, ChineseBeforeTheErrorCountsCharacters) {
  auto p = file("rule r \"焦化超低排放\" { require f.a == }\n");
  ASSERT_EQ(p->diags.error_count(), 1u);
  EXPECT_EQ(p->where(), "P001 1:34");
  EXPECT_EQ(p->text(p->diags.items()[0].range), "}");
}

TEST(Parser, RecoversAtTheNextDeclaration) {
  auto p = file(
      "rule a \"A\" {\n  for f in facility\n  require f.x ==\n}\n"
      "rule ok \"OK\" { for f in facility require true }\n"
      "rule b \"B\" {\n  for f facility\n  require (1\n}\n"
      "rule c \"C\" {\n  when [1, 2\n}\n"
      "param p: int = 1 source \"s\"\n");
  ASSERT_EQ(p->diags.error_count(), 3u) << render_text(p->sm, p->diags);
  EXPECT_EQ(p->where(0), "P001 4:1");
  EXPECT_EQ(p->where(1), "P001 7:9");
  EXPECT_EQ(p->where(2), "P001 12:1");
  ASSERT_EQ(p->file.decls.size(), 2u);
  EXPECT_EQ(std::get<ast::RuleDecl>(p->file.decls[0]).id.text, "ok");
  EXPECT_EQ(std::get<ast::ParamDecl>(p->file.decls[1]).name.text, "p");
}

TEST(Parser, GarbageAtTopLevelIsOneErrorPerRun) {
  auto p = file("hello world\nmore junk\nrule r \"R\" { require true }\n§ junk\n");
  ASSERT_EQ(p->diags.error_count(), 2u) << render_text(p->sm, p->diags);
  EXPECT_EQ(p->where(0), "P001 1:1");
  EXPECT_EQ(p->text(p->diags.items()[0].range), "hello");
  EXPECT_EQ(p->where(1), "P001 4:1");
  EXPECT_EQ(p->text(p->diags.items()[1].range), "§");
  EXPECT_EQ(p->file.decls.size(), 1u);
}

TEST(Parser, CrlfLinesAndColumns) {
  auto p = file("ruleset x \"t\"\r\n\r\nrule r \"中文\" {\r\n  require a ==\r\n}\r\n");
  ASSERT_EQ(p->diags.error_count(), 1u);
  EXPECT_EQ(p->where(), "P001 5:1");
  auto q = file("ruleset x \"t\"\r\nrule r \"中文\" {\r\n  require a == 1 // c\r\n  message \"{a}\"\r\n}\r\n");
  EXPECT_FALSE(q->diags.has_errors()) << render_text(q->sm, q->diags);
  ASSERT_EQ(q->file.decls.size(), 1u);
  const auto& rule = std::get<ast::RuleDecl>(q->file.decls[0]);
  EXPECT_EQ(rule.title.value, "中文");
  EXPECT_EQ(q->text(rule.require->range), "a == 1");
}

TEST(Parser, InvalidUtf8IsReportedAtItsByteAndNothingIsParsed) {
  auto p = file("rule r \"R\" { require true }\nparam p: string = \"a\xff\" source \"s\"\n");
  ASSERT_EQ(p->diags.error_count(), 1u);
  EXPECT_EQ(p->diags.items()[0].code, code::kInvalidUtf8);
  EXPECT_EQ(p->diags.items()[0].range.begin, 48u);
  EXPECT_EQ(p->where(), "P002 2:21");
  EXPECT_TRUE(p->file.decls.empty());
  auto e = expr("\"\xe4\xb8\"");
  EXPECT_FALSE(e->expr);
  EXPECT_EQ(e->where(), "P002 1:2");
}

TEST(Parser, DepthLimitStopsHostileNesting) {
  for (const std::string& s :
       {std::string(100000, '('), std::string(100000, '[') , std::string(100000, '!') + "x",
        std::string(100000, '-') + "x", "a" + [] { std::string r; for (int i = 0; i < 100000; ++i) r += ".b"; return r; }(),
        "a" + [] { std::string r; for (int i = 0; i < 100000; ++i) r += "[0]"; return r; }(),
        [] { std::string r; for (int i = 0; i < 100000; ++i) r += "f("; return r; }(),
        [] { std::string r = "1"; for (int i = 0; i < 100000; ++i) r += " + 1"; return r; }(),
        [] { std::string r; for (int i = 0; i < 100000; ++i) r += "a ? b : "; return r + "c"; }(),
        [] { std::string r; for (int i = 0; i < 100000; ++i) r += "{1: "; return r; }()}) {
    auto p = expr(s);
    EXPECT_FALSE(p->expr);
    ASSERT_TRUE(p->diags.has_errors());
    EXPECT_EQ(p->diags.items()[0].code, code::kTooDeep) << s.substr(0, 20);
  }
  // In a rule file too, and the next declaration is still parsed.
  auto p = file("rule r \"R\" { require " + std::string(5000, '(') + "\n}\nparam p: int = 1\n");
  EXPECT_EQ(p->where(), "P003 1:223");
  EXPECT_EQ(p->file.decls.size(), 1u);
  auto t = file("param p: " + [] { std::string r; for (int i = 0; i < 5000; ++i) r += "list<"; return r; }());
  EXPECT_EQ(t->diags.items().at(0).code, code::kTooDeep);
}

TEST(Parser, UnclosedTripleQuoteEndsTheFile) {
  // Every later line is inside the string: one error, not one per `rule` line.
  std::string src = "rule a \"A\" { require \"\"\"open\n";
  for (int i = 0; i < 20000; ++i) src += "rule r" + std::to_string(i) + " \"x\" { when [1,\n";
  auto p = file(src);
  ASSERT_EQ(p->diags.error_count(), 1u);
  EXPECT_EQ(p->where(), "P004 1:22");
}

TEST(Parser, DepthLimitAllowsWhatCelNeeds) {
  std::string nested = std::string(150, '(') + "1" + std::string(150, ')');
  EXPECT_TRUE(expr(nested)->expr);
  std::string chain = "true";
  for (int i = 0; i < 5000; ++i) chain += " && true";  // balanced: shallow
  EXPECT_TRUE(expr(chain)->expr);
  ParseOptions small;
  small.max_depth = 10;
  EXPECT_FALSE(expr("[[[[[[[[[[[1]]]]]]]]]]]", small)->expr);
  EXPECT_TRUE(expr("[[[[[[[[[1]]]]]]]]]", small)->expr);
}

TEST(Parser, MessageTemplateHolesAreParsedInPlace) {
  auto p = file("rule r \"R\" { message en \"炉 {f.id} ({{x}}) {a +}\" }\n");
  ASSERT_EQ(p->diags.error_count(), 1u);
  EXPECT_EQ(p->where(), "P009 1:47");
  EXPECT_NE(p->diags.items()[0].message.find("expected expression"), std::string::npos);

  auto q = file("rule r \"R\" { message \"炉 {f.id} ({{x}}) 完 }}\" }\n");
  ASSERT_FALSE(q->diags.has_errors()) << render_text(q->sm, q->diags);
  const auto& m = std::get<ast::RuleDecl>(q->file.decls[0]).messages[0];
  EXPECT_EQ(m.lang.text, "zh");
  ASSERT_EQ(m.parts.size(), 3u);
  EXPECT_EQ(std::get<std::string>(m.parts[0].part), "炉 ");
  const auto& hole = std::get<ast::Expr>(m.parts[1].part);
  EXPECT_EQ(q->text(hole.range), "f.id");
  EXPECT_EQ(std::get<std::string>(m.parts[2].part), " ({x}) 完 }");

  EXPECT_EQ(file("rule r \"R\" { message \"a } b\" }")->where(), "P009 1:25");
  EXPECT_EQ(file("rule r \"R\" { message \"a { b\" }")->where(), "P009 1:25");
  EXPECT_EQ(file("rule r \"R\" { message \"a {} b\" }")->where(), "P009 1:25");
}

TEST(Parser, RepeatedClausesAreReported) {
  auto p = file("rule r \"R\" { require true when a require false severity high }\n");
  ASSERT_EQ(p->diags.error_count(), 1u);
  EXPECT_EQ(p->where(), "D007 1:34");
  ASSERT_EQ(p->file.decls.size(), 1u);
  EXPECT_EQ(ast::dump(*std::get<ast::RuleDecl>(p->file.decls[0]).require), "true");
}

TEST(Parser, DateLiteralsCanBeSwitchedOff) {
  ParseOptions cel;
  cel.date_literals = false;
  EXPECT_EQ(ast::dump(*expr("2022-10-31", cel)->expr), "(call _-_ (call _-_ 2022 10) 31)");
  EXPECT_EQ(ast::dump(*expr("2022-10-31")->expr), "(date 2022-10-31)");
  EXPECT_FALSE(expr("2022-10-31x")->expr);  // not a date: 2022 - 10 - 31 then junk
  EXPECT_EQ(ast::dump(*expr("20221-10-31")->expr), "(call _-_ (call _-_ 20221 10) 31)");
}

TEST(Parser, ExpressionSubRange) {
  auto p = std::make_unique<Parsed>();
  p->id = p->sm.add("t", "xx a + b yy");
  auto e = parse_expression(p->sm, p->id, p->diags, {}, 3, 8);
  ASSERT_TRUE(e);
  EXPECT_EQ(ast::dump(*e), "(call _+_ (ident a) (ident b))");
  EXPECT_EQ(e->range.begin, 3u);
  EXPECT_EQ(e->range.end, 8u);
  auto bad = parse_expression(p->sm, p->id, p->diags, {}, 3, 6);
  EXPECT_FALSE(bad);
  EXPECT_EQ(p->where(), "P001 1:7");
}

TEST(Parser, CloneKeepsIdsAndRanges) {
  auto p = expr("l.map(x, x + 1)[0].f");
  ASSERT_TRUE(p->expr);
  ast::Expr c = ast::clone(*p->expr);
  EXPECT_EQ(ast::dump(c), ast::dump(*p->expr));
  std::vector<const ast::Expr*> a, b;
  collect(*p->expr, a);
  collect(c, b);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i]->id, b[i]->id);
    EXPECT_EQ(a[i]->range, b[i]->range);
    EXPECT_NE(a[i], b[i]);
  }
}

}  // namespace
}  // namespace eco::dsl

namespace eco::dsl {
namespace {

// to_cel writes an expression back as CEL text for explanations: parsing its output gives
// the same tree (same dump), and the text is what a rule author would write.
TEST(ToCel, WritesRuleExpressionsBack) {
  ParseOptions dates;
  dates.date_literals = true;
  const std::pair<const char*, const char*> cases[] = {
      {"f.enterprise.annual_freight_t >= freight_threshold", "f.enterprise.annual_freight_t >= freight_threshold"},
      {"f.ule_status in [\"completed\", \"evaluated\"]", "f.ule_status in [\"completed\", \"evaluated\"]"},
      {"!has(f.exempt) && (a + 1) * 2 < 3.5", "!has(f.exempt) && (a + 1) * 2 < 3.5"},
      {"a - (b - c) == (x || y)", "a - (b - c) == (x || y)"},
      {"(a ? b : c) ? d : e", "(a ? b : c) ? d : e"},
      {"!(a && b)", "!(a && b)"},
      {"x ? \"是\" : m[\"k\"]", "x ? \"是\" : m[\"k\"]"},
      {"d <= 2022-10-31", "d <= 2022-10-31"},
      {"s.startsWith('a\"b') || size(l) == 2u", "s.startsWith(\"a\\\"b\") || size(l) == 2u"},
      {"-x != 1.0", "-x != 1.0"},
  };
  for (const auto& [src, want] : cases) {
    auto p = expr(src, dates);
    ASSERT_TRUE(p->expr) << src;
    const std::string text = ast::to_cel(*p->expr);
    EXPECT_EQ(text, want) << src;
    auto again = expr(text, dates);
    ASSERT_TRUE(again->expr) << text;
    EXPECT_EQ(ast::dump(*again->expr), ast::dump(*p->expr)) << text;
  }
}

}  // namespace
}  // namespace eco::dsl
