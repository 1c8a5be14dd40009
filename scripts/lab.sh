#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, and runs the main job: a lab of
# simulated E1 trunks placing real ISDN PRI calls with real audio (tandem-lab), then the codec
# table (every codec of the gateway's transcoder, quality and cost).
#
# Today's lab is two exchange simulators joined by a sim E1 (docs/lab.md says what is not yet
# in it). Extra arguments are scenario files to run instead of the default set.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh ci
scenarios=("$@")
if ((${#scenarios[@]} == 0)); then
  scenarios=(etc/lab/scenarios/basic.scn etc/lab/scenarios/media.scn)
fi
status=0
build/ci/lab/runner/tandem-lab run etc/lab/exchanges.cfg "${scenarios[@]}" || status=$?
echo
build/ci/codecs/tandem-codec demo || status=$((status ? status : $?))
exit "$status"
