# Sourced by the scripts: pick a Python >= 3.11 (python3, else python3.13/3.12/3.11).
PY=""
for cand in python3 python3.13 python3.12 python3.11; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    PY="$cand"; break
  fi
done
if [ -z "$PY" ]; then
  echo "error: lawfulreach needs Python 3.11 or newer (none found on PATH)" >&2
  exit 1
fi
