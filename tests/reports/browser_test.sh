#!/usr/bin/env bash
# Every HTML report in a real browser (Debian's chromium, headless): the demo data's sweep
# dashboard (after two recorded sweeps, so that it has a trend and changes) and audit report,
# and the hand-made screening decisions and hostile reports of report_fixture, in zh and en.
# For each: the DOM as rendered (--dump-dom) must hold the report's key sections and no element
# that loads anything; the browser's log must have no console message (a script error, a
# Content-Security-Policy violation); its network log must have no request made by the page.
# PNG screenshots (laptop and tablet widths) and an A4 PDF are kept in WORK_DIR/artefacts.
# Exit 77 (skipped) when chromium is not installed (scripts/install-deps.sh installs it).
# Usage: browser_test.sh ECOAUDIT REPORT_FIXTURE SOURCE_DIR WORK_DIR
set -uo pipefail
eco=$1 fixture=$2 src=$3 work=$4
browser=$(command -v chromium || command -v chromium-browser || true)
[[ -n $browser ]] || { echo "chromium is not installed: skipped (scripts/install-deps.sh installs it)"; exit 77; }
rs=$src/rulesets/jinzhong
rm -rf "$work" && mkdir -p "$work/html" "$work/artefacts" "$work/logs"
db=$work/store.db
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# An enterprise with a high-severity violation, an upcoming deadline and advice (the sections the
# audit page groups by severity; the coke oven enterprise's findings are advice since the ULE
# rules rest on the draft plan alone).
ent=91140781MA007DNL9X
set -e
"$eco" init --db "$db" --ruleset "$rs" >/dev/null
"$eco" import --db "$db" --ruleset "$rs" "$rs/demo" >/dev/null
"$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-10-28 >/dev/null
# Batch 2 completes coke oven F0000003: the second sweep has a resolved finding.
mkdir -p "$work/batch2"
{ head -1 "$rs/demo/facility.csv"; grep '^F0000003,' "$rs/demo/facility.csv" | sed 's/,in_progress,,/,completed,2022-10-01,/'; } >"$work/batch2/facility.csv"
"$eco" import --db "$db" --ruleset "$rs" "$work/batch2/facility.csv" >/dev/null
"$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --format html --out "$work/html/sweep.html"
"$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --no-record --format html --lang en --out "$work/html/sweep-en.html"
"$eco" audit --db "$db" --ruleset "$rs" --as-of 2026-11-28 --enterprise $ent --format html --out "$work/html/audit.html"
"$eco" audit --db "$db" --ruleset "$rs" --as-of 2026-11-28 --enterprise $ent --format html --lang en --out "$work/html/audit-en.html"
"$fixture" "$work/html"
set +e

chrome() {  # name flags...: one headless run with a fresh profile, logs kept per run
  local name=$1; shift
  local profile=$work/profile-$name
  rm -rf "$profile"
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile" \
    --host-resolver-rules="MAP * ~NOTFOUND" --enable-logging=stderr --v=0 \
    --log-net-log="$work/logs/$name.netlog.json" "$@" 2>"$work/logs/$name.stderr"
}

# Console messages (errors, CSP violations) and requests the page made (not the browser's own
# background traffic: those have no page initiator).
check_logs() {  # name
  local name=$1
  if grep -q ':CONSOLE' "$work/logs/$name.stderr"; then
    fail "$name: console message: $(grep ':CONSOLE' "$work/logs/$name.stderr" | head -3)"
  fi
  python3 - "$work/logs/$name.netlog.json" <<'PY' || fail "$name: the page made a request"
import json, sys
d = json.load(open(sys.argv[1]))
bad = set()
for e in d["events"]:
    p = e.get("params", {})
    if "url" in p and p.get("initiator") not in (None, "not an origin") and not p["url"].startswith(("file:", "data:")):
        bad.add(p["url"])
if bad:
    print("requests:", sorted(bad)); sys.exit(1)
PY
}

