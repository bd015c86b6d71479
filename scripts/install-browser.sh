#!/usr/bin/env bash
# Installs what the browser tests need: Debian's chromium (Playwright drives it; no browser download from
# Playwright). The Python side (playwright) comes with the `test` extra. Needs root (or sudo) and apt.
# Run by scripts/test.sh when CI=true; locally the browser tests skip with a reason until it is installed.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "chromium is installed: $(command -v chromium)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: no apt-get here; install chromium yourself and set ALHF_CHROMIUM=/path/to/chromium" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
echo "chromium installed: $(command -v chromium)"
