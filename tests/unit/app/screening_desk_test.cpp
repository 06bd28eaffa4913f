// app/: screening at the workbench without the server: the form generated from the screening
// fixture's `role screened` record, the document its values make, a screening of an uploaded
// document and of the form's values (the same decisions), data errors naming the upload and the
// field, and a recorded decision: the application stored as a batch, the decision in the
// append-only `_screening_decision` with its provenance, and its row in the audit trail.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "app/ruleset.hpp"
#include "app/screening_desk.hpp"
#include "app/screening_form.hpp"
#include "app/store_runs.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using eco::app::RunStatus;
using eco::testing::dump;
using eco::testing::read_file;
using eco::testing::TempDir;

const fs::path kScreen = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/screen";

class ScreeningDesk : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(eco::app::run_init({db(), kScreen / "ruleset"}).status, RunStatus::done);
    eco::app::ImportRequest import;
    import.db = db();
    import.ruleset = kScreen / "ruleset";
    import.paths = {kScreen / "store"};
    ASSERT_EQ(eco::app::run_import(import).status, RunStatus::done);
  }
  fs::path db() const { return dir_.path() / "store.db"; }
  eco::app::ScreeningRequest request() const {
    eco::app::ScreeningRequest r;
    r.db = db();
    r.ruleset = kScreen / "ruleset";
    r.as_of = *eco::dsl::parse_date("2024-06-01");
    return r;
  }
  eco::app::FormDescription form() {
    eco::dsl::SourceManager sm;
    auto rs = eco::app::load_checked_ruleset(kScreen / "ruleset", sm);
    EXPECT_TRUE(rs.ruleset) << rs.errors;
    auto f = eco::app::screening_form(rs.ruleset->schema);
    EXPECT_TRUE(f);
    return *f;
  }
  TempDir dir_;
};

const eco::app::FormField* field(const eco::app::FormDescription& f, const std::string& name) {
  for (const auto& x : f.fields)
    if (x.name == name) return &x;
  return nullptr;
}

TEST_F(ScreeningDesk, FormComesFromTheScreenedRecord) {
  const auto f = form();
  EXPECT_EQ(f.record, "application");
  EXPECT_EQ(f.title, "建设项目申请");
  std::vector<std::string> names;
  for (const auto& x : f.fields) names.push_back(x.name);
  EXPECT_EQ(names, (std::vector<std::string>{"id", "applicant_id", "project_name", "industry", "added_capacity_t",
                                             "replaced_capacity_t", "source_id", "coal_power"}));
  const auto* id = field(f, "id");
  EXPECT_TRUE(id->required);
  EXPECT_TRUE(id->key);
  EXPECT_EQ(id->type, "text");
  const auto* applicant = field(f, "applicant_id");
  EXPECT_FALSE(applicant->required);
  EXPECT_EQ(applicant->references, "enterprise");
  EXPECT_EQ(applicant->label_en, "Applicant id");
  const auto* industry = field(f, "industry");
  EXPECT_TRUE(industry->required);
  EXPECT_EQ(industry->type, "enum");
  EXPECT_EQ(industry->enum_name, "industry");
  ASSERT_EQ(industry->options.size(), 3u);
  EXPECT_EQ(industry->options[0].value, "coking");
  EXPECT_EQ(industry->options[0].label_zh, "焦化");
  EXPECT_EQ(industry->options[0].label_en, "coking");
  const auto* added = field(f, "added_capacity_t");
  EXPECT_EQ(added->type, "number");
  EXPECT_EQ(added->label_zh, "新增产能");  // the explanation stays in the description
  EXPECT_EQ(added->description, "新增产能 (t/a)");
  EXPECT_EQ(field(f, "coal_power")->type, "boolean");
  EXPECT_EQ(field(f, "source_id")->label_zh, "置换产能来源企业");

  const auto j = eco::app::to_json(f);
  EXPECT_EQ(j["record"], "application");
  EXPECT_EQ(j["fields"][3]["options"][1]["label"]["zh"], "钢铁");
  EXPECT_EQ(j["fields"][1]["references"], "enterprise");
  EXPECT_FALSE(j["fields"][0].contains("options"));
}

TEST_F(ScreeningDesk, FormValuesMakeADocumentAndUnknownNamesAreRefused) {
  const auto f = form();
  std::vector<eco::app::FormError> errors;
  const auto doc = eco::app::form_document(
      f, {{"id", "A-1"}, {"project_name", "<b>项目</b>"}, {"coal_power", ""}, {"industry", "steel"}}, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(nlohmann::json::parse(doc),
            nlohmann::json::parse(R"({"application": [{"id": "A-1", "project_name": "<b>项目</b>", "industry": "steel"}]})"));
  eco::app::form_document(f, {{"id", "A-1"}, {"pipeline", "x"}, {"project_name", "\xff\xfe"}}, errors);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].field, "project_name");
  EXPECT_NE(errors[0].message.find("UTF-8"), std::string::npos);
  EXPECT_EQ(errors[1].field, "pipeline");
}

