#!/usr/bin/env bash
# The harness's engine script for EcoAudit: copy it to the harness's engines/ folder
# (cp -r ../shared/bench /tmp/bench; cp bench/ecoaudit.sh /tmp/bench/engines/) and run
# `./run.sh N cpp-baseline ecoaudit`. ECOAUDIT_BUILD points at the build folder.
exec "${ECOAUDIT_BUILD:-/work/main/build}/bench/sweep_bench" "$1"
