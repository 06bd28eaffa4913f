#!/usr/bin/env bash
# cli_test.sh ECOAUDIT RULESET DEMO FIXTURES: init, import the demo data, import it again
# (nothing changes), reject bad files with exit 1 and an unchanged store, list batches.
set -uo pipefail
eco=$1 ruleset=$2 demo=$3 fixtures=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/store.db
fail() { echo "FAIL: $*" >&2; exit 1; }
snapshot() { "$eco" batches --db "$db" --format json; }

"$eco" init --db "$db" --ruleset "$ruleset" >"$work/out" 2>&1 || fail "init: $(cat "$work/out")"
grep -q "created store" "$work/out" || fail "init output: $(cat "$work/out")"
"$eco" init --db "$db" --ruleset "$ruleset" >"$work/out" 2>&1 || fail "second init"
grep -q "up to date" "$work/out" || fail "second init output: $(cat "$work/out")"

"$eco" import --db "$db" --ruleset "$ruleset" "$demo" >"$work/out" 2>&1 || fail "demo import: $(head -20 "$work/out")"
grep -q "^batch 1: " "$work/out" || fail "demo import summary: $(tail -3 "$work/out")"

before=$(snapshot)
"$eco" import --db "$db" --ruleset "$ruleset" "$demo" >"$work/out" 2>&1 || fail "re-import failed"
grep -q "nothing changed" "$work/out" || fail "re-import summary: $(tail -3 "$work/out")"
[[ $(snapshot) == "$before" ]] || fail "re-import changed the store"

"$eco" import --db "$db" --ruleset "$ruleset" "$fixtures/bad_county" >"$work/out" 2>"$work/err"
rc=$?
[[ $rc == 1 ]] || fail "bad county: exit $rc, expected 1"
grep -q "enterprise.csv:2:3: error\[I006\]: enterprise.county: '太原市' is not a value of county; allowed: " "$work/err" \
  || fail "bad county message: $(cat "$work/err")"
grep -q "nothing was written" "$work/err" || fail "bad county summary: $(cat "$work/err")"
[[ $(snapshot) == "$before" ]] || fail "rejected import changed the store"

"$eco" import --db "$db" --ruleset "$ruleset" "$fixtures/bad_json" >"$work/out" 2>"$work/err"
[[ $? == 1 ]] || fail "duplicate JSON member: expected exit 1"
grep -q "application.json: error\[I003\]: /application/industry: duplicate member name" "$work/err" \
  || fail "duplicate JSON member message: $(cat "$work/err")"

"$eco" import --db "$work/missing.db" --ruleset "$ruleset" "$demo" >"$work/out" 2>"$work/err"
[[ $? == 2 ]] || fail "missing store: expected exit 2"
grep -q "no such store" "$work/err" || fail "missing store message: $(cat "$work/err")"

"$eco" batches --db "$db" >"$work/out" 2>&1 || fail "batches"
grep -q "^batch 1 " "$work/out" || fail "batches output: $(cat "$work/out")"
grep -q "enterprise.csv" "$work/out" || fail "batches files: $(cat "$work/out")"
echo "ok"
