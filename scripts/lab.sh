#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, and runs the main job: the
# default lab (etc/lab/default.cfg) — two exchange simulators, two media gateways, the call
# agent and a SIP user agent (sipp), joined by simulated E1 trunks with ISDN PRI, RTP between
# the gateways and SIP to the user agent — runs the default scenario set (a PSTN-IP-PSTN call
# over each IP codec with audio checked both ways, the delay marker, DTMF end to end, a
# PSTN-SIP and a SIP-PSTN call, busy, unallocated), prints the table and stops the lab; then
# the codec table (every codec of the gateway's transcoder, quality and cost).
#
# Extra arguments are scenario files to run on the default lab instead of the default set.
# LAB=etc/lab/exchanges.cfg scripts/lab.sh etc/lab/scenarios/basic.scn runs another lab.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh ci
lab="${LAB:-etc/lab/default.cfg}"
scenarios=("$@")
if ((${#scenarios[@]} == 0)); then
  scenarios=(etc/lab/scenarios/pstn-ip-pstn.scn)
fi
status=0
build/ci/lab/runner/tandem-lab run "$lab" "${scenarios[@]}" || status=$?
echo
build/ci/codecs/tandem-codec demo || status=$((status ? status : $?))
exit "$status"
