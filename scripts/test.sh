#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything, fuzzes every parser
# for a bounded time (TANDEM_FUZZ_SECONDS per target, default 60; 0 skips), runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh ci
fuzz_seconds=${TANDEM_FUZZ_SECONDS:-60}
if [[ "$fuzz_seconds" != 0 ]]; then
  scripts/fuzz.sh "$fuzz_seconds" > build/fuzz.log 2>&1 || {
    echo "fuzzing found a failure: see build/fuzz.log" >&2
    tail -40 build/fuzz.log >&2
    exit 1
  }
  grep -E "^fuzz: |Done [0-9]+ runs" build/fuzz.log || true
fi
ctest --preset ci -j "$(nproc)" --timeout 600
