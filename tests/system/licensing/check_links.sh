#!/usr/bin/env bash
# Checks that a binary's dynamic dependencies respect Tandem's licence split (docs/licensing.md):
# libpri (GPL-2.0-only) never shares a binary with oRTP or bcg729 (GPL-3.0-or-later).
# Usage: check_links.sh BINARY forbidden-regex [forbidden-regex...]
set -euo pipefail
bin=$1; shift
[[ -x "$bin" ]] || { echo "FAIL: $bin is not an executable"; exit 1; }
deps=$(ldd "$bin") || { echo "FAIL: ldd $bin failed"; exit 1; }
status=0
for pattern in "$@"; do
  if grep -Eq "$pattern" <<<"$deps"; then
    echo "FAIL: $(basename "$bin") links $(grep -E "$pattern" <<<"$deps" | awk '{print $1}' | tr '\n' ' ')"
    status=1
  fi
done
[[ $status -eq 0 ]] && echo "ok: $(basename "$bin") links none of: $*"
exit $status
