#!/usr/bin/env bash
# Installs what the tests need into .venv, then runs the fast suite (slow tests: add `-m slow`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
if [ "${CI:-}" = "true" ]; then  # CI runs the browser and Ray tests too; locally they skip until installed
  bash scripts/install-browser.sh
  .venv/bin/python -m pip install -q -e '.[ray]'
fi
export HF_HUB_OFFLINE=1
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then  # pytest: no test collected
  echo "no test was collected"
  exit 1
fi
exit "$status"
