#pragma once
// A hook for the kill test (tests/adversarial/kill_test.sh), which must be sure that some of
// its kills land inside a write: when the environment variable ECOAUDIT_PAUSE_AT equals
// `point`, pause_point() says "ecoaudit: paused at POINT" on standard error and sleeps 60 s,
// so that the test kills the process exactly there. Unset (always, outside that test) it does
// nothing but read the variable. Points:
//   import-commit   an import (or screen --record) has written every row; not committed yet
//   sweep-commit    a recorded sweep has written its findings and its reports; not committed
//   report-publish  the sweep is committed; its reports are not yet in place
namespace eco::engine::store {

void pause_point(const char* point);

}  // namespace eco::engine::store