TEST_F(ScreeningDesk, DocumentAndFormGiveTheSameDecisionAndStoreNothing) {
  const std::string before = dump(db());
  auto r = request();
  r.documents = {{"申请.json", read_file(kScreen / "apps/mixed.json")}};
  const auto out = eco::app::screen_application(r);
  ASSERT_EQ(out.status, RunStatus::done) << out.errors;
  std::map<std::string, std::string> decided;
  for (const auto& d : out.screen.decisions) decided[d.application_id] = eco::engine::to_string(d.decision);
  EXPECT_EQ(decided, (std::map<std::string, std::string>{{"A-REJECT", "reject"},
                                                          {"A-DOCS", "conditional"},
                                                          {"A-OK", "approve"},
                                                          {"A-SMALL", "reject"},
                                                          {"A-ELSEWHERE", "conditional"}}));
  const auto report = nlohmann::json::parse(out.report_json);
  EXPECT_EQ(report["decisions"].size(), 5u);
  EXPECT_TRUE(out.recorded.empty());
  EXPECT_EQ(dump(db()), before) << "a screening that records nothing changed the store";

  auto f = request();
  f.form = std::map<std::string, std::string>{{"id", "A-OK"},
                                               {"applicant_id", "91140700MA0TCR001R"},
                                               {"project_name", "合规置换项目"},
                                               {"industry", "steel"},
                                               {"added_capacity_t", "100000"},
                                               {"replaced_capacity_t", "125000"},
                                               {"coal_power", "false"},
                                               {"source_id", "91140700MA0TCR001R"}};
  const auto by_form = eco::app::screen_application(f);
  ASSERT_EQ(by_form.status, RunStatus::done) << by_form.errors;
  ASSERT_EQ(by_form.screen.decisions.size(), 1u);
  EXPECT_EQ(by_form.screen.decisions[0].decision, eco::engine::Decision::approve);
  (*f.form)["replaced_capacity_t"] = "";  // missing: a document to request
  const auto missing = eco::app::screen_application(f);
  ASSERT_EQ(missing.status, RunStatus::done) << missing.errors;
  EXPECT_EQ(missing.screen.decisions[0].decision, eco::engine::Decision::conditional);
  ASSERT_FALSE(missing.screen.decisions[0].documents.empty());
  EXPECT_EQ(missing.screen.decisions[0].documents[0].field, "application.replaced_capacity_t");
  EXPECT_EQ(dump(db()), before);
}

TEST_F(ScreeningDesk, ErrorsNameTheUploadAndTheField) {
  auto r = request();
  r.form = std::map<std::string, std::string>{{"id", "A-1"}, {"project_name", "p"}, {"industry", "shipyard"}};
  const auto out = eco::app::screen_application(r);
  EXPECT_EQ(out.status, RunStatus::rejected);
  ASSERT_FALSE(out.screen.import.errors.empty());
  EXPECT_EQ(out.screen.import.errors[0].file, "form");
  EXPECT_EQ(out.screen.import.errors[0].field, "industry");

  auto up = request();
  up.documents = {{"bad.json", read_file(kScreen / "apps/bad.json")}};
  const auto bad = eco::app::screen_application(up);
  EXPECT_EQ(bad.status, RunStatus::rejected);
  ASSERT_FALSE(bad.screen.import.errors.empty());
  EXPECT_EQ(bad.screen.import.errors[0].file, "bad.json");
  EXPECT_EQ(bad.screen.import.files.at(0).path, "bad.json");

  // A name that is neither, and content that is neither: refused before anything is read.
  up.documents = {{"../../etc/passwd", "root:x:0:0"}};
  const auto neither = eco::app::screen_application(up);
  EXPECT_EQ(neither.status, RunStatus::bad_request);
  EXPECT_NE(neither.errors.find("not a JSON or XML document"), std::string::npos);
  // An XML upload without a telling name is recognised by its content.
  up.documents = {{"upload", read_file(kScreen / "apps/approve.xml")}};
  const auto xml = eco::app::screen_application(up);
  ASSERT_EQ(xml.status, RunStatus::done) << xml.errors;
  EXPECT_EQ(xml.screen.decisions.at(0).application_id, "A-CHIP");

  // A record type named (as `ecoaudit screen --record-type`): the form is that record's.
  auto named = request();
  named.record_type = "zone";
  named.form = std::map<std::string, std::string>{{"id", "Z-1"}, {"name", "新区"}};
  const auto zone = eco::app::screen_application(named);
  ASSERT_EQ(zone.status, RunStatus::done) << zone.errors;
  EXPECT_EQ(zone.screen.decisions.at(0).application_id, "Z-1");
  named.record_type = "pipeline";
  EXPECT_EQ(eco::app::screen_application(named).status, RunStatus::bad_request);

  auto both = request();
  EXPECT_EQ(eco::app::screen_application(both).status, RunStatus::bad_request);
  both.documents = up.documents;
  both.form = std::map<std::string, std::string>{};
  EXPECT_EQ(eco::app::screen_application(both).status, RunStatus::bad_request);
}

