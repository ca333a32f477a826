#!/usr/bin/env bash
# Create .venv and install the app (and, with "test", the test tools) into it.
# On a bare Debian/Ubuntu machine run as root, also installs the few system
# libraries Qt needs (offscreen and X11); elsewhere it only says what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-}"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ "$extra" = "test" ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi

qt_ok() { .venv/bin/python -c "from PySide6 import QtWidgets" >/dev/null 2>&1; }
if ! qt_ok; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "Installing the system libraries Qt needs…"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgl1 libegl1 libxkbcommon0 \
      libfontconfig1 libglib2.0-0 libdbus-1-3 >/dev/null
  else
    echo "Qt cannot load: install libgl1 libegl1 libxkbcommon0 libfontconfig1 (see docs)" >&2
  fi
fi
