#!/usr/bin/env bash
# Set everything up and build the bundled podcast into output/ (arguments go to `hijra-audio build`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/hijra-audio build "$@"
