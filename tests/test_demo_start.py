"""`counter-app demo` shows its teller window before the database exists: the window's
modules load without SQLAlchemy, and use cases asked for meanwhile wait (on their
workers) for the OpeningRuntime, then run on the open database."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from counter_app.demo import demo_teller, seed
from counter_app.runtime import (
    DatabaseNotOpened,
    DatabaseOnGuiThread,
    OpeningRuntime,
    default_deps,
    forbid_database_on,
    open_runtime,
)

ROOT = Path(__file__).resolve().parents[1]


def default_deps_settings():  # type: ignore[no-untyped-def]
    from counter_app.config import load_settings

    return load_settings()


def test_the_teller_window_loads_without_sqlalchemy() -> None:
    code = (
        "import sys\n"
        "import counter_app.demo, counter_app.runtime, ui.app, ui.windows.teller\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')]\n"
        "assert not heavy, heavy[:5]\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr


def test_the_demo_teller_is_the_one_seeded(sqlite_url: str) -> None:
    rt = open_runtime(sqlite_url)
    try:
        assert seed(rt) == demo_teller()
    finally:
        rt.close()


def test_a_use_case_waits_for_the_database_then_runs_on_it(sqlite_url: str) -> None:
    real = open_runtime(sqlite_url)
    opening = OpeningRuntime(real.settings, default_deps(), sqlite_url)
    assert opening.settings is real.settings and not opening.is_open
    assert opening.today() == real.today()  # no database needed for these
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(opening.wait()))
    worker.start()
    worker.join(0.2)
    assert worker.is_alive() and not seen  # still waiting
    opening.opened(real)
    worker.join(5)
    assert seen == [real] and real.deps is opening.deps
    with opening.read() as session:  # the open runtime's, through the stand-in
        assert session.bind is not None
    opening.close()


def test_a_database_that_does_not_open_fails_the_waiting_use_cases() -> None:
    opening = OpeningRuntime(default_deps_settings(), default_deps(), "sqlite://")
    opening.failed(OSError("磁盘已满"))
    with pytest.raises(DatabaseNotOpened, match="磁盘已满"):
        opening.wait()
    with pytest.raises(DatabaseNotOpened):
        opening.write()


def test_waiting_on_the_gui_thread_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTER_STRICT_THREADS", "1")
    opening = OpeningRuntime(default_deps_settings(), default_deps(), "sqlite://")
    forbid_database_on(threading.current_thread())
    with pytest.raises(DatabaseOnGuiThread):
        opening.wait()
