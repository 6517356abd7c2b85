# Shared by scripts/demo and scripts/test: make .venv with Python 3.11+ and install journeymap
# (editable) with the pins of constraints.txt. Re-running is cheap when nothing changed.
ensure_venv() {
  local extras="$1"
  local python="${PYTHON:-}"
  if [ -z "$python" ]; then
    for candidate in python3.11 python3.12 python3.13 python3; do
      if command -v "$candidate" >/dev/null 2>&1; then python="$candidate"; break; fi
    done
  fi
  if [ -z "$python" ]; then
    echo "journeymap needs Python 3.11 or newer; none found on PATH (set PYTHON=/path/to/python3.11)." >&2
    exit 1
  fi
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "journeymap needs Python 3.11 or newer; $python is $("$python" --version 2>&1)." >&2
    exit 1
  fi
  if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv with $python"
    "$python" -m venv .venv
  fi
  local stamp=".venv/.journeymap-install-$(cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)-${extras//[^a-z]/}"
  if [ ! -f "$stamp" ]; then
    echo "== installing journeymap$extras"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -c constraints.txt -e "$extras"
    touch "$stamp"
  fi
}
