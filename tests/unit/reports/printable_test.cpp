// reports::printable (issue 17, item 10): what a terminal would act on is shown as a visible
// escape; everything else, Chinese included, is unchanged. The text report and the finding
// details pass data through it (the adversarial cases under tests/adversarial/reports check the
// program's output).
#include <gtest/gtest.h>

#include <string>

#include "reports/report.hpp"

namespace {

using eco::reports::printable;

TEST(Printable, PlainTextAndChineseUnchanged) {
  EXPECT_EQ(printable("abc 123 \\ / \"q\""), "abc 123 \\ / \"q\"");
  EXPECT_EQ(printable("晋中市焦化厂 ①（全角）"), "晋中市焦化厂 ①（全角）");
  EXPECT_EQ(printable(""), "");
}

TEST(Printable, ControlCharactersBecomeVisible) {
  // ESC [2J clears the screen; OSC 0 sets the window title, ended by BEL; CR and LF forge lines.
  EXPECT_EQ(printable("a\x1b[2Jb"), "a\\e[2Jb");
  EXPECT_EQ(printable("\x1b]0;pwned\x07"), "\\e]0;pwned\\x07");
  EXPECT_EQ(printable("x\r\nviolation forged"), "x\\r\\nviolation forged");
  EXPECT_EQ(printable("t\tab"), "t\\tab");
  EXPECT_EQ(printable(std::string("n\0ul", 4)), "n\\x00ul");
  EXPECT_EQ(printable("del\x7f"), "del\\x7f");
}

TEST(Printable, C1ControlsBidiOverridesAndInvalidBytes) {
  EXPECT_EQ(printable("csi\xc2\x9b" "2J"), "csi\\u{009b}2J");            // the one-byte CSI
  EXPECT_EQ(printable("abc\xe2\x80\xae" "fed"), "abc\\u{202e}fed");      // right-to-left override
  EXPECT_EQ(printable("\xe2\x81\xa6x\xe2\x81\xa9"), "\\u{2066}x\\u{2069}");  // isolates
  EXPECT_EQ(printable("bad\xff\xfe"), "bad\\xff\\xfe");
  EXPECT_EQ(printable("cut\xe4\xb8"), "cut\\xe4\\xb8");                  // a truncated sequence
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");                        // overlong '/'
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");               // a surrogate
}

}  // namespace
