#!/usr/bin/env bash
# Install lawfulreach into ./.venv and screen the bundled sample prospects (embedded SQLite workspace).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_python.sh
"$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
exec .venv/bin/lawfulreach demo "$@"
