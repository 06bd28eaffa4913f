#pragma once
// The Jinzhong demo/synthetic data generator: one CSV per record type of the Jinzhong
// schema, realistic distributions, plus the deliberate violations and edge cases that the
// demo README documents per requirement.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace eco::datagen {

struct Options {
  std::uint64_t enterprises = 300;   // random (background) enterprises, besides the scenarios
  std::uint64_t seed = 20211;        // same seed and count -> identical bytes
  bool scenarios = true;             // add the hand-made violation and edge-case enterprises
  std::filesystem::path out;
};

// One documented deliberate case: which requirement, which records, what is special.
struct Note {
  std::string requirement;   // catalogue id, e.g. TRN-01
  std::string subject;       // record type and key, e.g. "enterprise 9114...X"
  // The case, in one line, ending with the verdicts the demo's sweep (as of 2026-11-28) must
  // give it: " [RULE: VERDICT; ...]", each RULE judged on `subject`, or "RULE on RECORD KEY:
  // VERDICT" on another record; every finding of the requirement's rules on the subject other
  // than not_applicable is listed, and the text before it names each of them but pass. "[no
  // finding]": none of them judges the subject. tests/demo/check_notes.py holds the demo to it.
  std::string what;
};

struct Summary {
  std::vector<std::pair<std::string, std::size_t>> rows;  // per CSV file, in writing order
  std::vector<Note> notes;                                 // deliberate cases, in order
};

// Writes every CSV into options.out (created if needed). Throws std::runtime_error on an
// I/O error.
Summary generate(const Options& options);

// The date the generated records describe ("today" of the data): 2026-11-28.
int reference_day();

}  // namespace eco::datagen
