#!/usr/bin/env bash
# Installs the Debian packages EcoAudit builds and tests with. Idempotent: packages already
# present are not fetched again, and apt's index is refreshed only when something is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config python3
  libboost-dev               # Spirit X3, Geometry
  libsqlitecpp-dev libsqlite3-dev
  libspdlog-dev libfmt-dev
  libpugixml-dev nlohmann-json3-dev libcli11-dev
  libkainjow-mustache-dev libxlsxwriter-dev
  libre2-dev libssl-dev
  libcpp-httplib-dev         # the workbench's HTTP server (server/http, docs/server.md)
  libsodium-dev              # Argon2id password hashes of the accounts (app/accounts.cpp)
  libcsv-dev                 # RFC 4180 CSV reader (engine/ingest)
  libzip-dev libfreexl-dev   # .xlsx (zip) and legacy .xls workbooks (engine/ingest)
  libgtest-dev libgmock-dev libbenchmark-dev
  clang                      # libFuzzer targets (optional build)
  time                       # GNU time for peak-memory figures in benchmarks
  universal-ctags            # function lengths (tests/function_length)
  tzdata                     # IANA time zones for CEL timestamp accessors (dsl/cel/time.cpp)
  iproute2                   # ss: the server test reads the listening socket's backlog (tests/server/limits_test.py)
)
# The HTML reports' browser test (tests/reports/browser_test.sh) renders them in Debian's
# Chromium with a CJK font; the workbench's browser tests (tests/server/browser) drive it with
# chromedriver and python3-selenium (run by /usr/bin/python3). ECOAUDIT_WITH_BROWSER=0 leaves
# them out (those tests then skip).
if [[ ${ECOAUDIT_WITH_BROWSER:-1} == 1 ]]; then PACKAGES+=(chromium fonts-wqy-microhei chromium-driver python3-selenium); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then exit 0; fi

SUDO=""
if [[ $(id -u) != 0 ]]; then SUDO=sudo; fi
echo "install-deps: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
