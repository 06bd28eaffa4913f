// The findings JSON document: written finding by finding, yet exactly the bytes of a
// pretty-printed JSON tree, whatever the data holds.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "reports/json/findings_json.hpp"

namespace eco::reports {
namespace {

engine::Finding finding(const std::string& key, const std::string& message) {
  engine::Finding f;
  f.rule = "air.rule";
  f.verdict = dsl::model::Verdict::violation;
  f.subject_record = "facility";
  f.subject_key = key;
  f.message_zh = message;
  f.deadline = dsl::parse_date("2022-10-31");
  f.days_overdue = 3;
  f.evidence.push_back({"facility", key, "status", "operating", false, 1, "facility.csv", 4});
  return f;
}

engine::RunInfo run() {
  engine::RunInfo r;
  r.command = "sweep";
  r.as_of = *dsl::parse_date("2022-11-03");
  r.ruleset = "x";
  r.ruleset_title = "标题 \"findings\": [] 注入";  // looks like the key the writer splices at
  return r;
}

TEST(FindingsJson, SameBytesAsThePrettyPrintedTree) {
  for (std::size_t n : {0u, 1u, 3u}) {
    std::vector<engine::Finding> fs;
    for (std::size_t i = 0; i < n; ++i) fs.push_back(finding("F-" + std::to_string(i), "焦炉\n\"未\"完成"));
    std::vector<engine::ResolvedFinding> resolved{{"air.rule", "facility", "F-9", "", "violation", "2022-10-01"}};
    const std::string text = findings_json(run(), fs, resolved);
    const auto doc = nlohmann::ordered_json::parse(text);
    EXPECT_EQ(text, doc.dump(2) + "\n") << "n = " << n;
    ASSERT_EQ(doc["findings"].size(), n);
    EXPECT_EQ(doc["version"], kFindingsJsonVersion);
    EXPECT_EQ(doc["run"]["ruleset_title"], run().ruleset_title);
    EXPECT_EQ(doc["resolved"][0]["subject"]["key"], "F-9");
    if (n) {
      EXPECT_EQ(doc["findings"][0]["verdict"], "violation");
      EXPECT_EQ(doc["findings"][0]["days_overdue"], 3);
      EXPECT_EQ(doc["findings"][0]["deadline"], "2022-10-31");
      EXPECT_EQ(doc["findings"][0]["evidence"][0]["source"]["line"], 4);
      EXPECT_EQ(doc["findings"][n - 1]["message"]["zh"], "焦炉\n\"未\"完成");
    }
  }
}


// Every member filled in (citations, conditions, params, waiver, missing, error, sweep change),
// strings that need escaping, non-ASCII text and control characters: still the tree's bytes,
// members in the documented order.
TEST(FindingsJson, EveryMemberFilledSameBytesAsTheTree) {
  engine::Finding f = finding("F-\\1\t", "超标 \x01 \"x\"");
  f.title_zh = "标题";
  f.title_en = "Title \"q\"";
  f.citations = {{"三、(一)", "“引号”"}, {"s2", ""}};
  f.requirements = {"REQ-1", "REQ-2"};
  f.owner = {"enterprise", "91140700MA0000001X"};
  f.screened = {"application", "APP-1"};
  f.message_en = "line1\r\nline2\b\f";
  f.days_left = -2;
  f.met_on = dsl::parse_date("2023-01-02");
  f.missing = {"facility.status", "facility.ule_completed_on"};
  f.error = "division by zero";
  f.evidence.push_back({"facility", "F-1", "capacity_t", "", true, 0, "", 0});
  f.conditions.push_back({"f.capacity_t >= 100.0", "f.capacity_t", ">=", "100.0", "?", "100", std::nullopt});
  f.conditions.push_back({"f.x == 1", "f.x", "==", "1", "1", "1", true});
  f.params.push_back({"limit", "100", "PARAMETERS.md §3", dsl::model::Confidence::unverified});
  f.rests_on_unverified = true;
  f.waiver = engine::WaiverInfo{"W-1", "晋环函〔2023〕1号", "张三", *dsl::parse_date("2023-01-01"),
                                *dsl::parse_date("2023-12-31"), true};
  f.change = engine::Change::persisting;
  f.first_seen = dsl::parse_date("2022-10-01");
  const std::string text = findings_json(run(), {f, finding("F-2", "")});
  const auto doc = nlohmann::ordered_json::parse(text);
  EXPECT_EQ(text, doc.dump(2) + "\n");
  const auto& j = doc["findings"][0];
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  const std::vector<std::string> documented{
      "rule",    "title",       "requirements", "severity", "verdict",  "subject",    "enterprise_id",
      "application_id", "message", "citation", "deadline", "days_overdue", "days_left", "met_on",
      "missing", "error",       "reasons",      "evidence",     "conditions", "params", "rests_on_unverified", "waiver",
      "change",  "first_seen"};
  EXPECT_EQ(keys, documented);
  EXPECT_EQ(j["subject"]["key"], "F-\\1\t");
  EXPECT_EQ(j["message"]["zh"], "超标 \x01 \"x\"");
  EXPECT_EQ(j["message"]["en"], "line1\r\nline2\b\f");
  EXPECT_EQ(j["citation"][0]["quote"], "“引号”");
  EXPECT_EQ(j["days_left"], -2);
  EXPECT_TRUE(j["evidence"][1]["value"].is_null());
  EXPECT_TRUE(j["conditions"][0]["holds"].is_null());
  EXPECT_EQ(j["conditions"][1]["holds"], true);
  EXPECT_EQ(j["params"][0]["confidence"], "unverified");
  EXPECT_EQ(j["waiver"]["approver"], "张三");
  EXPECT_EQ(j["waiver"]["expired"], true);
  EXPECT_EQ(j["change"], "persisting");
  EXPECT_EQ(j["first_seen"], "2022-10-01");
  EXPECT_TRUE(doc["findings"][1]["waiver"].is_null());
  EXPECT_EQ(doc["findings"][1]["citation"], nlohmann::ordered_json::array());
}

// Text that is not UTF-8 is refused as nlohmann refuses it, never written half-escaped.
TEST(FindingsJson, InvalidUtf8IsRefused) {
  EXPECT_THROW(findings_json(run(), {finding("F-\xff", "")}), nlohmann::json::type_error);
}

// Thousands of findings (several MiB, written out in pieces): still the tree's bytes, in the
// given order, and text that is not UTF-8 far into the list still reaches the caller.
TEST(FindingsJson, ManyFindingsInOrderAcrossBlocks) {
  std::vector<engine::Finding> fs;
  for (std::size_t i = 0; i < 4100; ++i) fs.push_back(finding("F-" + std::to_string(i), "焦炉 " + std::to_string(i)));
  const std::string text = findings_json(run(), fs);
  const auto doc = nlohmann::ordered_json::parse(text);
  EXPECT_EQ(text, doc.dump(2) + "\n");
  ASSERT_EQ(doc["findings"].size(), fs.size());
  for (std::size_t i = 0; i < fs.size(); ++i)
    ASSERT_EQ(doc["findings"][i]["subject"]["key"], "F-" + std::to_string(i)) << i;
  fs[3000].message_en = "\xc3";  // truncated UTF-8
  EXPECT_THROW(findings_json(run(), fs), nlohmann::json::type_error);
}

// The document written piece by piece (as a streamed sweep writes it) has the bytes of the
// whole-set document, however the findings are split: no findings, empty pieces, one piece,
// one finding per piece, pieces crossing the writer's 1 MiB blocks; with sweep ids, resolved
// findings and screening decisions after them.
TEST(FindingsJson, PiecesGiveTheSameBytesAsTheWholeSet) {
  engine::RunInfo r = run();
  r.sweep_id = 7;
  r.previous_sweep_id = 5;
  r.batches = {1, 2};
  const std::vector<engine::ResolvedFinding> resolved{{"air.rule", "facility", "F-9", "E-1", "violation", "2022-10-01"},
                                                      {"air.rule", "facility", "F-\"8", "", "unknown", "2022-09-01"}};
  engine::ApplicationDecision d;
  d.application_id = "A-1";
  d.decision = engine::Decision::reject;
  d.reasons = {0};
  d.documents.push_back({"application.x", "说明", {"air.rule"}});
  const std::vector<engine::ApplicationDecision> decisions{d};
  std::vector<engine::Finding> all;
  for (std::size_t i = 0; i < 5000; ++i) all.push_back(finding("F-" + std::to_string(i), "焦炉 \"" + std::to_string(i)));
  // Each split: the sizes of consecutive pieces (0 = an empty piece).
  const std::vector<std::vector<std::size_t>> splits{
      {}, {0}, {0, 0}, {1}, {0, 1, 0}, {3, 0, 2}, {5000}, {0, 2500, 0, 2500, 0}, {1, 1, 1, 4997}, {4999, 1}};
  for (const auto& split : splits) {
    std::size_t n = 0;
    for (auto k : split) n += k;
    const std::vector<engine::Finding> fs(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n));
    const std::string whole = findings_json(r, fs, resolved, decisions);
    std::ostringstream os;
    FindingsJsonWriter w(os, r);
    std::size_t at = 0;
    for (auto k : split) {
      w.add(std::vector<engine::Finding>(fs.begin() + static_cast<std::ptrdiff_t>(at),
                                         fs.begin() + static_cast<std::ptrdiff_t>(at + k)));
      at += k;
    }
    EXPECT_EQ(w.count(), n);
    w.finish(resolved, decisions);
    ASSERT_EQ(os.str(), whole) << "split of " << split.size() << " pieces, " << n << " findings";
    const auto doc = nlohmann::ordered_json::parse(whole);
    EXPECT_EQ(doc["findings"].size(), n);
    EXPECT_EQ(doc["run"]["sweep_id"], 7);
    EXPECT_EQ(doc["resolved"][1]["subject"]["key"], "F-\"8");
    EXPECT_EQ(doc["decisions"][0]["application_id"], "A-1");
  }
  // Nothing else in the document: the empty findings array as the tree writes it.
  std::ostringstream os;
  FindingsJsonWriter w(os, r);
  w.finish();
  EXPECT_EQ(os.str(), nlohmann::ordered_json::parse(os.str()).dump(2) + "\n");
  EXPECT_NE(os.str().find("\"findings\": [],"), std::string::npos);
}

}  // namespace
}  // namespace eco::reports
