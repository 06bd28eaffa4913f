// The report format registry (reports::formats()): every Format has exactly one entry, names
// and extensions are what --format and the report files use, a streamable format has a writer
// and a non-streamable one has none, and an entry's whole-report writer writes the bytes of the
// format's own function.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

#include "reports/json/findings_json.hpp"
#include "reports/report.hpp"
#include "tests/reports/fixture.hpp"

namespace {

using eco::reports::Format;
using eco::reports::FormatEntry;

TEST(ReportFormats, OneEntryPerFormatInEnumOrder) {
  const auto& all = eco::reports::formats();
  ASSERT_EQ(all.size(), 5u);
  std::set<std::string> names;
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(all[i].format), i) << all[i].name;
    EXPECT_TRUE(names.insert(all[i].name).second) << "duplicate name " << all[i].name;
    EXPECT_TRUE(all[i].write != nullptr) << all[i].name;
    EXPECT_EQ(&eco::reports::format_entry(all[i].format), &all[i]);
  }
}

TEST(ReportFormats, LookupByName) {
  struct Want {
    const char* name;
    Format format;
    const char* extension;
    bool streamable, file_only;
  };
  for (const Want& w : {Want{"html", Format::html, "html", false, false}, Want{"json", Format::json, "json", true, false},
                        Want{"csv", Format::csv, "csv", true, false}, Want{"xlsx", Format::xlsx, "xlsx", false, true},
                        Want{"text", Format::text, "txt", true, false}}) {
    const FormatEntry* e = eco::reports::find_format(w.name);
    ASSERT_NE(e, nullptr) << w.name;
    EXPECT_EQ(e->format, w.format);
    EXPECT_STREQ(e->extension, w.extension);
    EXPECT_STREQ(eco::reports::extension(w.format), w.extension);
    EXPECT_STREQ(eco::reports::to_string(w.format), w.name);
    EXPECT_EQ(e->streamable, w.streamable) << w.name;
    EXPECT_EQ(e->file_only, w.file_only) << w.name;
    EXPECT_EQ(eco::reports::parse_format(w.name), w.format);
  }
  for (const char* bad : {"", "HTML", "txt", "pdf", "json,csv", " html"}) {
    EXPECT_EQ(eco::reports::find_format(bad), nullptr) << bad;
    EXPECT_FALSE(eco::reports::parse_format(bad)) << bad;
  }
}

// report_writer gives a writer exactly for the streamable formats (a sweep's report).
TEST(ReportFormats, StreamableMeansAWriter) {
  eco::test_fixture::Fixture fx;
  eco::test_fixture::build(fx, eco::reports::ReportKind::sweep);
  eco::reports::ReportData head = fx.data;
  head.findings = nullptr;
  for (const auto& e : eco::reports::formats()) {
    std::ostringstream os;
    auto w = eco::reports::report_writer(e.format, os, head, [](const std::string&) { return nullptr; });
    EXPECT_EQ(w != nullptr, e.streamable) << e.name;
  }
}

// The entry's writer writes what the format's function writes.
TEST(ReportFormats, EntryWritesTheFormatsBytes) {
  eco::test_fixture::Fixture fx;
  eco::test_fixture::build(fx, eco::reports::ReportKind::sweep, "en");
  const auto whole = [&](Format f) {
    std::ostringstream os;
    eco::reports::format_entry(f).write(fx.data, os, "");
    return os.str();
  };
  EXPECT_EQ(whole(Format::html), eco::reports::html_report(fx.data));
  EXPECT_EQ(whole(Format::csv), eco::reports::csv_report(fx.data));
  EXPECT_EQ(whole(Format::text), eco::reports::text_report(fx.data));
  EXPECT_EQ(whole(Format::json), eco::reports::findings_json(fx.data.run, *fx.data.findings, fx.data.resolved));
}

}  // namespace
