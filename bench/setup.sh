#!/usr/bin/env bash
# Creates bench/.venv (git-ignored) with the Python peers the benchmark compares against:
# aiohttp (for our vLLM-style client, bench/clients/vllm_style.py) and, when they install, the
# AIPerf and GuideLLM CLIs. Safe to rerun; each peer that fails to install is reported and skipped.
set -uo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv || { echo "setup: cannot create bench/.venv with $PY" >&2; exit 1; }
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q "aiohttp>=3.9" || { echo "setup: aiohttp failed to install" >&2; exit 1; }
for peer in "$@"; do
  if .venv/bin/python -m pip install -q "$peer"; then echo "setup: installed $peer"; else echo "setup: $peer failed to install" >&2; fi
done
