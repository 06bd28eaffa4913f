#!/usr/bin/env bash
# monitoring_test.sh ECOAUDIT RULESET GENERATOR: imports a month of HJ 212 messages for three
# demo facilities and checks the stored values, the monthly summaries (only N-flagged hours
# count), the refusal of the corrupted file with the store byte-identical, the quarantine, an
# unknown MN and the idempotence of a re-import.
set -uo pipefail
eco=$1 rs=$2 gen=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/store.db
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { sqlite3 "$db" "$1"; }
command -v sqlite3 >/dev/null || python3 -c 'import sqlite3' || fail "no sqlite3"
q() { python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print("\n".join("|".join("" if v is None else str(v) for v in r) for r in c.execute(sys.argv[2])))' "$db" "$1"; }

python3 "$gen" "$work/data" || fail "generator"
"$eco" init --db "$db" --ruleset "$rs" >/dev/null 2>&1 || fail "init"
"$eco" import --db "$db" --ruleset "$rs" "$rs/demo" >/dev/null 2>&1 || fail "demo import"
"$eco" import --db "$db" --ruleset "$rs" "$work/data/monitoring_point.csv" >/dev/null 2>&1 || fail "points import"

# The corrupted file: refused, every bad message named with file:line:column, store unchanged.
before=$(sha256sum "$db" | cut -d' ' -f1)
"$eco" import-monitoring --db "$db" --ruleset "$rs" "$work/data/hj212_corrupt.txt" >"$work/out" 2>"$work/err"
rc=$?
[[ $rc == 1 ]] || fail "corrupt file: exit $rc, expected 1: $(cat "$work/err")"
grep -q "hj212_corrupt.txt:10:[0-9]*: error\[M003\]: CRC [0-9A-F]* does not match" "$work/err" || fail "CRC error: $(cat "$work/err")"
grep -q "hj212_corrupt.txt:20:3: error\[M002\]: truncated message" "$work/err" || fail "truncation: $(cat "$work/err")"
grep -q "hj212_corrupt.txt:30:3: error\[M002\]: .*the length field says [0-9]* bytes of data segment, the line has only" "$work/err" || fail "length: $(cat "$work/err")"
grep -q "nothing was written" "$work/err" || fail "refusal summary"
[[ $(sha256sum "$db" | cut -d' ' -f1) == "$before" ]] || fail "a refused import changed the store"

# The valid month.
"$eco" import-monitoring --db "$db" --ruleset "$rs" "$work/data/hj212_month.txt" >"$work/out" 2>&1 || fail "month: $(cat "$work/out")"
grep -q "^2325 messages: 2232 hourly, 93 daily" "$work/out" || fail "month summary: $(cat "$work/out")"
[[ $(q "select count(*) from _hj212_message") == 2325 ]] || fail "stored messages: $(q 'select count(*) from _hj212_message')"
[[ $(q "select count(*) from _hj212_message where cn = 2061") == 2232 ]] || fail "hourly messages"
# CP is kept as sent: every value with its flag.
q "select cp from _hj212_message where mn = '888888800000000000000001' and cn = 2061 and data_time = 20261001000000" >"$work/cp"
grep -q "^DataTime=20261001000000;a34013-Avg=[0-9.]*,a34013-ZsAvg=[0-9.]*,.*,a34013-Flag=N;.*a19001-Flag=N$" "$work/cp" || fail "stored CP: $(cat "$work/cp")"
# Provenance: the batch, the file and the line of each value.
[[ $(q "select count(distinct d._line) from _hj212_message d join _batch_file f on f.id = d._file and f.batch = d._batch where f.path like '%hj212_month.txt' and d._line between 1 and 2325") == 2325 ]] \
  || fail "provenance"
# The summary of F0000001 NOx equals a recount of its N-flagged hourly ZsAvg in the store.
expect=$(python3 - "$db" <<'PY'
import re, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
vals = []
for (cp,) in c.execute("select cp from _hj212_message where mn = '888888800000000000000001' and cn = 2061 order by data_time"):
    f = dict(kv.split('=', 1) for kv in re.split('[;,]', cp))
    if f['a21002-Flag'] == 'N':
        vals.append(float(f['a21002-ZsAvg']))
print('|'.join(str(v) for v in [len(vals), round(sum(vals) / len(vals), 6), max(vals), sum(v > 50 for v in vals), sum(v > 100 for v in vals)]))
PY
)
got=$(q "select hours_valid, round(avg_mg_m3, 6), max_hourly_mg_m3, hours_over_ule, hours_over_permit from emission_monthly where facility_id = 'F0000001' and month = '2026-10-01' and pollutant = 'nox'")
[[ -n $got && $got == "$expect" ]] || fail "summary F0000001 nox: got '$got', expected '$expect'"
# Maintenance hours were generated at 3x the ULE limit: none of them is counted.
hours=$(q "select count(*) from _hj212_message where mn = '888888800000000000000001' and cn = 2061")
[[ ${got%%|*} -lt $hours ]] || fail "invalid hours counted: $got of $hours"
[[ $(q "select validity, outlet_id from emission_monthly where facility_id = 'F0000001' and month = '2026-10-01' and pollutant = 'nox'") == "valid|DA001" ]] || fail "validity/outlet"
[[ $(q "select count(*) from emission_monthly where month = '2026-10-01' and facility_id in ('F0000001','F0000002','F0000009')") == 9 ]] || fail "9 summaries"

# Re-importing changes nothing.
before=$(sha256sum "$db" | cut -d' ' -f1)
"$eco" import-monitoring --db "$db" --ruleset "$rs" "$work/data/hj212_month.txt" >"$work/out" 2>&1 || fail "re-import"
grep -q "nothing changed" "$work/out" || fail "re-import: $(cat "$work/out")"
[[ $(sha256sum "$db" | cut -d' ' -f1) == "$before" ]] || fail "re-import changed the store"

# Quarantine: the three bad messages are written and listed, the rest imports (here: unchanged).
"$eco" import-monitoring --db "$db" --ruleset "$rs" --quarantine "$work/q.txt" "$work/data/hj212_corrupt.txt" >"$work/out" 2>"$work/err" \
  || fail "quarantine: $(cat "$work/err")"
grep -q "quarantined 3 messages" "$work/err" || fail "quarantine list: $(cat "$work/err")"
[[ $(wc -l < "$work/q.txt") == 3 ]] || fail "quarantine file"

# An unknown MN is an error naming it; an unknown flag too.
sed -n 1p "$work/data/hj212_month.txt" | sed 's/MN=888888800000000000000001/MN=999999900000000000000001/' >"$work/unknown.txt"
python3 - "$work/unknown.txt" <<'PY'
import sys
def crc16(d):
    r = 0xFFFF
    for b in d:
        r = (r >> 8) ^ b
        for _ in range(8):
            bit = r & 1; r >>= 1
            if bit: r ^= 0xA001
    return r
line = open(sys.argv[1], 'rb').read().rstrip(b'\r\n')
seg = line[6:-4]
open(sys.argv[1], 'wb').write(line[:6] + seg + b'%04X\r\n' % crc16(seg))
flag = seg.replace(b'MN=999999900000000000000001', b'MN=888888800000000000000001').replace(b'a34013-Flag=N', b'a34013-Flag=X')
open(sys.argv[1] + '.flag', 'wb').write(b'##%04d' % len(flag) + flag + b'%04X\r\n' % crc16(flag))
PY
before=$(sha256sum "$db" | cut -d' ' -f1)
"$eco" import-monitoring --db "$db" --ruleset "$rs" "$work/unknown.txt" >"$work/out" 2>"$work/err"
[[ $? == 1 ]] || fail "unknown MN: expected exit 1"
grep -q "unknown.txt:1: error\[M006\]: MN '999999900000000000000001' is no monitoring point" "$work/err" || fail "unknown MN message: $(cat "$work/err")"
"$eco" import-monitoring --db "$db" --ruleset "$rs" "$work/unknown.txt.flag" >"$work/out" 2>"$work/err"
[[ $? == 1 ]] || fail "unknown flag: expected exit 1"
grep -q "error\[M005\]: a34013-Flag = 'X'" "$work/err" || fail "unknown flag message: $(cat "$work/err")"
[[ $(sha256sum "$db" | cut -d' ' -f1) == "$before" ]] || fail "refused imports changed the store"
echo "monitoring.cli: ok"
