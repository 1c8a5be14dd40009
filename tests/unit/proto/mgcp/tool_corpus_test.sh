#!/usr/bin/env bash
# tandem-mgcp over the corpora: every valid file decodes (exit 0) and --normalise output decodes
# again; every as_printed file and every malformed file is refused (exit 1) with the return code
# named first in its file name.
set -u
tool=$1
data=$2/tests/data/mgcp
fail=0
for f in "$data"/valid/*.mgcp; do
  if ! "$tool" --quiet "$f"; then echo "valid file refused: $f"; fail=1; continue; fi
  if ! "$tool" --normalise "$f" | "$tool" --quiet; then echo "normalised output refused: $f"; fail=1; fi
done
for f in "$data"/as_printed/*.mgcp "$data"/malformed/*.mgcp; do
  err=$("$tool" --quiet "$f" 2>&1 >/dev/null)
  rc=$?
  if [[ $rc -ne 1 ]]; then echo "exit $rc (want 1): $f"; fail=1; continue; fi
  want=$(basename "$f" | sed -n 's/^\([0-9][0-9][0-9]\)_.*/\1/p')
  [[ "$f" == */as_printed/* ]] && want=510
  got=$(printf '%s\n' "$err" | sed -n 's/.*error at byte [0-9]*: \([0-9][0-9][0-9]\) .*/\1/p' | head -1)
  if [[ "$got" != "$want" ]]; then echo "code $got (want $want): $f"; fail=1; fi
done
exit $fail
