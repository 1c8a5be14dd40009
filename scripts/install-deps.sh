#!/usr/bin/env bash
# Installs every Debian 12 package that Tandem's build, tests, benchmarks and lab need.
# Idempotent: does nothing when all are present. Needs root (or sudo) only when installing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  # developers' compile cache (optional: -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  ccache
  # foundation
  libboost-dev libexpected-dev libspdlog-dev libfmt-dev libconfig++-dev
  # media and signalling stacks
  libsofia-sip-ua-dev libortp-dev libbctoolbox-dev libspandsp-dev libbcg729-dev
  libavcodec-dev libavutil-dev libspeexdsp-dev libgsm1-dev libpri-dev libsndfile1-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # peers and tools used by tests and the lab
  tshark sip-tester espeak-ng sox
  # tandem-pstn control protocol (JSON lines)
  nlohmann-json3-dev
  # ops: Debian package Depends (dpkg-shlibdeps) and `systemd-analyze verify` on the units
  dpkg-dev systemd
  # call agent benchmark anchor (bench/callagent): a SIP proxy the benchmark runs itself on
  # 127.0.0.1 with its own configuration; the system service is stopped and disabled below
  kamailio
  # H.248 interop test (tests/system/h248): Erlang/OTP's megaco stack as an independent MGC,
  # run by escript; erlang-dev has megaco's record definitions (include files)
  erlang-base erlang-megaco erlang-dev
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (apt-get needs it)" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# Debian's kamailio package enables and starts kamailio.service (a SIP server on port 5060)
# where systemd runs; the call agent benchmark needs only the binary and its modules. The unit
# is masked while installing (so it never starts), then unmasked and left disabled.
hold_kamailio=0
if [[ " ${missing[*]} " == *" kamailio "* && -d /run/systemd/system ]]; then
  hold_kamailio=1
  $sudo systemctl mask kamailio.service >/dev/null
fi
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
if ((hold_kamailio)); then
  $sudo systemctl unmask kamailio.service >/dev/null
  $sudo systemctl disable kamailio.service >/dev/null 2>&1 || true
fi
