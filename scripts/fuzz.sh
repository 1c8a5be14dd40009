#!/usr/bin/env bash
# Builds the "fuzz" preset (clang, libFuzzer, ASan + UBSan) and runs every fuzz target for N
# seconds each (default 60), seeded from the corpora under tests/data/<target area>/.
#   scripts/fuzz.sh [seconds] [target-name-filter]
# With TANDEM_FUZZ_RUNS=N each target instead runs exactly N inputs from a fixed seed
# (TANDEM_FUZZ_SEED, default 1): the same result on every machine, which is what CI uses so
# that a run that passed here passes there. Time-bounded runs explore further; use them by hand.
set -euo pipefail
seconds=${1:-60}
filter=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/fuzz"

(cd "$root" && cmake --preset fuzz >/dev/null)
ninja -C "$build" -j2 $(ninja -C "$build" -t targets all | sed -n 's/^\([a-z0-9_]*_fuzz\): .*/\1/p' | sort -u)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for bin in $(find "$build/tests/fuzz" -type f -name '*_fuzz' -perm -u+x | sort); do
  name=$(basename "$bin")
  [[ -n "$filter" && "$name" != *"$filter"* ]] && continue
  area=$(basename "$(dirname "$bin")")           # tests/fuzz/<area>/ -> tests/data/<area>/
  work=$(mktemp -d "${TMPDIR:-/tmp}/${name}.XXXXXX")
  seeds=()
  if [[ -d "$root/tests/data/$area" ]]; then
    while IFS= read -r d; do seeds+=("$d"); done < <(find "$root/tests/data/$area" -type d)
  fi
  echo "fuzz: $name for ${TANDEM_FUZZ_RUNS:+${TANDEM_FUZZ_RUNS} runs (seed ${TANDEM_FUZZ_SEED:-1}) or }${seconds}s (seeds: ${#seeds[@]} folders, new inputs in $work)"
  if [[ -n "${TANDEM_FUZZ_RUNS:-}" ]]; then
    budget=(-runs="$TANDEM_FUZZ_RUNS" -seed="${TANDEM_FUZZ_SEED:-1}")
  else
    budget=(-max_total_time="$seconds")
  fi
  if ! "$bin" "${budget[@]}" -max_len=8192 -timeout=10 -print_final_stats=1 \
       -artifact_prefix="$work/" "$work" "${seeds[@]}"; then
    echo "fuzz: $name FAILED; reproducer in $work" >&2
    status=1
  else
    rm -rf "$work"
  fi
done
exit $status
