// The catalog of the engine's words (engine/findings/words.json): every word has a text in both
// languages whose holes are its arguments, no entry is stale, a broken catalog is named.
#include "engine/findings/words.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace eco::engine::words {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

std::vector<Id> all_ids() {
  std::vector<Id> ids;
  for (std::size_t i = 0; i < kIdCount; ++i) ids.push_back(static_cast<Id>(i));
  return ids;
}

TEST(Words, TheCompiledCatalogHasNoProblems) {
  const auto p = problems(catalog_text());
  EXPECT_TRUE(p.empty()) << ::testing::PrintToString(p);
}

TEST(Words, EveryIdHasATextInBothLanguagesWithItsArguments) {
  std::set<std::string_view> keys;
  for (Id id : all_ids()) {
    EXPECT_FALSE(key(id).empty());
    EXPECT_TRUE(keys.insert(key(id)).second) << "key used twice: " << key(id);
    for (Lang lang : {Lang::zh, Lang::en}) {
      if (params(id).empty()) {
        EXPECT_FALSE(word(id, lang).empty()) << key(id);
        EXPECT_EQ(say(id, lang), word(id, lang)) << key(id);
        continue;
      }
      // Every argument given: the text composes, and says something beyond its arguments or
      // is one of them (zh verify_on_site is the field's own `verify` text).
      std::string text;
      EXPECT_NO_THROW({
        std::vector<std::string> values;
        for (const char* p : params(id)) values.push_back(std::string("<") + p + ">");
        std::vector<Arg> args;
        for (std::size_t i = 0; i < values.size(); ++i) args.push_back({params(id)[i], values[i]});
        switch (args.size()) {  // say() takes an initializer list
          case 1:
            text = say(id, lang, {args[0]});
            break;
          case 2:
            text = say(id, lang, {args[0], args[1]});
            break;
          case 3:
            text = say(id, lang, {args[0], args[1], args[2]});
            break;
          case 5:
            text = say(id, lang, {args[0], args[1], args[2], args[3], args[4]});
            break;
          default:
            FAIL() << key(id) << " has " << args.size() << " arguments: extend this switch";
        }
      }) << key(id);
      EXPECT_FALSE(text.empty()) << key(id);
    }
  }
}

TEST(Words, TheWordsOfTheMessagesComposeAsTheyAlwaysHave) {
  EXPECT_EQ(say(Id::complies, Lang::zh, {{"title", "改造"}}), "符合“改造”");
  EXPECT_EQ(say(Id::complies, Lang::en, {{"title", "retrofit"}}), "Complies with \"retrofit\"");
  EXPECT_EQ(say(Id::not_applicable, Lang::en, {{"title", "retrofit"}}),
            "Not applicable: \"retrofit\"");
  EXPECT_EQ(say(Id::cannot_decide, Lang::zh,
                {{"title", "改造"}, {"why", say(Id::missing, Lang::zh, {{"fields", "完成"}})}}),
            "无法判定“改造”: 缺少 完成");
  EXPECT_EQ(word(Id::value_true, Lang::zh), "是");
  EXPECT_EQ(word(Id::value_false, Lang::zh), "否");
  EXPECT_EQ(word(Id::value_true, Lang::en), "true");
  EXPECT_EQ(word(Id::list_separator, Lang::zh), "、");
  EXPECT_EQ(word(Id::reason_separator, Lang::en), "; ");
}

TEST(Words, AnArgumentTheTemplateNeedsButTheCallLacksIsADefect) {
  EXPECT_THROW(say(Id::complies, Lang::zh), std::logic_error);
  try {
    say(Id::cannot_decide, Lang::en, {{"title", "x"}});
    ADD_FAILURE() << "no error";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot_decide"));
  }
  EXPECT_THROW(word(Id::complies, Lang::en), std::logic_error);  // it has arguments
}

// A copy of the compiled catalog with one change, for the checks below.
std::string edited(const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json j = nlohmann::json::parse(catalog_text());
  edit(j);
  return j.dump();
}

TEST(Words, AMissingIdIsNamed) {
  const auto p = problems(edited([](nlohmann::json& j) { j["en"].erase("limit_list"); }));
  EXPECT_THAT(p, Contains("'limit_list' has no en text"));
  EXPECT_THAT(problems(edited([](nlohmann::json& j) { j["zh"]["complies"] = ""; })),
              Contains("'complies' has no zh text"));
  EXPECT_THAT(problems(edited([](nlohmann::json& j) { j.erase("zh"); })),
              Contains("no \"zh\" object"));
}

TEST(Words, AStaleKeyIsNamed) {
  EXPECT_THAT(problems(edited([](nlohmann::json& j) { j["zh"]["complys"] = "符合"; })),
              Contains("'complys' (zh) names no word of the engine"));
}

TEST(Words, AHoleThatIsNotAnArgumentIsNamed) {
  const auto p =
      problems(edited([](nlohmann::json& j) { j["en"]["complies"] = "Complies with {rule}"; }));
  ASSERT_EQ(p.size(), 1u) << ::testing::PrintToString(p);
  EXPECT_THAT(p[0], HasSubstr("'complies' (en)"));
  EXPECT_THAT(p[0], HasSubstr("its arguments: title"));
  EXPECT_FALSE(problems(edited([](nlohmann::json& j) { j["en"]["the_rule"] = "{"; })).empty());
}

TEST(Words, TextThatIsNotACatalogIsNamed) {
  EXPECT_FALSE(problems("").empty());
  EXPECT_FALSE(problems("[1, 2]").empty());
}

}  // namespace
}  // namespace eco::engine::words
