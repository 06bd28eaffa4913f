// The findings JSON document: written finding by finding, yet exactly the bytes of a
// pretty-printed JSON tree, whatever the data holds.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

}  // namespace
}  // namespace eco::reports
