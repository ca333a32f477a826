"""`counter-app queue …` on both engines: take, call-next (or nothing waiting),
recall, no-show, transfer, done, status and stats, with --json."""

from __future__ import annotations

import io
import json
import re
import sys

from counter_app.cli import main as cli

#: Window actions are a teller's: the test logs in as the administrator 9000.
WINDOW_ACTIONS = {"call-next", "call", "recall", "no-show", "park", "unpark", "transfer", "done",
                  "pause", "resume", "reactivate", "finish", "walk-in", "arrive"}


def run_json(capsys, db_url: str, *args: str) -> dict:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert cli(["--db", db_url, *login(args[0]), "queue", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def login(command: str) -> list[str]:
    if command not in WINDOW_ACTIONS:
        return []
    sys.stdin = io.StringIO("secret1\n")
    return ["--staff-no", "9000", "--password-stdin"]


def make_admin(db_url: str) -> None:
    sys.stdin = io.StringIO("secret1\n")
    assert cli(["--db", db_url, "user", "add", "9000", "--name", "管理员", "--role", "admin",
                "--new-password-stdin"]) == 0


def test_queue_commands(db_url: str, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stdin", sys.stdin)  # restored after the test
    make_admin(db_url)
    nothing = run_json(capsys, db_url, "call-next", "--window", "1")
    assert nothing["ticket"] is None and nothing["status"] == "nothing-waiting"
    assert run_json(capsys, db_url, "take", "--category", "C")["ticket"] == "C001"
    prio = run_json(capsys, db_url, "take", "--category", "C", "--priority", "军人")
    assert (prio["ticket"], prio["priority_reason"], prio["waiting_ahead"]) == ("C002", "军人", 0)
    called = run_json(capsys, db_url, "call-next", "--window", "2")
    assert (called["ticket"], called["window"]) == ("C002", "2")
    assert called["announcement"] == "请 C002 号到 2 号窗口办理"

    capsys.readouterr()
    assert cli(["--db", db_url, *login("recall"), "queue", "recall", "--window", "2"]) == 2
    assert "刚刚呼叫过" in capsys.readouterr().err

    moved = run_json(capsys, db_url, "transfer", "--window", "2", "--to-window", "5")
    assert moved["status"] == "waiting"
    assert run_json(capsys, db_url, "call-next", "--window", "5")["ticket"] == "C002"
    back = run_json(capsys, db_url, "done", "--window", "5")
    assert back["status"] == "waiting"  # back to window 2
    assert run_json(capsys, db_url, "call-next", "--window", "2")["ticket"] == "C002"
    capsys.readouterr()  # C002 is served: a plain call-next is refused, nobody skipped
    assert cli(["--db", db_url, *login("call-next"), "queue", "call-next", "--window", "2"]) == 2
    assert "--finish C002" in capsys.readouterr().err
    assert run_json(capsys, db_url, "call-next", "--window", "2",
                    "--finish", "C002")["ticket"] == "C001"
    assert run_json(capsys, db_url, "no-show", "--window", "2")["status"] == "no_show"
    assert run_json(capsys, db_url, "reactivate", "C001")["status"] == "waiting"

    status = run_json(capsys, db_url, "status")
    assert status["waiting"]["C"] == 1 and status["waiting_total"] == 1
    assert {w["window"]: w["ticket"] for w in status["windows"]} == dict.fromkeys("125")
    stats = run_json(capsys, db_url, "stats")
    assert stats["by_category"]["C"]["taken"] == 2
    assert stats["by_window"]["2"]["no_show"] == 1
    capsys.readouterr()
    assert cli(["--db", db_url, "queue", "stats"]) == 0
    heading = capsys.readouterr().out.splitlines()[0]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} 排队统计（秒）", heading), heading

    capsys.readouterr()
    assert cli(["--db", db_url, "queue", "take", "--category", "Q"]) == 2
    assert "没有业务类别 Q" in capsys.readouterr().err
    assert cli(["--db", db_url, "queue", "status"]) == 0
    assert "等候 1 人" in capsys.readouterr().out


def test_walk_in_arrive_and_finish_with_an_outcome(db_url: str, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text

    monkeypatch.setattr(sys, "stdin", sys.stdin)
    make_admin(db_url)
    walk = run_json(capsys, db_url, "walk-in", "--window", "3", "--category", "B")
    assert (walk["ticket"], walk["window"], walk["status"]) == ("B001", "3", "serving")
    arrived = run_json(capsys, db_url, "arrive", "--window", "3")
    assert arrived["arrived_at"] is not None
    capsys.readouterr()
    code = cli(["--db", db_url, *login("finish"), "queue", "finish", "--window", "3",
                "--outcome", "9"])
    assert code == 2 and "没有办理结果 9" in capsys.readouterr().err
    code = cli(["--db", db_url, *login("finish"), "queue", "finish", "--window", "3",
                "--outcome", "7"])
    assert code == 2 and "请填写说明" in capsys.readouterr().err
    done = run_json(capsys, db_url, "finish", "--window", "3", "--outcome", "5",
                    "--note", "咨询退休条件")
    assert done["status"] == "done"
    engine = create_engine(db_url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT outcome_code, note FROM ticket_transactions")).one()
    engine.dispose()
    assert tuple(row) == ("consulted", "咨询退休条件")
