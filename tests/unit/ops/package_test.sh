#!/bin/sh
# Builds the Debian package from what this build tree has built and checks it with dpkg-deb:
# every built binary is in it, the units, the example configurations (as conffiles) and the
# docs are in it, and Depends names the runtime library package of each library the built
# binaries link. Binaries that were not built are reported and skipped, not faked.
#
#   package_test.sh BUILD_DIR
# Bounded: the install step copies files, cpack runs dpkg-shlibdeps once (seconds).
set -eu
build=$(cd "$1" && pwd)
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not found"
    exit 77
  fi
done

work=$(mktemp -d /tmp/tandem-package-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/stage" "$work/out"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

DESTDIR="$work/stage" cmake --install "$build" --prefix /usr >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; echo "FAIL: cmake --install"; exit 1; }
(cd "$work" && TANDEM_PACKAGE_STAGE="$work/stage" TANDEM_PACKAGE_OUT="$work/out" \
   timeout 300 cpack --config "$build/CPackStagedConfig.cmake" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; echo "FAIL: cpack"; exit 1; }
deb=$(ls "$work"/out/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { cat "$work/cpack.log"; echo "FAIL: no .deb produced"; exit 1; }

info=$(dpkg-deb --info "$deb")
contents=$(dpkg-deb --contents "$deb")
depends=$(dpkg-deb --field "$deb" Depends)
echo "package: $(basename "$deb")"
echo "Depends: $depends"

[ "$(dpkg-deb --field "$deb" Package)" = "tandem" ] || fail "package name is not tandem"
has_file() { echo "$contents" | grep -q " \./$1\$" || fail "missing $1"; }
has_dep() { echo "$depends" | grep -Eq "(^|, )$1( |,|\$)" || fail "Depends lacks $1 (needed by $2)"; }

# Binaries: present in the package exactly when built.
for bin in tandem-mgw tandem-ca tandem-pstn tandem-lab tandem-codec tandem-mgcp tandem-ctl; do
  if [ -x "$work/stage/usr/bin/$bin" ]; then
    has_file "usr/bin/$bin"
    echo "binary: $bin"
  else
    echo "not built here (skipped): $bin"
  fi
done
[ -x "$work/stage/usr/bin/tandem-ctl" ] || fail "tandem-ctl was not installed (build it first)"

# Depends: for each built binary, the package of every library it links.
needed_libs() { objdump -p "$1" 2>/dev/null | awk '/NEEDED/ {print $2}'; }
for bin in "$work"/stage/usr/bin/*; do
  for lib in $(needed_libs "$bin"); do
    case "$lib" in
      libspandsp.so.2) has_dep libspandsp2 "$(basename "$bin")" ;;
      libortp.so.15|libortp.so.16) has_dep "libortp1[56]" "$(basename "$bin")" ;;
      libpri.so.1.4) has_dep libpri1.4 "$(basename "$bin")" ;;
      libbcg729.so.0) has_dep libbcg729-0 "$(basename "$bin")" ;;
      libconfig++.so.9) has_dep "libconfig\\+\\+9v5" "$(basename "$bin")" ;;
      libsofia-sip-ua.so.0) has_dep libsofia-sip-ua0 "$(basename "$bin")" ;;
      libstdc++.so.6) has_dep libstdc\\+\\+6 "$(basename "$bin")" ;;
    esac
  done
done
has_dep libc6 "every binary"

# Units, user, configurations, docs.
for f in usr/lib/systemd/system/tandem-mgw.service usr/lib/systemd/system/tandem-ca.service \
         "usr/lib/systemd/system/tandem-pstn@.service" usr/lib/sysusers.d/tandem.conf \
         etc/tandem/mgw/e1-sim.cfg etc/tandem/ca/pstn-ip-pstn.cfg etc/tandem/pstn/exchange-e1.cfg \
         usr/share/doc/tandem/operations.md usr/share/doc/tandem/ctl.md usr/share/doc/tandem/metrics.md; do
  has_file "$f"
done
echo "$info" | grep -q " conffiles" || fail "no conffiles in the control archive"
echo "$info" | grep -q " postinst" || fail "no postinst in the control archive"
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)
echo "$conffiles" | grep -qx "/etc/tandem/mgw/e1-sim.cfg" || fail "e1-sim.cfg is not a conffile"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "package checks passed"
