#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, and runs the main job.
# Until the lab exists (issue 7) the main job is the codec demonstration: a speech sample
# transcoded through every codec, with a quality and cost table.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh ci
exec build/ci/codecs/tandem-codec demo "$@"
