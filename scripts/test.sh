#!/usr/bin/env bash
# Set everything up and run the tests (arguments go to pytest).
# The browser test of the web page needs Debian's chromium; it is installed here only when missing
# and apt is usable as root (HIJRA_NO_CHROMIUM=1 skips that). Without it, that one test skips.
# The audiobook tests read the .m4b with ffprobe (Debian's ffmpeg), installed the same way
# (HIJRA_NO_FFMPEG=1 skips that); without it, those checks skip and mutagen's still run.
# The product itself never needs a browser, nor an ffmpeg program (PyAV carries its encoder), nor node.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
if [ -z "${HIJRA_NO_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 \
    && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium for the browser test (apt-get)..." >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
    || echo "could not install chromium: the browser test will skip" >&2
fi
if [ -z "${HIJRA_NO_FFMPEG:-}" ] && ! command -v ffprobe >/dev/null 2>&1 \
    && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ffmpeg for ffprobe, which the audiobook tests read the .m4b with (apt-get)..." >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg; } >/dev/null 2>&1 \
    || echo "could not install ffmpeg: the ffprobe checks of the audiobook will skip" >&2
fi
# Two JavaScript parsers podcast apps use (podcast-partytime, rss-parser) read the feed in one test,
# when node and npm are there (HIJRA_NO_NODE=1 skips that): installed from npm into .venv/js.
if [ -z "${HIJRA_NO_NODE:-}" ] && command -v npm >/dev/null 2>&1 \
    && [ ! -d .venv/js/node_modules/podcast-partytime ] ; then
  echo "installing podcast-partytime and rss-parser for the feed test (npm)..." >&2
  mkdir -p .venv/js
  timeout 180 npm install --prefix .venv/js --no-audit --no-fund --loglevel=error --fetch-retries=1 --fetch-timeout=30000 \
      podcast-partytime@5.0.0 rss-parser@3.13.0 >/dev/null 2>&1 \
    || echo "could not install them: that feed test will skip" >&2
fi
exec .venv/bin/python -m pytest "$@"
