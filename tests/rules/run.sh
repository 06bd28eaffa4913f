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
# Shipped rulesets check without a warning: an unknown a rule means has its reason declared
# (a field's `verify`, a `complete` / `valid` declaration), an unintended one is fixed.
for rs in rulesets/jinzhong rulesets/bench tests/rules/extensions; do
  expect_rc 0 "check $rs" "$eco" check "$src/$rs"
  if grep -q 'warning\[' <<<"$out"; then echo "FAIL: $rs has warnings:"; grep -A3 'warning\[' <<<"$out" | head -40; fail=1; fi
done
expect_rc 0 "test rulesets/jinzhong" "$eco" test "$src/rulesets/jinzhong"
if ! grep -Eq '^[1-9][0-9]* passed, 0 failed$' <<<"$out"; then echo "FAIL: jinzhong summary: $(tail -1 <<<"$out")"; fail=1; fi
# Every S/A requirement of the plan has a rule, every rule a test (issue 6) and a declared
# deadline basis (issue 12): coverage exits 1 on a rule without one.
expect_rc 0 "coverage rulesets/jinzhong" "$eco" coverage "$src/rulesets/jinzhong"
grep -Eq '^([0-9]+) of \1 S/A requirements have a rule \(0 without\); [0-9]+ rules, 0 without a test$' <<<"$out" \
  || { echo "FAIL: jinzhong coverage: $(tail -2 <<<"$out")"; fail=1; }
grep -qxF '0 rules whose tests miss a violation, a pass or a needed unknown' <<<"$out" \
  || { echo "FAIL: jinzhong rule tests incomplete: $(grep 'incomplete' <<<"$out")"; fail=1; }

expect_rc 0 "test of the language extensions (as_of, sum, min, max, label, abs, date(y,m,d), let, add_months, param_at, working days, complete, valid)" "$eco" test "$src/tests/rules/extensions"
grep -qxF '16 passed, 0 failed' <<<"$out" || { echo "FAIL: extensions: $out"; fail=1; }

expect_rc 1 "test of a wrong expectation" "$eco" test "$src/tests/rules/failing"
for want in 'FAIL r.done' 'S-2: expected pass, got violation' '0 passed, 1 failed'; do
  grep -qF "$want" <<<"$out" || { echo "FAIL: output lacks '$want':"; echo "$out"; fail=1; }
done
# Coverage: an A requirement without a rule and a rule without a test each fail the run.
expect_rc 1 "coverage of the fixture" "$eco" coverage "$src/tests/rules/coverage"
for want in 'REQ-A      A     0      -                                            NO RULE' \
            'REQ-S      S     1      r.tested, r.untested                         ok' \
            'REQ-X      -     0      -                                            out of reach of record data' \
            'rule without a test: r.untested' \
            '1 of 2 S/A requirements have a rule (1 without); 2 rules, 1 without a test'; do
  grep -qxF "$want" <<<"$out" || { echo "FAIL: coverage output lacks '$want':"; echo "$out"; fail=1; }
done
expect_rc 0 "coverage of a ruleset whose rules are all fully tested and which has no catalogue" "$eco" coverage "$src/tests/rules/coverage-complete"
grep -qxF '0 of 0 S/A requirements have a rule (0 without); 1 rules, 0 without a test' <<<"$out" || { echo "FAIL: $out"; fail=1; }
grep -qxF '0 rules whose tests miss a violation, a pass or a needed unknown' <<<"$out" || { echo "FAIL: $out"; fail=1; }
# A rule whose tests never expect a violation (the failing fixture expects pass and unknown only).
expect_rc 1 "coverage of a rule tested on one side only" "$eco" coverage "$src/tests/rules/failing"
for want in 'rule tests incomplete: r.done: no test expects a violation' \
            '1 rules whose tests miss a violation, a pass or a needed unknown'; do
  grep -qxF "$want" <<<"$out" || { echo "FAIL: coverage output lacks '$want':"; echo "$out"; fail=1; }
done
expect_rc 1 "coverage --format json" "$eco" coverage "$src/tests/rules/coverage" --format json
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["summary"]["without_rule"]==1 and d["rules_without_tests"]==["r.untested"], d' "$out" \
  || { echo "FAIL: coverage json"; fail=1; }
# Deadline bases: each rule's basis is listed (declared by the rule or by its deadline
# parameter); an undeclared one fails the run unless allowed; --by-basis groups the rules.
expect_rc 1 "coverage of a rule without a deadline basis" "$eco" coverage "$src/tests/rules/basis"
for want in 'r.plan-date                                  plan_date        param plan_deadline' \
            'r.regulation                                 regulation       rule' \
            'r.grace                                      grace_period     rule' \
            'r.undeclared                                 UNDECLARED       -' \
            '5 of 6 rules declare their deadline basis (1 undeclared)' \
            '0 rules whose tests miss a violation, a pass or a needed unknown'; do
  grep -qxF "$want" <<<"$out" || { echo "FAIL: basis coverage lacks '$want':"; echo "$out"; fail=1; }
done
expect_rc 0 "coverage --allow-undeclared-basis" "$eco" coverage "$src/tests/rules/basis" --allow-undeclared-basis
grep -qxF '5 of 6 rules declare their deadline basis (1 undeclared, allowed by --allow-undeclared-basis)' <<<"$out" \
  || { echo "FAIL: $out"; fail=1; }
expect_rc 1 "coverage --by-basis" "$eco" coverage "$src/tests/rules/basis" --by-basis
for want in 'plan_date (1 rules)' 'grace_period (1 rules)' 'undeclared (1 rules)' \
            '  r.period-end                                 规划期末' '  r.advice                                     鼓励'; do
  grep -qxF "$want" <<<"$out" || { echo "FAIL: --by-basis lacks '$want':"; echo "$out"; fail=1; }
done
if grep -q '^requirement' <<<"$out"; then echo "FAIL: --by-basis also printed the requirement table"; fail=1; fi
expect_rc 1 "coverage --format json (bases)" "$eco" coverage "$src/tests/rules/basis" --format json
python3 -c '
import json,sys
d=json.loads(sys.argv[1])
assert d["by_basis"]["undeclared"]==["r.undeclared"], d["by_basis"]
assert d["by_basis"]["plan_date"]==["r.plan-date"], d["by_basis"]
assert d["summary"]["rules_with_undeclared_basis"]==1
r={x["id"]:x for x in d["rules"]}
assert r["r.plan-date"]["basis_from"]=="param plan_deadline" and r["r.undeclared"]["basis"] is None, r
' "$out" || { echo "FAIL: coverage json bases"; fail=1; }
exit $fail
