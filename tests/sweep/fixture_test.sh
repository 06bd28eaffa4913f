#!/usr/bin/env bash
# Golden sweep and audit output of a small fixture whose findings cover every verdict
# (violation, late, unknown, upcoming, waived, advice; pass and not_applicable with
# --verdicts all): tests/sweep/fixture, goldens in tests/sweep/golden.
# Usage: fixture_test.sh ECOAUDIT SOURCE_DIR WORK_DIR [--update]
set -uo pipefail
eco=$1 src=$2 work=$3 update=${4:-}
here=$src/tests/sweep rs=$here/fixture/ruleset
rm -rf "$work" && mkdir -p "$work"
db=$work/store.db
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
"$eco" test "$rs" >/dev/null || fail "fixture rule tests"
"$eco" init --db "$db" --ruleset "$rs" >/dev/null || fail init
"$eco" import --db "$db" --ruleset "$rs" "$here/fixture/store" >/dev/null || fail import
golden() {  # name want-rc command...
  local name=$1 want=$2; shift 2
  "$@" > "$work/raw" 2>"$work/stderr"; local rc=$?
  [[ $rc -eq $want ]] || { fail "$name: exit $rc, want $want"; cat "$work/stderr"; }
  grep -v '"generated_at"' "$work/raw" | sed "s|$src/||g" > "$work/$name"
  if [[ $update == --update ]]; then cp "$work/$name" "$here/golden/$name"; return; fi
  diff -u "$here/golden/$name" "$work/$name" > "$work/$name.diff" || { fail "golden $name differs:"; head -40 "$work/$name.diff"; }
}
run=("$eco" sweep --db "$db" --ruleset "$rs" --as-of 2024-12-31)
golden sweep.json 0 "${run[@]}" --format json          # recorded: sweep 1, every finding new
golden sweep.txt 0 "${run[@]}" --no-record
golden sweep.en.txt 1 "${run[@]}" --no-record --lang en --fail-on high
golden audit.json 0 "$eco" audit --db "$db" --ruleset "$rs" --as-of 2024-12-31 --enterprise 91140700MA0TWP002A --verdicts all --format json
golden audit.txt 0 "$eco" audit --db "$db" --ruleset "$rs" --as-of 2024-12-31 --enterprise 91140700MA0TWP002A --verdicts all
[[ $update == --update ]] && { echo "updated $here/golden"; exit 0; }
# What the goldens must show, independently of their bytes.
python3 - "$work/sweep.json" "$work/audit.json" <<'PY' || fail "golden contents"
import json, sys
s, a = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
v = sorted(f["verdict"] for f in s["findings"])
assert v == sorted(["late", "violation", "unknown", "waived", "upcoming", "violation", "unknown", "upcoming", "violation", "advice"]), v
assert {f["change"] for f in s["findings"]} == {"new"} and s["run"]["sweep_id"] == 1
w = [f for f in s["findings"] if f["verdict"] == "waived"][0]
assert w["waiver"]["id"] == "WV-1" and w["subject"]["key"] == "F-WAIVED"
assert {f["enterprise_id"] for f in a["findings"]} == {"91140700MA0TWP002A"}
assert sorted((f["rule"], f["verdict"]) for f in a["findings"]) == [
    ("fx.insurance", "pass"), ("fx.permit", "violation"), ("fx.retrofit", "not_applicable")], a["findings"]
PY
[[ $fails -eq 0 ]] && echo "sweep.fixture: all checks passed"
exit $((fails > 0))
