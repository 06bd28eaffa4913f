// Writes the hand-made reports of fixture.hpp into a folder, for the browser and XLSX tests:
//   report_fixture DIR  ->  DIR/{screening,hostile-audit,hostile-sweep}.html, screening-en.html,
//                           DIR/hostile-audit.{csv,xlsx,txt}
#include <cstdio>
#include <fstream>
#include <string>

#include "tests/reports/fixture.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: report_fixture DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  using eco::reports::ReportKind;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name, std::ios::binary) << text;
  };
  try {
    eco::test_fixture::Fixture fx;
    eco::test_fixture::build(fx, ReportKind::screening);
    write("screening.html", eco::reports::html_report(fx.data));
    write("screening.txt", eco::reports::text_report(fx.data));
    eco::test_fixture::build(fx, ReportKind::screening, "en");
    write("screening-en.html", eco::reports::html_report(fx.data));
    eco::test_fixture::build(fx, ReportKind::audit);
    write("hostile-audit.html", eco::reports::html_report(fx.data));
    write("hostile-audit.csv", eco::reports::csv_report(fx.data));
    write("hostile-audit.txt", eco::reports::text_report(fx.data));
    eco::reports::write_xlsx_report(fx.data, dir + "/hostile-audit.xlsx");
    eco::test_fixture::build(fx, ReportKind::sweep);
    write("hostile-sweep.html", eco::reports::html_report(fx.data));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "report_fixture: %s\n", e.what());
    return 1;
  }
  return 0;
}
