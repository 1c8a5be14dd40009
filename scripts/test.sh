#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything, fuzzes every parser
# for a fixed, reproducible budget (TANDEM_FUZZ_RUNS inputs per target from a fixed seed,
# default 100000; 0 skips; scripts/fuzz.sh SECONDS explores further by time), runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh ci
export TANDEM_FUZZ_RUNS=${TANDEM_FUZZ_RUNS:-100000}
if [[ "$TANDEM_FUZZ_RUNS" != 0 ]]; then
  scripts/fuzz.sh 60 > build/fuzz.log 2>&1 || {
    echo "fuzzing found a failure: see build/fuzz.log" >&2
    tail -40 build/fuzz.log >&2
    exit 1
  }
  grep -E "^fuzz: |Done [0-9]+ runs" build/fuzz.log || true
fi
ctest --preset ci -j "$(nproc)" --timeout 600