TEST_F(ScreeningDesk, RecordedDecisionKeepsItsProvenanceAndCannotBeChanged) {
  auto r = request();
  r.documents = {{"approve.xml", read_file(kScreen / "apps/approve.xml")}};
  r.record = true;
  EXPECT_EQ(eco::app::screen_application(r).status, RunStatus::bad_request) << "recorded without an officer";
  r.officer = "王芳";
  r.note = "材料齐全";
  const auto out = eco::app::screen_application(r);
  ASSERT_EQ(out.status, RunStatus::done) << out.errors;
  ASSERT_EQ(out.recorded.size(), 1u);
  const auto& d = out.recorded[0];
  EXPECT_GT(d.id, 0);
  EXPECT_EQ(d.officer, "王芳");
  EXPECT_EQ(d.application, "A-CHIP");
  EXPECT_EQ(d.project_name, "电子元件项目");
  EXPECT_EQ(d.decision, "approve");
  EXPECT_EQ(d.as_of, "2024-06-01");
  EXPECT_EQ(d.ruleset, "screenfix");
  EXPECT_EQ(d.batch, out.screen.import.batch);
  EXPECT_GT(d.batch, 0);
  EXPECT_EQ(d.source, "approve.xml");
  EXPECT_EQ(d.sha256, out.screen.import.files.at(0).sha256);
  EXPECT_EQ(d.note, "材料齐全");

  // A second screening of the same application, by form, changed: a new row; the old version of
  // the application is in the store's history.
  auto again = request();
  again.record = true;
  again.officer = "李强";
  again.form = std::map<std::string, std::string>{
      {"id", "A-CHIP"}, {"applicant_id", "91140700MA0TCR0030"}, {"project_name", "电子元件项目 (变更)"},
      {"industry", "electronics"}, {"coal_power", "true"}};
  const auto second = eco::app::screen_application(again);
  ASSERT_EQ(second.status, RunStatus::done) << second.errors;
  ASSERT_EQ(second.recorded.size(), 1u);
  EXPECT_EQ(second.recorded[0].decision, "conditional");  // new coal power: a condition
  EXPECT_EQ(second.recorded[0].source, "form");
  EXPECT_GT(second.recorded[0].batch, d.batch);
  EXPECT_EQ(second.recorded[0].detail["conditions"].at(0)["rule"], "scr.coal-power-review");

  const auto listed = eco::app::recorded_decisions(db(), "A-CHIP");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].officer, "王芳");
  EXPECT_EQ(listed[1].officer, "李强");
  EXPECT_TRUE(eco::app::recorded_decisions(db(), "A-NONE").empty());
  EXPECT_EQ(eco::app::to_json(listed[1])["detail"]["conditions"].size(), 1u);

  SQLite::Database conn(db().string(), SQLite::OPEN_READWRITE);
  SQLite::Statement history(conn, "SELECT count(*) FROM _history_application WHERE id = 'A-CHIP'");
  ASSERT_TRUE(history.executeStep());
  EXPECT_EQ(history.getColumn(0).getInt(), 1);
  EXPECT_THROW(conn.exec("UPDATE _screening_decision SET decision = 'approve'"), SQLite::Exception);
  EXPECT_THROW(conn.exec("DELETE FROM _screening_decision"), SQLite::Exception);
  EXPECT_THROW(conn.exec("INSERT OR REPLACE INTO _screening_decision SELECT * FROM _screening_decision WHERE id = 1"),
               SQLite::Exception);

  // Each decision has its row in the audit trail, in the same transaction.
  auto accounts = eco::app::Accounts::open(db());
  int rows = 0;
  for (const auto& e : accounts->trail())
    if (e.action == "screening.record") {
      ++rows;
      EXPECT_EQ(e.object, "application:A-CHIP");
    }
  EXPECT_EQ(rows, 2);
}

TEST_F(ScreeningDesk, RejectedDocumentRecordsNothing) {
  const std::string before = dump(db());
  auto r = request();
  r.record = true;
  r.officer = "王芳";
  r.documents = {{"bad.json", read_file(kScreen / "apps/bad.json")}};
  const auto out = eco::app::screen_application(r);
  EXPECT_EQ(out.status, RunStatus::rejected);
  EXPECT_TRUE(out.recorded.empty());
  EXPECT_EQ(dump(db()), before);
  EXPECT_TRUE(eco::app::recorded_decisions(db()).empty());
}

TEST(ScreeningBase64, RoundTripsBytesAndRefusesWhatIsNot) {
  const std::string bytes("\xd6\xd0\xce\xc4 GB18030\0\xff", 13);
  const auto text = eco::app::to_base64(bytes);
  EXPECT_EQ(eco::app::to_base64("ab"), "YWI=");
  EXPECT_EQ(eco::app::from_base64(text), bytes);
  EXPECT_EQ(eco::app::from_base64("YW\nI="), "ab");
  EXPECT_FALSE(eco::app::from_base64("YWI=!"));
  EXPECT_FALSE(eco::app::from_base64("Y"));
  EXPECT_EQ(eco::app::from_base64(""), "");
}

}  // namespace
