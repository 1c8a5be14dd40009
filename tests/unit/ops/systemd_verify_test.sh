#!/bin/sh
# systemd-analyze verify on each unit of etc/systemd/. verify insists that ExecStart's binary
# exists, so the units are checked from a copy whose /usr/bin/ points at stand-in executables;
# every other line is verified as shipped. Any warning on stderr fails the test.
#   systemd_verify_test.sh SOURCE_DIR
set -eu
src=$1
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP: systemd-analyze not found"
  exit 77
fi
work=$(mktemp -d /tmp/tandem-units-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
for bin in tandem-mgw tandem-ca tandem-pstn; do
  printf '#!/bin/sh\nexit 0\n' >"$work/bin/$bin"
  chmod 755 "$work/bin/$bin"
done
failures=0
for unit in "$src"/etc/systemd/*.service; do
  name=$(basename "$unit")
  case "$name" in *@.service) name=$(echo "$name" | sed 's/@\.service$/@test.service/') ;; esac
  sed "s|/usr/bin/|$work/bin/|g" "$unit" >"$work/$name"
  if ! systemd-analyze verify "$work/$name" >"$work/out" 2>&1 || [ -s "$work/out" ]; then
    echo "FAIL: $name"
    cat "$work/out"
    failures=$((failures + 1))
  else
    echo "ok: $name"
  fi
done
[ "$failures" -eq 0 ]
