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
# Screening on Spark is tested in local mode: Spark needs Java 17 or newer (Debian's JRE when missing).
if ! command -v java >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "== installing Debian's Java 17 runtime for the Spark tests"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
if ! command -v java >/dev/null 2>&1; then
  echo "error: Java (17 or newer) is required for the Spark tests and could not be installed" >&2
  exit 1
fi
echo "== ruff"
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
echo "== mypy"
.venv/bin/mypy
echo "== pytest (databases: ${LAWFULREACH_TEST_DB:-sqlite})"
# One worker per core (LAWFULREACH_TEST_WORKERS overrides; 0 runs in this process, for debugging).
exec .venv/bin/pytest -n "${LAWFULREACH_TEST_WORKERS:-auto}" --db "${LAWFULREACH_TEST_DB:-sqlite}" --durations=25 "$@"
