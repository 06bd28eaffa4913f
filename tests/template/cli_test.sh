#!/usr/bin/env bash
# `ecoaudit template` on the Jinzhong ruleset: the workbook read back (check_template.py
# against `ecoaudit schema --format json`) and the command's usage errors.
# Usage: cli_test.sh ECOAUDIT SOURCE_DIR WORK_DIR
set -uo pipefail
eco=$1 src=$2 work=$3
rs=$src/rulesets/jinzhong
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/../lib/cli_checks.sh"

run 0 "schema json" "$eco" schema "$rs" --format json
echo "$out" > "$work/schema.json"

run 0 "template all" "$eco" template --ruleset "$rs" --format xlsx --out "$work/all.xlsx"
[[ $out == "wrote $work/all.xlsx: "* ]] || fail "template message: $out"
[[ -e $work/all.xlsx.part ]] && fail "temporary file left behind"
python3 "$here/check_template.py" "$work/all.xlsx" "$work/schema.json" || fail "full workbook"

run 0 "template some" "$eco" template --ruleset "$rs" --records facility,enterprise,facility --out "$work/some.xlsx"
python3 "$here/check_template.py" "$work/some.xlsx" "$work/schema.json" facility,enterprise || fail "partial workbook"

# A workbook already there may be a filled one: never overwritten.
echo "filled in" > "$work/filled.xlsx"
run 2 "existing out" "$eco" template --ruleset "$rs" --out "$work/filled.xlsx"
grep -q "already exists" "$work/stderr" || fail "existing out message: $(cat "$work/stderr")"
[[ $(cat "$work/filled.xlsx") == "filled in" ]] || fail "existing file changed"

run 2 "unknown record" "$eco" template --ruleset "$rs" --records facility,no_such --out "$work/x.xlsx"
grep -q "no record type 'no_such'.*known: .*facility" "$work/stderr" || fail "unknown record message: $(cat "$work/stderr")"
[[ -e $work/x.xlsx || -e $work/x.xlsx.part ]] && fail "file written for an unknown record"
run 2 "csv format" "$eco" template --ruleset "$rs" --format csv --out "$work/x.xlsx"
run 2 "no out" "$eco" template --ruleset "$rs"
run 2 "blank records" "$eco" template --ruleset "$rs" --records " " --out "$work/x.xlsx"
run 1 "no ruleset" "$eco" template --ruleset "$work/none" --out "$work/x.xlsx"
[[ -e $work/x.xlsx ]] && fail "file written on an error"

# A ruleset with errors writes nothing (exit 1, like import's refusal).
mkdir -p "$work/bad" && echo 'record r "坏" { id: nosuchtype key }' > "$work/bad/ruleset.rules"
run 1 "bad ruleset" "$eco" template --ruleset "$work/bad" --out "$work/x.xlsx"
[[ -e $work/x.xlsx ]] && fail "file written for a bad ruleset"
exit $((fails > 0))
