#!/usr/bin/env bash
# Install lawfulreach with its test tools into ./.venv, then lint, type-check and run the whole suite.
# LAWFULREACH_TEST_DB chooses the databases (default: sqlite; CI: sqlite,postgresql).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_python.sh
"$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# The public pages are tested in Debian's chromium (never a downloaded browser): install it when missing.
if [ ! -x "${LAWFULREACH_CHROMIUM:-/usr/bin/chromium}" ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "== installing Debian's chromium for the browser tests"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
echo "== ruff"
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
echo "== mypy"
.venv/bin/mypy
echo "== pytest (databases: ${LAWFULREACH_TEST_DB:-sqlite})"
exec .venv/bin/pytest --db "${LAWFULREACH_TEST_DB:-sqlite}" --durations=25 "$@"
