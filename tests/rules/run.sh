#!/usr/bin/env bash
# Rule tests end to end: every shipped ruleset checks clean and its own tests pass; a ruleset
# with a wrong expectation is reported (the subject, both verdicts) and exits 1.
# Usage: run.sh ECOAUDIT SOURCE_DIR
set -uo pipefail
eco=$1 src=$2
fail=0
expect_rc() {  # expected-rc description command...
  local want=$1 what=$2; shift 2
  out=$("$@" 2>&1); rc=$?
  if [[ $rc -ne $want ]]; then echo "FAIL: $what: exit $rc, want $want"; echo "$out"; fail=1; fi
}
for rs in jinzhong bench; do
  expect_rc 0 "check rulesets/$rs" "$eco" check "$src/rulesets/$rs"
done
expect_rc 0 "test rulesets/jinzhong" "$eco" test "$src/rulesets/jinzhong"
if ! grep -Eq '^[1-9][0-9]* passed, 0 failed$' <<<"$out"; then echo "FAIL: jinzhong summary: $(tail -1 <<<"$out")"; fail=1; fi

expect_rc 1 "test of a wrong expectation" "$eco" test "$src/tests/rules/failing"
for want in 'FAIL r.done' 'S-2: expected pass, got violation' '0 passed, 1 failed'; do
  grep -qF "$want" <<<"$out" || { echo "FAIL: output lacks '$want':"; echo "$out"; fail=1; }
done
exit $fail
