#!/usr/bin/env bash
# Install what the tests need and run them all (ruff, then pytest on SQLite and
# PostgreSQL), in parallel: one pytest-xdist worker per core, each with its own
# HOME, data and log folders (tests/conftest.py) and its own PostgreSQL schemas.
# Pass pytest options through, e.g. `bash scripts/test.sh -m "not slow"`, or
# `-n 0` to run in one process.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh test

# The hall database for the shared-storage tests: start the local PostgreSQL if it
# is installed but not running (CI machines have it; a developer may not).
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  fi
fi

.venv/bin/ruff check .
export QT_QPA_PLATFORM=offscreen
# worksteal: the stress tests take far longer than the rest; an idle worker takes
# over what a busy one still has queued.
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" --dist worksteal "$@"
