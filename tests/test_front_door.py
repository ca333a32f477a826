"""The `counter-app` front door as a newcomer meets it: `--help` lists every command
(the windows too), `--db` works before or after the command, a closed pipe ends
quietly, and the demo leaves nothing behind when it is stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _env(**extra: str) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", **extra)


def test_help_lists_every_command(run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("--help")
    assert code == 0
    for command in ("teller", "demo", "backoffice", "supervisor", "kiosk", "display", "db",
                    "hall", "user", "config", "catalogue", "case", "queue", "rating",
                    "followup", "outbox", "report", "audit", "simulate", "device"):
        assert f"    {command} " in out, command


def test_db_before_or_after_the_command(tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    code, out, err = run_cli("db", "upgrade", "--db", url)
    assert code == 0 and "已创建数据库" in out, err
    code, out, _ = run_cli("--db", url, "db", "upgrade")
    assert code == 0 and "已是最新版本" in out
    import counter_main

    assert counter_main.split_command(["--db", url, "teller", "--devices", "none"]) == (
        "teller", ["--db", url, "--devices", "none"])


def test_a_closed_pipe_ends_quietly() -> None:
    listing = subprocess.Popen(
        [sys.executable, "-m", "counter_main", "catalogue", "list", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=ROOT,
    )
    assert listing.stdout is not None
    listing.stdout.read(200)  # `| head -c 200`
    listing.stdout.close()
    err = listing.stderr.read().decode()  # type: ignore[union-attr]
    assert listing.wait(timeout=60) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="POSIX signals")
@pytest.mark.parametrize("after_s", [0.0, 3.0], ids=["while-starting", "window-up"])
def test_the_demo_stopped_by_sigterm_leaves_nothing_behind(tmp_path, after_s) -> None:  # type: ignore[no-untyped-def]
    """A service manager's SIGTERM ends the demo cleanly whenever it comes: while the
    database is still being seeded (a CI run once sent it there and the process died
    of the signal, leaving its folder) or with the window up."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    demo = subprocess.Popen(
        [sys.executable, "-m", "counter_main", "demo", "--devices", "simulated"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(TMPDIR=str(temp)), cwd=ROOT,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not list(temp.glob("kuaiban-demo-*/*.sqlite3")):
        time.sleep(0.2)
    assert list(temp.glob("kuaiban-demo-*")), "the demo did not start"
    time.sleep(after_s)
    demo.send_signal(signal.SIGTERM)
    assert demo.wait(timeout=60) == 0, demo.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
    assert list(temp.iterdir()) == []  # database, papers and pseudo-terminals all gone


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="POSIX signals")
def test_the_login_dialog_stopped_by_sigterm_ends_quietly(tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'hall.sqlite3'}"
    assert run_cli("db", "upgrade", "--db", url)[0] == 0
    teller = subprocess.Popen(
        [sys.executable, "-m", "counter_main", "teller", "--db", url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=ROOT,
    )
    time.sleep(4)  # the login dialog up, waiting for a teller
    teller.send_signal(signal.SIGTERM)
    assert teller.wait(timeout=30) == 0
    assert "Traceback" not in teller.stderr.read().decode()  # type: ignore[union-attr]
