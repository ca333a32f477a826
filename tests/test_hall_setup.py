"""A hall's PostgreSQL set up as docs/hall-setup.md says: `hall init` (schema and the
group roles), a login per PC, least privilege (a display reads, a kiosk takes
tickets, neither touches cases), and twenty windows starting at once migrate
nothing: the schema was migrated once, by `hall init`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.postgres


@pytest.fixture
def hall_db(pg_url: str):  # type: ignore[no-untyped-def]
    """(admin URL, role prefix); every role made is dropped afterwards."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    yield pg_url, prefix
    base = make_url(pg_url).set(drivername="postgresql", query={})
    with psycopg.connect(base.render_as_string(hide_password=False), autocommit=True) as conn:
        roles = [r for (r,) in conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (prefix + "%",))]
        for role in sorted(roles, key=lambda r: r.count("_") == 1):  # logins first
            conn.execute(f'DROP OWNED BY "{role}"')
            conn.execute(f'DROP ROLE "{role}"')


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "counter_main", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=180, input=stdin)


def test_hall_init_and_least_privilege(hall_db) -> None:  # type: ignore[no-untyped-def]
    url, prefix = hall_db
    done = cli("hall", "init", "--db", url, "--prefix", prefix, "--json")
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout)
    assert first["created"] and len(first["roles_created"]) == 3
    again = json.loads(cli("hall", "init", "--db", url, "--prefix", prefix, "--json").stdout)
    assert not again["created"] and again["roles_created"] == []  # idempotent

    pcs = {}
    for kind in ("window", "kiosk", "display"):
        made = cli("hall", "add-pc", f"{prefix}_pc_{kind}", "--kind", kind, "--db", url,
                   "--prefix", prefix, "--json")
        assert made.returncode == 0, made.stderr
        pcs[kind] = json.loads(made.stdout)["db_url"]  # trust auth here: no password needed
    kiosk, display, window = pcs["kiosk"], pcs["display"], pcs["window"]

    took = cli("queue", "take", "--category", "A", "--db", kiosk, "--json")
    assert took.returncode == 0, took.stderr
    assert json.loads(took.stdout)["ticket"] == "A001"
    assert cli("queue", "status", "--db", display).returncode == 0  # the display reads
    refused = cli("queue", "take", "--category", "A", "--db", display)
    assert refused.returncode == 3 and "无权" in refused.stderr
    assert "Traceback" not in refused.stderr
    # A kiosk reads no cases: the first account cannot even be made from it.
    no = cli("user", "add", "9000", "--name", "管理员", "--role", "admin",
             "--new-password-stdin", "--db", kiosk, stdin="secret1\n")
    assert no.returncode == 3 and "无权" in no.stderr
    yes = cli("user", "add", "9000", "--name", "管理员", "--role", "admin",
              "--new-password-stdin", "--db", window, stdin="secret1\n")
    assert yes.returncode == 0, yes.stderr


START = """
import sys
from counter_app.runtime import open_runtime
from counter_app.store import migrate
from counter_app.usecases import queue
rt = open_runtime(sys.argv[1], upgrade=False)
done = migrate.upgrade(rt.engine)   # what every window start does
queue.hall_snapshot(rt)             # and the first read
print("migrated" if done.changed else "current")
"""


@pytest.mark.slow
def test_twenty_windows_start_at_once_and_nothing_migrates_twice(hall_db) -> None:  # type: ignore[no-untyped-def]
    url, prefix = hall_db
    assert cli("hall", "init", "--db", url, "--prefix", prefix).returncode == 0
    made = cli("hall", "add-pc", f"{prefix}_pc_w", "--kind", "window", "--db", url,
               "--prefix", prefix, "--json")
    window = json.loads(made.stdout)["db_url"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", START, window], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
             for _ in range(20)]
    results = [(p.wait(timeout=300), p.stdout.read().strip(), p.stderr.read())  # type: ignore[union-attr]
               for p in procs]
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results][:2]
    assert [out for _, out, _ in results] == ["current"] * 20
