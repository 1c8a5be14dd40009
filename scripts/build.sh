#!/usr/bin/env bash
# Configures and builds Tandem with a CMake preset (default: ci, which treats warnings as
# errors). Usage: scripts/build.sh [preset] [extra cmake --build args...]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-ci}
shift || true
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)" "$@"