# The rendered DOM: the sections given, nothing that loads (script, link, img, iframe, object,
# embed, a url() in a style), and no attribute pointing outside the file.
check_dom() {  # file sections...
  local file=$1; shift
  python3 - "$file" "$@" <<'PY'
import sys
from html.parser import HTMLParser
ids, problems = set(), []
class P(HTMLParser):
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a: ids.add(a["id"])
        if "class" in a:
            for c in a["class"].split(): ids.add("." + c)
        if tag in ("script", "link", "img", "iframe", "object", "embed", "audio", "video", "source", "base"):
            problems.append("element <%s %s>" % (tag, a))
        for k, v in attrs:
            if k.startswith("on"): problems.append("handler %s=%r on <%s>" % (k, v, tag))
            if k in ("href", "src", "action", "xlink:href") and v and not v.startswith("#"):
                problems.append("%s=%r on <%s>" % (k, v, tag))
    def handle_data(self, data):
        if "url(" in data and "data:" not in data: problems.append("url() in text: " + data[:80])
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
missing = [s for s in sys.argv[2:] if s not in ids]
if missing: problems.append("missing sections: %s" % missing)
if problems:
    print("\n".join(problems[:10])); sys.exit(1)
PY
}

declare -A sections=(
  [sweep]="headline charts chart1 trend changes ranking enterprises e1 .enterprise others"
  [sweep-en]="headline charts trend changes ranking enterprises e1"
  [audit]="card records findings severity-high checklist deadlines parameters .finding .timeline"
  [audit-en]="card records findings checklist deadlines parameters"
  [screening]="decision-APP-1 decision-APP-2 decision-APP-3 .reject .conditional .approve .reasons .documents .conditions"
  [screening-en]="decision-APP-1 .reject .documents"
  [hostile-audit]="card findings checklist deadlines parameters"
  [hostile-sweep]="headline charts trend changes ranking enterprises e1"
)
for name in "${!sections[@]}"; do
  file=$work/html/$name.html
  [[ -s $file ]] || { fail "$name.html was not written"; continue; }
  chrome "$name" --dump-dom "file://$file" >"$work/artefacts/$name.dom.html"
  [[ -s $work/artefacts/$name.dom.html ]] || { fail "$name: no DOM (chromium: $(tail -3 "$work/logs/$name.stderr"))"; continue; }
  check_logs "$name"
  # shellcheck disable=SC2086
  check_dom "$work/artefacts/$name.dom.html" ${sections[$name]} || fail "$name: rendered DOM"
  # The hostile data is text in the DOM, never markup: the name appears escaped and no alert ran.
  if [[ $name == hostile-* || $name == screening* ]]; then
    grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$work/artefacts/$name.dom.html" || fail "$name: hostile name not shown as text"
  fi
  chrome "$name-laptop" --window-size=1280,1600 --screenshot="$work/artefacts/$name-laptop.png" "file://$file" >/dev/null
  chrome "$name-tablet" --window-size=768,1024 --screenshot="$work/artefacts/$name-tablet.png" "file://$file" >/dev/null
  chrome "$name-pdf" --no-pdf-header-footer --print-to-pdf="$work/artefacts/$name.pdf" "file://$file" >/dev/null
  for a in "$name-laptop.png" "$name-tablet.png" "$name.pdf"; do
    [[ -s $work/artefacts/$a ]] || fail "$name: no $a"
  done
  head -c5 "$work/artefacts/$name.pdf" | grep -q '%PDF-' || fail "$name.pdf is not a PDF"
done
# The dashboard's print: one page break per enterprise section makes it many A4 pages.
pages=$(python3 -c "import re,sys; print(len(re.findall(rb'/Type\s*/Page[^s]', open(sys.argv[1],'rb').read())))" "$work/artefacts/sweep.pdf")
sections_n=$(grep -c 'class="enterprise"' "$work/html/sweep.html")
(( pages > sections_n )) || fail "sweep.pdf has $pages pages for $sections_n enterprise sections"
echo "artefacts in $work/artefacts"
echo "$fails failures"
[[ $fails -eq 0 ]]
