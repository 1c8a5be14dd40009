#!/usr/bin/env bash
# Fetches only the DAHDI user header (dahdi/user.h, LGPL-2.1) from Debian's dahdi-dkms package
# into <dest>/include, without installing the package: installing it pulls dkms and kernel
# module builds. cmake/tandem_deps.cmake runs this at configure time when the header is not
# found. Needs apt-get (no root: `apt-get download` writes to the current directory).
set -euo pipefail
dest=${1:?usage: fetch-header.sh <dest-dir>}
if [[ -f "$dest/include/dahdi/user.h" ]]; then
  exit 0
fi
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || {
  echo "fetch-header: apt-get/dpkg-deb not available" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && timeout 120 apt-get download -q dahdi-dkms >/dev/null 2>"$tmp/err") || {
  echo "fetch-header: apt-get download dahdi-dkms failed: $(tail -1 "$tmp/err")" >&2; exit 1; }
dpkg-deb -x "$tmp"/dahdi-dkms_*.deb "$tmp/x"
src=$(ls -d "$tmp"/x/usr/src/dahdi-*/include | head -1)
[[ -f "$src/dahdi/user.h" ]] || { echo "fetch-header: no dahdi/user.h in the package" >&2; exit 1; }
mkdir -p "$dest/include/dahdi"
# user.h includes dahdi_config.h; nothing else from the package is needed.
cp "$src/dahdi/user.h" "$src/dahdi/dahdi_config.h" "$dest/include/dahdi/"
echo "fetch-header: $dest/include/dahdi/user.h (from $(basename "$tmp"/dahdi-dkms_*.deb))"
