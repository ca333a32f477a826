"""A PostgreSQL command as the technician runs it (a real start, logging set up):
no English keyring warning on the console, no alembic INFO lines in the log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_real(home: Path, *args: str, backend: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), HOME=str(home),
               XDG_STATE_HOME=str(home / "state"), XDG_DATA_HOME=str(home / "data"),
               PYTHON_KEYRING_BACKEND=backend)
    return subprocess.run([sys.executable, "counter_main.py", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def test_postgres_command_without_a_keyring_is_quiet(pg_url: str, tmp_path: Path) -> None:
    # the fail backend is what keyring picks on a machine without any keyring
    done = run_real(tmp_path, "--db", pg_url, "db", "upgrade",
                    backend="keyring.backends.fail.Keyring")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    log = (tmp_path / "state" / "kuaiban-counter" / "log" / "counter.log").read_text("utf-8")
    assert "alembic" not in log
    assert "keyring" not in log.lower() or "密钥环" in log
    assert "recommended backend" not in log


def test_a_failing_keyring_is_told_in_chinese(pg_url: str, tmp_path: Path) -> None:
    done = run_real(tmp_path, "--db", pg_url, "db", "upgrade",
                    backend="tests.keyring_broken.Keyring")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("密钥环") == 1  # once, however often it is asked
    assert "locked" not in done.stderr  # the library's English text stays in the log
