#!/usr/bin/env bash
# scripts/basis_lists.py: a README whose lists match the ruleset passes --check; a stale one
# (a rule missing, a rule too many) fails --check with a diff, and a run without --check
# rewrites only what is between the markers.
# Usage: basis_lists_test.sh ECOAUDIT SOURCE_DIR
set -uo pipefail
eco=$1 src=$2
fail=0
script=$src/scripts/basis_lists.py
fixture=$src/tests/rules/basis
python3 "$script" --eco "$eco" "$fixture" --check || { echo "FAIL: the fixture README is reported stale"; fail=1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sed -e '/`r.grace`/d' -e 's/^Not declared yet:$/Not declared yet (text outside the markers):/' \
    -e '/basis-list:plan_date/a - `r.gone` 已删除的规则 (-; high)' "$fixture/README.md" >"$tmp/README.md"
out=$(python3 "$script" --eco "$eco" "$fixture" --readme "$tmp/README.md" --check 2>&1); rc=$?
[[ $rc -eq 1 ]] || { echo "FAIL: stale README: exit $rc, want 1"; echo "$out"; fail=1; }
for want in '+- `r.grace` 宽限期 (-; medium)' '-- `r.gone` 已删除的规则 (-; high)' 'is stale'; do
  grep -qF -- "$want" <<<"$out" || { echo "FAIL: --check output lacks '$want':"; echo "$out"; fail=1; }
done
python3 "$script" --eco "$eco" "$fixture" --readme "$tmp/README.md" >/dev/null || { echo "FAIL: regenerate"; fail=1; }
want=$(sed 's/^Not declared yet:$/Not declared yet (text outside the markers):/' "$fixture/README.md")
[[ "$(cat "$tmp/README.md")" == "$want" ]] || { echo "FAIL: regenerated README differs:"; diff <(echo "$want") "$tmp/README.md"; fail=1; }
# The Jinzhong ruleset's README is current (regenerate it with the script after changing a basis).
python3 "$script" --eco "$eco" "$src/rulesets/jinzhong" --check || { echo "FAIL: rulesets/jinzhong/README.md is stale"; fail=1; }
[[ $fail -eq 0 ]] && echo "basis lists: ok"
exit $fail
