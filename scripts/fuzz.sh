#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build-fuzz/ and runs one of them.
# Usage: scripts/fuzz.sh [TARGET] [SECONDS] [extra libFuzzer flags...]
#   scripts/fuzz.sh parse_fuzzer 300
# The corpus lives in build-fuzz/corpus/TARGET (seeded from tests/parser and rulesets);
# crashers are written to build-fuzz/crashes/TARGET/. Commit a crasher as a regression
# case in fuzz/regressions/TARGET/ and as a unit test.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${1:-parse_fuzzer}
SECONDS_TO_RUN=${2:-60}
shift $(( $# > 2 ? 2 : $# ))
BUILD_DIR=${BUILD_DIR:-build-fuzz}
if [[ ! -f $BUILD_DIR/build.ninja ]]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DECOAUDIT_FUZZ=ON
fi
cmake --build "$BUILD_DIR" -j "${JOBS:-2}" --target "$TARGET"

CORPUS=$BUILD_DIR/corpus/$TARGET
CRASHES=$BUILD_DIR/crashes/$TARGET
mkdir -p "$CORPUS" "$CRASHES"
if [[ $TARGET == parse_fuzzer && -z $(ls -A "$CORPUS") ]]; then
  # Seed with every rule file and parser case we have.
  find tests/parser rulesets -name '*.rules' -size -64k -exec cp {} "$CORPUS"/ \; 2>/dev/null || true
  grep -h '^> ' tests/parser/expressions.txt | sed 's/^> //' | split -l 1 - "$CORPUS/expr-" || true
fi
if [[ $TARGET == json_fuzzer || $TARGET == xml_fuzzer ]] && [[ -z $(ls -A "$CORPUS") ]]; then
  # Seed with the documents the tests use and the adversarial suite's inputs.
  ext=${TARGET%_fuzzer}
  find tests fuzz/seeds/"$TARGET" -name "*.$ext" -size -64k -exec cp {} "$CORPUS"/ \; 2>/dev/null || true
fi
if [[ $TARGET == xlsx_fuzzer && -z $(ls -A "$CORPUS") ]]; then
  # Seed with a template (raw mode) and a small filled sheet's parts (structured mode).
  cp fuzz/seeds/xlsx_fuzzer/* "$CORPUS"/
fi
if [[ $TARGET == hj212_fuzzer && -z $(ls -A "$CORPUS") ]]; then
  # Seed with generated HJ 212 messages (hourly, daily, a wrong CRC).
  cp fuzz/seeds/hj212_fuzzer/* "$CORPUS"/
fi
SEEDS=()
[[ -d fuzz/regressions/$TARGET ]] && SEEDS+=("fuzz/regressions/$TARGET")
# Regressions first: each must pass before new fuzzing starts.
for f in fuzz/regressions/"$TARGET"/*; do
  [[ -f $f ]] && "$BUILD_DIR/fuzz/$TARGET" "$f" >/dev/null 2>&1 || { [[ -f $f ]] && { echo "regression fails: $f"; exit 1; }; }
done
exec "$BUILD_DIR/fuzz/$TARGET" "$CORPUS" "${SEEDS[@]}" -max_total_time="$SECONDS_TO_RUN" \
  -artifact_prefix="$CRASHES/" -max_len=65536 -timeout=10 -rss_limit_mb=3000 "$@"
