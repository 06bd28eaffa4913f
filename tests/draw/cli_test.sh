#!/usr/bin/env bash
# End-to-end runs of `ecoaudit draw` on tests/draw: quotas and exclusions in the published list,
# recusal and same-county teams in the recorded draw, no personal data published, the same seed
# giving the same draw, --verify passing and then failing after a changed input, the recorded
# draw refusing UPDATE and DELETE, and usage errors.
# Usage: cli_test.sh ECOAUDIT SOURCE_DIR WORK_DIR
set -uo pipefail
eco=$1 src=$2 work=$3
here=$src/tests/draw rs=$here/ruleset data=$here/data
source "$src/tests/lib/cli_checks.sh"
db=$work/store.db
K01=91140702MA0K010007 K02=91140702MA0K02000E K03=91140702MA0K03000M K04=91140702MA0K04000W
K06=91140702MA0K06000B
py() { python3 -c "$@"; }

run 0 init "$eco" init --db "$db" --ruleset "$rs"
run 0 import "$eco" import --db "$db" --ruleset "$rs" "$data"/*.csv
run 0 "draw" "$eco" draw --db "$db" --ruleset "$rs" --period 2026Q4 --seed 7 --as-of 2026-12-01 -o "$work/d1.json"
grep -q "recorded draw 1" "$work/stderr" || fail "draw 1 not announced: $(cat "$work/stderr")"
# Quotas: key 100% of the 4 eligible (K02 inspected 30 days before, K03 on the positive list),
# special ceil(50% of 4) = 2, general ceil(25% of 12) = 3; the closed enterprise is not in the population.
got=$(py "import json; d=json.load(open('$work/d1.json')); print([(s['name'], s['population'], s['excluded'], s['eligible'], s['quota']) for s in d['strata']])")
[[ $got == "[('key', 6, 2, 4, 4), ('special', 4, 0, 4, 2), ('general', 12, 0, 12, 3)]" ]] || fail "strata: $got"
got=$(py "import json; d=json.load(open('$work/d1.json')); s=[x['enterprise'] for x in d['selections']]; print(len(s), '$K02' in s, '$K03' in s, '$K04' in s, '$K01' in s)")
[[ $got == "9 False False True True" ]] || fail "selections (count, K02, K03, K04, K01): $got"
# Nothing personal is published: no inspector ids or names (names_public is false).
for w in ZF00 张伟 李娜 刘洋 inspector_names; do grep -q "$w" "$work/d1.json" && fail "published list contains $w"; done
# Recusal and county in the recorded result: K01 (榆次区, ZF001 recused, ZF004 inactive) gets
# ZF002+ZF003; K06 (太谷区, ZF005 recused) gets ZF006+ZF007.
teams=$(py "
import sqlite3, json
r = json.loads(sqlite3.connect('$db').execute('select result from _draw where id = 1').fetchone()[0])
t = {s['enterprise']: sorted(s['inspectors']) for s in r['selections']}
print(t['$K01'], t['$K06'], all(len(v) == 2 for v in t.values()))")
[[ $teams == "['ZF002', 'ZF003'] ['ZF006', 'ZF007'] True" ]] || fail "teams: $teams"
# The same seed and inputs give the same draw.
run 0 "draw again" "$eco" draw --db "$db" --ruleset "$rs" --period 2026Q4 --seed 7 --as-of 2026-12-01 -o "$work/d2.json"
same=$(py "import json; a=json.load(open('$work/d1.json')); b=json.load(open('$work/d2.json')); print(a['selections'] == b['selections'] and a['inputs_sha256'] == b['inputs_sha256'])")
[[ $same == True ]] || fail "same seed, different draw"
run 0 "csv" "$eco" draw --db "$db" --ruleset "$rs" --period 2026Q4 --seed 8 --as-of 2026-12-01 --format csv
[[ $(echo "$out" | head -1) == "draw,period,stratum,enterprise,county,inspectors" ]] || fail "csv header: $(echo "$out" | head -1)"
[[ $(echo "$out" | wc -l) -eq 10 ]] || fail "csv rows: $out"
# Names are published only when the plan says so.
py "import json; p=json.load(open('$rs/draw.json')); p['inspectors']['names_public']=True; json.dump(p, open('$work/public.json','w'), ensure_ascii=False)"
run 0 "names public" "$eco" draw --db "$db" --ruleset "$rs" --plan "$work/public.json" --period 2026Q4 --seed 7 --as-of 2026-12-01
echo "$out" | grep -q '"inspector_names"' || fail "names_public: no inspector_names"
echo "$out" | grep -q 'ZF00' && fail "names_public: inspector ids published"

run 0 "verify 1" "$eco" draw --db "$db" --ruleset "$rs" --verify 1
echo "$out" | grep -q "draw 1 verified" || fail "verify 1: $out"
# The plan is an input too: verifying draw 1 against a changed rate fails.
run 1 "verify with another plan" "$eco" draw --db "$db" --ruleset "$rs" --plan "$work/public.json" --verify 1
echo "$out" | grep -q "inspector_names_public" || fail "changed plan not named: $out"
# Read-only access to the table: UPDATE and DELETE are refused by triggers.
for sql in "update _draw set seed = '8' where id = 1" "delete from _draw where id = 1"; do
  msg=$(py "
import sqlite3
c = sqlite3.connect('$db')
try:
    c.execute(\"$sql\"); c.commit(); print('changed')
except sqlite3.DatabaseError as e:
    print(e)")
  [[ $msg == "a recorded draw cannot be"* ]] || fail "$sql: $msg"
done
# A new import (an inspection of K01 on 2026-11-20) changes the inputs: verify names them.
printf 'id,enterprise_id,inspected_on\nJC-4,%s,2026-11-20\n' "$K01" > "$work/inspection.csv"
run 0 "import 2" "$eco" import --db "$db" --ruleset "$rs" "$work/inspection.csv"
run 1 "verify after import" "$eco" draw --db "$db" --ruleset "$rs" --verify 1
echo "$out" | grep -q "does NOT verify" || fail "verify after import: $out"
echo "$out" | grep -q "latest import batch 1 at the draw, now 2" || fail "batch change not named: $out"
echo "$out" | grep -q "population: changed since the draw: $K01" || fail "population change not named: $out"

# --show republishes a recorded draw from its record, whatever the store holds now.
run 0 "show 1" "$eco" draw --db "$db" --ruleset "$rs" --show 1
same=$(py "import json,sys; a=json.load(open('$work/d1.json')); b=json.loads(sys.argv[1]); print(a == b)" "$out")
[[ $same == True ]] || fail "show 1 differs from the list published by draw 1"
grep -q '"rate_source": "param draw_rate_general: fixture' "$work/d1.json" || fail "rate from the parameter: $(grep rate_source "$work/d1.json")"
# A changed parameter in the ruleset: verify names the ruleset's files and the stratum's rate.
cp -r "$rs" "$work/rs2"
sed -i 's/param draw_rate_general: double = 0.25/param draw_rate_general: double = 0.3/' "$work/rs2/ruleset.rules"
run 1 "verify with a changed rate parameter" "$eco" draw --db "$db" --ruleset "$work/rs2" --verify 1
echo "$out" | grep -q "ruleset files changed" || fail "changed ruleset not named: $out"
echo "$out" | grep -q "strata (quotas): changed since the draw: general" || fail "changed rate not named: $out"

# Usage errors exit 2 with a message.
run 2 "bad as-of" "$eco" draw --db "$db" --ruleset "$rs" --period Q --as-of 2026-02-30
grep -q -- "--as-of wants a day" "$work/stderr" || fail "bad as-of: $(cat "$work/stderr")"
py "import json; p=json.load(open('$rs/draw.json')); p['strata'][2]['rate_param']='nope'; json.dump(p, open('$work/bad.json','w'))"
run 2 "unknown rate param" "$eco" draw --db "$db" --ruleset "$rs" --plan "$work/bad.json" --period Q
grep -q 'the ruleset has no parameter "nope"' "$work/stderr" || fail "unknown param: $(cat "$work/stderr")"
run 2 "no period" "$eco" draw --db "$db" --ruleset "$rs"
grep -q -- "--period is required" "$work/stderr" || fail "no period: $(cat "$work/stderr")"
run 2 "bad seed" "$eco" draw --db "$db" --ruleset "$rs" --period Q --seed -3
run 2 "no draw 99" "$eco" draw --db "$db" --ruleset "$rs" --verify 99
grep -q "has no draw 99" "$work/stderr" || fail "no draw 99: $(cat "$work/stderr")"
py "import json; p=json.load(open('$rs/draw.json')); p['strata'][0]['rate']='120%'; json.dump(p, open('$work/bad.json','w'))"
run 2 "bad rate" "$eco" draw --db "$db" --ruleset "$rs" --plan "$work/bad.json" --period Q
grep -q "strata\[0\]: rate \"120%\" is above 100%" "$work/stderr" || fail "bad rate: $(cat "$work/stderr")"
py "import json; p=json.load(open('$rs/draw.json')); p['population']['where']={'colour':['red']}; json.dump(p, open('$work/bad.json','w'))"
run 2 "bad field" "$eco" draw --db "$db" --ruleset "$rs" --plan "$work/bad.json" --period Q
grep -q 'record enterprise has no field "colour"' "$work/stderr" || fail "bad field: $(cat "$work/stderr")"
echo '{' > "$work/broken.json"
run 2 "broken plan" "$eco" draw --db "$db" --ruleset "$rs" --plan "$work/broken.json" --period Q
grep -q "broken.json: not JSON" "$work/stderr" || fail "broken plan: $(cat "$work/stderr")"
drawn=$(py "import sqlite3; print(sqlite3.connect('$db').execute('select count(*) from _draw').fetchone()[0])")
[[ $drawn == 4 ]] || fail "draws recorded: $drawn, want 4 (failed draws record nothing)"
exit $((fails > 0))
