#!/usr/bin/env bash
# Builds the "fuzz" preset (clang, libFuzzer, ASan + UBSan) and runs every fuzz target for N
# seconds each (default 60), seeded from the corpora under tests/data/<target area>/.
#   scripts/fuzz.sh [seconds] [target-name-filter]
# With TANDEM_FUZZ_RUNS=N each target instead runs exactly N inputs from a fixed seed
# (TANDEM_FUZZ_SEED, default 1): the same result on every machine, which is what CI uses so
# that a run that passed here passes there. Time-bounded runs explore further; use them by hand.
# Targets run TANDEM_FUZZ_JOBS at a time (default: the number of cores), each into its own log,
# printed when it ends; every target's result is the same as when run alone.
set -euo pipefail
seconds=${1:-60}
filter=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/fuzz"

(cd "$root" && cmake --preset fuzz >/dev/null)
ninja -C "$build" -j2 $(ninja -C "$build" -t targets all | sed -n 's/^\([a-z0-9_]*_fuzz\): .*/\1/p' | sort -u)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
jobs_max=${TANDEM_FUZZ_JOBS:-$(nproc)}
logs=$(mktemp -d "${TMPDIR:-/tmp}/tandem-fuzz-logs.XXXXXX")

# One target: its seeds, its budget, its own log and artifact folder. Exit 1 on a finding.
run_target() {
  local bin=$1 name area work seeds=() budget
  name=$(basename "$bin")
  area=$(basename "$(dirname "$bin")")           # tests/fuzz/<area>/ -> tests/data/<area>/
  work=$(mktemp -d "${TMPDIR:-/tmp}/${name}.XXXXXX")
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
    return 1
  fi
  rm -rf "$work"
}

# Waits for any running target to end: prints its log, records a failure.
status=0
declare -A running=()  # pid -> target name
collect_one() {
  local pid rc=0
  wait -n -p pid "${!running[@]}" || rc=$?
  cat "$logs/${running[$pid]}.log"
  ((rc == 0)) || status=1
  unset "running[$pid]"
}

for bin in $(find "$build/tests/fuzz" -type f -name '*_fuzz' -perm -u+x | sort); do
  name=$(basename "$bin")
  [[ -n "$filter" && "$name" != *"$filter"* ]] && continue
  while ((${#running[@]} >= jobs_max)); do collect_one; done
  run_target "$bin" > "$logs/$name.log" 2>&1 &
  running[$!]=$name
done
while ((${#running[@]} > 0)); do collect_one; done
rm -rf "$logs"
exit $status
