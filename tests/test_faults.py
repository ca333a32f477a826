"""Faults from outside: a provincial endpoint that is down, many PCs migrating the
same fresh database at once, and broken configuration files and variables."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from counter_app.store.models import OutboxMessage

ROOT = Path(__file__).resolve().parents[1]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nobody listens once it is closed


def test_flush_against_a_closed_port_tries_every_row_once_and_returns(  # type: ignore[no-untyped-def]
    runtime, run_cli, monkeypatch
) -> None:
    from counter_app.services import outbox

    rt = runtime
    now = rt.deps.clock()
    with rt.uow() as session:
        for n in range(45):  # more than two batches of 20
            outbox.enqueue(session, now, f"K{n:03d}", {"key": f"K{n:03d}"})
    monkeypatch.setenv("COUNTER_HCP_URL", f"http://127.0.0.1:{_closed_port()}/hcp")
    url = rt.engine.url.render_as_string(hide_password=False)
    started = time.monotonic()
    code, out, err = run_cli("--db", url, "outbox", "flush", "--json")
    took = time.monotonic() - started
    assert code == 1, err  # something is still waiting: exit 1, said plainly
    assert took < 30
    with rt.uow() as session:
        attempts = session.scalars(select(OutboxMessage.attempts)).all()
        pending = session.scalar(select(func.count()).where(OutboxMessage.status == "pending"))
    assert sorted(set(attempts)) == [1] and len(attempts) == 45  # each row once
    assert pending == 45
    assert "Traceback" not in err


@pytest.mark.postgres
def test_five_upgrades_at_once_on_a_fresh_database_migrate_once(pg_url: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [
        subprocess.Popen([sys.executable, "-m", "counter_main", "--db", pg_url, "db", "upgrade"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                         cwd=ROOT)
        for _ in range(5)
    ]
    results = [(p.wait(timeout=180), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert [code for code, _, _ in results] == [0] * 5, [err for _, _, err in results]
    said = [out for _, out, _ in results]
    assert sum("已创建数据库" in s for s in said) == 1  # one migrated …
    assert sum("已是最新版本" in s for s in said) == 4  # … the others found it done
    assert not any("Traceback" in err for _, _, err in results)


BROKEN_FILES = [
    ('hall_code = "37010201"\nwindow_no = "3\n', "格式错误"),  # unterminated string
    ("hall_code = 37010201\n", "hall_code"),
    ("db_url = 5\n", "db_url"),
    ('queue_categories = ["A", "B"]\n', "queue_categories"),
    ('supplement_days = "five"\n', "supplement_days"),
    ('rating_auto = "yes"\n', "rating_auto"),
    ("rating_timeout_s = 100000\n", "rating_timeout_s"),
    ("queue_recall_max = -1\n", "queue_recall_max"),
    ('suplement_days = 5\n', "suplement_days"),  # unknown key, with a suggestion
    ('window_no = "窗口三号"\n', "window_no"),
    ('hall_code = "37\\u00000102"\n', "hall_code"),  # a control character
    ("[queue]\nrecall_max = 3\n", "queue"),  # a table where a key was expected
    ('queue_categories = { A = "" }\n', "queue_categories"),
    ("followup_rectify_days = 0\n", "followup_rectify_days"),
]


@pytest.mark.parametrize(("text", "names"), BROKEN_FILES)
def test_a_broken_config_file_is_named_not_a_traceback(  # type: ignore[no-untyped-def]
    tmp_path, monkeypatch, run_cli, text, names
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("COUNTER_CONFIG", str(path))
    code, out, err = run_cli("config", "show")
    assert code == 2
    assert names in err and str(path) in err
    assert "Traceback" not in err and out == ""


def test_config_files_that_are_not_utf8_or_not_text(tmp_path, monkeypatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    for name, data, expected in (
        ("gbk.toml", 'hall_name = "济南大厅"\n'.encode("gbk"), "UTF-8"),
        ("big.toml", b"# " + b"x" * 300_000 + b"\n", "过大"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        monkeypatch.setenv("COUNTER_CONFIG", str(path))
        code, _, err = run_cli("config", "show")
        assert code == 2 and expected in err and "Traceback" not in err


@pytest.mark.parametrize(("variable", "value"), [
    ("COUNTER_SUPPLEMENT_DAYS", "abc"),
    ("COUNTER_RATING_AUTO", "maybe"),
    ("COUNTER_QUEUE_CATEGORIES", "A"),
    ("COUNTER_WINDOW_NO", "3; rm -rf"),
])
def test_a_bad_environment_variable_is_named(monkeypatch, run_cli, variable, value) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(variable, value)
    code, _, err = run_cli("config", "show")
    assert code == 2 and variable in err and "Traceback" not in err


def test_the_gui_says_what_is_wrong_with_the_config(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from ui import app

    path = tmp_path / "config.toml"
    path.write_text("hall_code = 37010201\n", encoding="utf-8")
    monkeypatch.setenv("COUNTER_CONFIG", str(path))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    assert app.run_gui("teller", ["--devices", "none"]) == 2
    assert shown and "hall_code" in shown[0] and "文本" in shown[0]
