// reports/: escaping of hostile data in HTML, formula neutralisation in CSV, the derived lists
// (checklist, ranking), the screening decision's rendering, and the text summary's lines.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>

#include "reports/embedded.hpp"
#include "reports/json/findings_json.hpp"
#include "reports/report.hpp"
#include "tests/reports/fixture.hpp"

namespace {

using eco::reports::ReportKind;
using eco::test_fixture::Fixture;
using eco::test_fixture::kHostileName;

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

// No markup of the data survives: the only tags are the templates' own.
void expect_escaped(const std::string& html) {
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_EQ(html.find("</style><"), std::string::npos);
  EXPECT_NE(
      html.find(
          "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"),
      std::string::npos);
  // Attributes: the hostile evidence file name sits in a title="..." escaped, quotes and all.
  // No attribute value contains a raw quote or angle bracket: every tag parses as written.
  EXPECT_EQ(html.find("onerror=alert(2)>"), std::string::npos);
  EXPECT_EQ(html.find("\"><b>"), std::string::npos);
}

TEST(HtmlReport, AuditEscapesHostileTextAndAttributes) {
  Fixture fx;
  eco::test_fixture::build(fx, ReportKind::audit);
  const std::string html = eco::reports::html_report(fx.data);
  expect_escaped(html);
  EXPECT_NE(html.find("title=\"/data/&quot;evil&quot;.csv\""), std::string::npos);
  // The ruleset title is escaped in text, and inside the stylesheet's page header as CSS.
  EXPECT_NE(html.find("测试规则集 &lt;/style&gt;"), std::string::npos);
  EXPECT_EQ(count(html, "</style>"), 1u);
  // The sections an inspector needs.
  for (const char* id : {"id=\"card\"", "id=\"records\"", "id=\"findings\"", "id=\"checklist\"",
                         "id=\"deadlines\"", "id=\"parameters\""})
    EXPECT_NE(html.find(id), std::string::npos) << id;
  // Checklist: one row per missing field, with the field's description (escaped).
  EXPECT_NE(html.find("<code>enterprise.annual_freight_t</code>"), std::string::npos);
  EXPECT_NE(html.find("年货运量 &lt;t/a&gt;"), std::string::npos);
  // Deadlines: a timeline with the overdue and the upcoming marker.
  EXPECT_NE(html.find("<circle class=\"violation\""), std::string::npos);
  EXPECT_NE(html.find("<circle class=\"upcoming\""), std::string::npos);
  // Days overdue, the waiver (expired), unverified parameter.
  EXPECT_NE(html.find("1489"), std::string::npos);
  EXPECT_NE(html.find("W-1"), std::string::npos);
  EXPECT_NE(html.find("豁免已过期"), std::string::npos);
  EXPECT_NE(html.find("未核实"), std::string::npos);
  // Self-contained: nothing to fetch.
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find(" src=\""), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
}

TEST(HtmlReport, SweepDashboardEscapesAndHasItsSections) {
  Fixture fx;
  eco::test_fixture::build(fx, ReportKind::sweep);
  const std::string html = eco::reports::html_report(fx.data);
  expect_escaped(html);
  for (const char* id : {"id=\"headline\"", "id=\"charts\"", "id=\"trend\"", "id=\"changes\"",
                         "id=\"ranking\"", "id=\"enterprises\"", "class=\"enterprise\" id=\"e1\""})
    EXPECT_NE(html.find(id), std::string::npos) << id;
  // Bar charts by the two dimensions, requirement area and severity; the trend's two lines.
  EXPECT_EQ(count(html, "<figure class=\"chart\" id=\"chart"), 4u);
  EXPECT_NE(html.find("按 所在区县"), std::string::npos);
  EXPECT_NE(html.find(">AIR</text>"), std::string::npos);
  EXPECT_EQ(count(html, "<polyline"), 2u);
  // Headline: 5 checked, 1 with violations.
  EXPECT_NE(html.find("<span class=\"n\">5</span>"), std::string::npos);
  // The enterprise's key is data: the section is linked by rank, not by the key.
  EXPECT_NE(html.find("href=\"#e1\""), std::string::npos);
  EXPECT_NE(html.find("air.test-gone"), std::string::npos);  // resolved since the last sweep
  // The finding of no enterprise: its own bar in the group-by charts and its own section.
  EXPECT_EQ(count(html, ">(不属于企业)</text>"), 2u);
  EXPECT_NE(html.find("<section class=\"enterprise\" id=\"others\">"), std::string::npos);
  EXPECT_NE(html.find("<code>application:APP-9</code>"), std::string::npos);
  // New and repeated findings since the last sweep, in a table (persisting ones are not listed).
  EXPECT_NE(html.find("<table class=\"new\">"), std::string::npos);
  EXPECT_EQ(count(html, "<td>新增</td>"), 2u);
  EXPECT_EQ(count(html, "<td>复现</td>"), 1u);
  // A run that is not recorded says so instead of comparing.
  fx.data.run.sweep_id.reset();
  fx.data.run.previous_sweep_id.reset();
  const std::string unrecorded = eco::reports::html_report(fx.data);
  EXPECT_NE(unrecorded.find("不与上次巡查比较"), std::string::npos);
  EXPECT_EQ(unrecorded.find("<table class=\"new\">"), std::string::npos);
}

TEST(HtmlReport, ScreeningDecisionBannersReasonsDocumentsConditions) {
  Fixture fx;
  eco::test_fixture::build(fx, ReportKind::screening);
  const std::string html = eco::reports::html_report(fx.data);
  expect_escaped(html);
  EXPECT_NE(html.find("class=\"banner reject\""), std::string::npos);
  EXPECT_NE(html.find("class=\"banner conditional\""), std::string::npos);
  EXPECT_NE(html.find("class=\"banner approve\""), std::string::npos);
  EXPECT_NE(html.find("不予批准"), std::string::npos);
  EXPECT_NE(html.find("<code>application.replaced_capacity_t</code>"), std::string::npos);
  EXPECT_NE(html.find("等量或减量置换的产能 &lt;t&gt;"), std::string::npos);
  EXPECT_EQ(count(html, "<section class=\"decision\""), 3u);
  // The approved application has no reasons, documents or conditions.
  EXPECT_NE(html.find("没有违反禁止性规定。"), std::string::npos);
  EXPECT_NE(html.find("无需补充材料。"), std::string::npos);
  EXPECT_NE(html.find("无附加条件。"), std::string::npos);
  eco::test_fixture::build(fx, ReportKind::screening, "en");
  const std::string en = eco::reports::html_report(fx.data);
  EXPECT_NE(en.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(en.find("Reject"), std::string::npos);
  EXPECT_NE(en.find("Documents to request"), std::string::npos);
}

TEST(CsvReport, BomHeaderAndFormulaNeutralised) {
  Fixture fx;
  eco::test_fixture::build(fx, ReportKind::audit);
  const std::string csv = eco::reports::csv_report(fx.data);
  ASSERT_GE(csv.size(), 3u);
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(count(csv, "\r\n"),
            1u + fx.findings.size());  // header + one row per finding (no newline in cells)
  EXPECT_NE(csv.find("企业代码,企业名称,所在区县,行业,规则"), std::string::npos);
  // The county (=1+2) and industry (+SUM(A1)) cells start with an apostrophe; the hostile
  // name is quoted (it has quotes and a comma) and its inner quotes doubled.
  EXPECT_NE(csv.find(",'=1+2,'+SUM(A1),"), std::string::npos);
  EXPECT_NE(csv.find("\"<script>alert(1)</script>\"\"><img src=x onerror=alert(2)> "
                     "=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\""),
            std::string::npos);
  // No cell of any row starts with a formula character.
  std::string body = csv.substr(3);
  std::regex bad("(^|,)[=+@-]");
  std::size_t start = 0;
  for (auto end = body.find("\r\n"); end != std::string::npos;
       start = end + 2, end = body.find("\r\n", start))
    EXPECT_FALSE(std::regex_search(body.substr(start, end - start), bad))
        << body.substr(start, end - start);
}

TEST(CsvReport, EnglishHeaders) {
  Fixture fx;
  eco::test_fixture::build(fx, ReportKind::sweep, "en");
  const std::string csv = eco::reports::csv_report(fx.data);
  EXPECT_EQ(csv.find("\xEF\xBB\xBF"
                     "Enterprise ID,Enterprise,"),
            0u);
  EXPECT_NE(csv.find(",violation,"), std::string::npos);
}

TEST(Neutralise, LeadingFormulaCharacters) {
  using eco::reports::neutralise_formula;
  EXPECT_EQ(neutralise_formula("=1+2"), "'=1+2");
  EXPECT_EQ(neutralise_formula("+1"), "'+1");
  EXPECT_EQ(neutralise_formula("-1"), "'-1");
  EXPECT_EQ(neutralise_formula("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(neutralise_formula("\tx"), "'\tx");
  EXPECT_EQ(neutralise_formula("\rx"), "'\rx");
  EXPECT_EQ(neutralise_formula("a=1"), "a=1");
  EXPECT_EQ(neutralise_formula("介休市"), "介休市");
  EXPECT_EQ(neutralise_formula(""), "");
}

TEST(TextReport, ColourOnlyWhenAsked) {
  Fixture fx;
  eco::test_fixture::build(fx, ReportKind::sweep);
  std::string plain = eco::reports::text_report(fx.data);
  EXPECT_EQ(plain.find('\033'), std::string::npos);
  EXPECT_NE(plain.find("high     violation      air.test-violation enterprise:"),
            std::string::npos);
  fx.data.color = true;
  std::string coloured = eco::reports::text_report(fx.data);
  EXPECT_NE(coloured.find("\033[31mviolation\033[0m      air.test-violation"), std::string::npos);
  // Removing the escapes gives the plain text back (columns line up the same).
  EXPECT_EQ(std::regex_replace(coloured, std::regex("\033\\[[0-9;]*m"), ""), plain);
}

TEST(TextReport, ScreeningDecisions) {
  Fixture fx;
  eco::test_fixture::build(fx, ReportKind::screening);
  const std::string text = eco::reports::text_report(fx.data);
  EXPECT_NE(text.find("screening of 3 applications (fixture) as of 2026-11-28: reject=1 conditional=1 approve=1\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("\nAPP-1 " + kHostileName + ": 不予批准 (reject)\n  不予批准的理由:\n    high     air.test-violation "),
            std::string::npos) << text;
  EXPECT_NE(text.find("\nAPP-2 焦化项目: 有条件 / 待补充 (conditional)\n  需补充的材料:\n"
                      "    application.rail_spur_plan (用于 air.test-unknown)\n  审查条件 (需复核):\n    advice   air.test-advice "),
            std::string::npos) << text;
  EXPECT_NE(text.find("\nAPP-3 光伏项目: 可予批准 (approve)\n"), std::string::npos) << text;
  fx.data.lang = "en";
  EXPECT_NE(eco::reports::text_report(fx.data).find("\nAPP-3 光伏项目: APPROVE\n"), std::string::npos);
}

// The writers a streamed sweep uses give the bytes of the whole-set reports, however the
// findings are split into pieces (empty ones included): text (whose lines pass 8 MiB and
// spill from memory into its temporary file), csv (asking the lookup for enterprises) and
// json, for a sweep and an audit in both languages.
TEST(ReportWriters, PiecesGiveTheBytesOfTheWholeReport) {
  using eco::reports::Format;
  for (auto kind : {ReportKind::sweep, ReportKind::audit})
    for (const char* lang : {"zh", "en"}) {
      Fixture fx;
      eco::test_fixture::build(fx, kind, lang);
      // Enough findings for the text to spill in one case; a few in the others.
      const bool big = kind == ReportKind::sweep && std::string(lang) == "zh";
      const std::size_t copies = big ? 9000 : 40;
      std::vector<eco::engine::Finding> all;
      for (std::size_t i = 0; i < copies; ++i)
        for (auto f : fx.findings) {
          f.subject_key = "K" + std::to_string(i) + "-" + f.rule;
          all.push_back(std::move(f));
        }
      fx.data.findings = &all;
      eco::reports::ReportData head = fx.data;
      head.findings = nullptr;
      std::size_t lookups = 0;
      const eco::reports::EnterpriseLookup lookup = [&](const std::string& key) -> const eco::reports::EnterpriseInfo* {
        ++lookups;
        for (const auto& e : fx.data.enterprises)
          if (e.key == key) return &e;
        return nullptr;
      };
      for (auto format : {Format::text, Format::csv, Format::json}) {
        const std::string whole = format == Format::text  ? eco::reports::text_report(fx.data)
                                  : format == Format::csv ? eco::reports::csv_report(fx.data)
                                                          : eco::reports::findings_json(fx.data.run, all, fx.data.resolved);
        std::ostringstream os;
        auto w = eco::reports::report_writer(format, os, head, lookup);
        ASSERT_TRUE(w);
        std::size_t at = 0;
        const std::size_t third = all.size() / 3;
        for (std::size_t k : {std::size_t{0}, std::size_t{1}, std::size_t{0}, third, all.size() - third - 1}) {
          w->add(std::vector<eco::engine::Finding>(all.begin() + static_cast<std::ptrdiff_t>(at),
                                                   all.begin() + static_cast<std::ptrdiff_t>(at + k)));
          at += k;
        }
        w->add({});
        w->finish(fx.data.resolved);
        EXPECT_EQ(os.str(), whole) << eco::reports::to_string(format) << " " << lang;
      }
      EXPECT_GT(lookups, 0u);
      if (!big) continue;
      // The text report: the summary counts every finding; the lines come in order, once each,
      // then the resolved findings.
      const std::string text = eco::reports::text_report(fx.data);
      EXPECT_GT(text.size(), std::size_t{8} << 20);
      EXPECT_NE(text.find(": " + std::to_string(all.size()) + " findings\n"), std::string::npos);
      std::size_t last = 0;
      for (std::size_t i = 0; i < all.size(); i += 997) {
        const auto p = text.find(" " + all[i].subject_record + ":" + all[i].subject_key + " ");
        ASSERT_NE(p, std::string::npos) << i;
        EXPECT_GT(p, last) << i;
        EXPECT_EQ(text.find(" " + all[i].subject_record + ":" + all[i].subject_key + " ", p + 1), std::string::npos);
        last = p;
      }
      EXPECT_EQ(count(text, " air.test-violation enterprise:"), copies);
      EXPECT_NE(text.find("resolved air.test-gone "), std::string::npos);
      EXPECT_GT(text.find("resolved air.test-gone "), last);
    }
}

// html and xlsx need every finding first; a screening's text is per application.
TEST(ReportWriters, OnlyStreamableFormats) {
  Fixture fx;
  eco::test_fixture::build(fx, ReportKind::sweep);
  std::ostringstream os;
  EXPECT_FALSE(eco::reports::report_writer(eco::reports::Format::html, os, fx.data, nullptr));
  EXPECT_FALSE(eco::reports::report_writer(eco::reports::Format::xlsx, os, fx.data, nullptr));
  eco::test_fixture::build(fx, ReportKind::screening);
  EXPECT_FALSE(eco::reports::report_writer(eco::reports::Format::text, os, fx.data, nullptr));
  EXPECT_EQ(os.str(), "");
}

TEST(Reports, WeightsAndFormats) {
  using dsl_sev = eco::dsl::model::Severity;
  EXPECT_EQ(eco::reports::severity_weight(dsl_sev::critical), 16);
  EXPECT_EQ(eco::reports::severity_weight(dsl_sev::advice), 1);
  EXPECT_EQ(eco::reports::parse_format("xlsx"), eco::reports::Format::xlsx);
  EXPECT_FALSE(eco::reports::parse_format("pdf"));
  EXPECT_STREQ(eco::reports::extension(eco::reports::Format::text), "txt");
  EXPECT_THROW(eco::reports::embedded_file("no-such.mustache"), std::out_of_range);
  EXPECT_FALSE(eco::reports::embedded_file("style.css").empty());
}

}  // namespace

namespace {

// Every verdict, severity and confidence of the model has a label in both languages.
TEST(Labels, EveryModelValueHasBothLanguages) {
  Fixture fx;
  eco::test_fixture::build(fx, ReportKind::audit);
  const auto base = fx.findings.front();
  for (const char* lang : {"zh", "en"}) {
    fx.data.lang = lang;
    for (std::size_t v = 0; v < eco::dsl::model::kVerdictCount; ++v) {
      auto f = base;
      f.verdict = static_cast<eco::dsl::model::Verdict>(v);
      fx.findings = {f};
      const std::string csv = eco::reports::csv_report(fx.data);
      const std::string name(eco::dsl::model::to_string(f.verdict));
      // The label is not the bare name, except in English where some are the same word.
      if (std::string(lang) == "zh") {
        EXPECT_EQ(csv.find("," + name + ","), std::string::npos) << name;
      }
      EXPECT_NO_THROW(eco::reports::html_report(fx.data)) << name;
    }
  }
}

}  // namespace

namespace {

// The checklist groups by enterprise and subject, whatever the order of the findings.
TEST(Checklist, GroupedByEnterpriseAndSubject) {
  Fixture fx;
  eco::test_fixture::build(fx, ReportKind::sweep);
  auto u = fx.findings[1];  // unknown: annual_freight_t and rail_spur missing
  auto other = u;
  other.owner.key = other.subject_key = "000-first";
  other.missing = {"enterprise.rail_spur"};
  fx.findings = {u, other, u};  // the same subject twice: its items once
  fx.data.lang = "en";
  const std::string html = [&] {
    fx.data.kind = ReportKind::audit;
    return eco::reports::html_report(fx.data);
  }();
  const std::string list = html.substr(html.find("<section id=\"checklist\">"));
  const auto first = list.find("<code>enterprise:000-first</code>");
  const auto hostile = list.find("<code>enterprise:911401&quot;&gt;&lt;b&gt;X&lt;/b&gt;</code>");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(hostile, std::string::npos);
  EXPECT_LT(first, hostile);
  EXPECT_EQ(count(list, "<td><code>enterprise.annual_freight_t</code></td>"), 1u);
  EXPECT_EQ(count(list, "<td><code>enterprise.rail_spur</code></td>"), 2u);
}

}  // namespace
