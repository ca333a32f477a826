"""Shared fixtures.

Storage and service tests run on both engines: the embedded SQLite (a fresh file per
test) and the hall's PostgreSQL (a fresh schema per test in database `test` at
127.0.0.1:5432, or COUNTER_TEST_PG_URL). Qt tests use the offscreen platform, set
here before anything imports Qt.

Isolation: before any test module is imported, each pytest process (the xdist
controller and every worker) points HOME and the XDG data, config, state (logs),
cache and runtime folders at a temporary folder of its own, removed when the process
ends. So no test writes into the user's folders (the app's data folder, print spool,
log, config, Qt's and fontconfig's caches), subprocesses inherit the same folders,
and parallel workers do not share any. COUNTER_* settings from the developer's
environment are dropped, so a test sees the defaults unless it sets one.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest


def _isolate_user_folders() -> Path:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    root = Path(tempfile.mkdtemp(prefix=f"kuaiban-test-{worker}-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    folders = {
        "HOME": "home",
        "USERPROFILE": "home",  # Windows
        "XDG_DATA_HOME": "home/.local/share",
        "XDG_CONFIG_HOME": "home/.config",
        "XDG_STATE_HOME": "home/.local/state",
        "XDG_CACHE_HOME": "home/.cache",
        "XDG_RUNTIME_DIR": "runtime",
        "APPDATA": "home/AppData/Roaming",  # Windows
        "LOCALAPPDATA": "home/AppData/Local",
    }
    for var, sub in folders.items():
        path = root / sub
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.environ[var] = str(path)
    for var in [v for v in os.environ if v.startswith("COUNTER_")]:
        if not var.startswith("COUNTER_TEST_"):
            del os.environ[var]
    # Never the developer's config file or keyring.
    os.environ["COUNTER_CONFIG"] = str(root / "home/.config/kuaiban-counter/config.toml")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    return root


TEST_ROOT = _isolate_user_folders()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The compiled catalogue goes to a cache folder of this test run, not the user's.
os.environ["COUNTER_CACHE_DIR"] = str(TEST_ROOT / "cache")
# A use case that opens a transaction on the GUI thread fails the test (runtime.py).
os.environ["COUNTER_STRICT_THREADS"] = "1"

PG_URL = os.environ.get("COUNTER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_URL.replace("+psycopg", ""), connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_ok() -> bool:
    ok = _pg_available()
    if not ok and os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI but not reachable at {PG_URL}")
    return ok


@pytest.fixture
def pg_url(pg_ok: bool) -> Iterator[str]:
    """A URL whose connections see a fresh, empty schema."""
    if not pg_ok:
        pytest.skip("PostgreSQL not reachable (runs in CI)")
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    base = PG_URL.replace("+psycopg", "")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return f"sqlite:///{tmp_path / 'counter.sqlite3'}"


class FakeClock:
    """A settable clock for services (timezone-aware UTC)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    # Tuesday 2026-09-29 10:00 China time
    return FakeClock(datetime(2026, 9, 29, 2, 0, tzinfo=UTC))


@pytest.fixture
def runtime(db_url: str, clock: FakeClock):  # type: ignore[no-untyped-def]
    from counter_app.config import Settings
    from counter_app.runtime import open_runtime

    rt = open_runtime(db_url, Settings.of(db_url=db_url), clock=clock)
    yield rt
    rt.close()


@pytest.fixture(autouse=True)
def _gc_on_the_gui_thread(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """As the app does (ui/bridge/gc_guard.py): in a Qt test, Python's collector runs on
    the GUI thread only; other tests keep automatic collection."""
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        yield
        return
    import gc

    from ui.bridge.gc_guard import collect_on_gui_thread

    collect_on_gui_thread(request.getfixturevalue("qapp"))
    yield
    gc.collect()  # on this (the GUI) thread, once the test's workers are done
    gc.enable()


@pytest.fixture(autouse=True)
def _gui_thread_guard_off():  # type: ignore[no-untyped-def]
    """A window arms the GUI-thread guard; it never outlives its test."""
    yield
    from counter_app.runtime import forbid_database_on

    forbid_database_on(None)


@pytest.fixture
def teller_user_factory():  # type: ignore[no-untyped-def]
    """Adds a staff member (by default the teller 张敏, 1024, password secret1) to a
    runtime and returns them as the logged-in actor."""

    def make(rt, clock, role="teller", staff_no="1024", name="张敏"):  # type: ignore[no-untyped-def]
        from counter_app.services.users import Role, actor_of, add_user

        with rt.uow() as session:
            user = add_user(session, staff_no, name, "secret1", Role(role), clock=clock)
            return actor_of(user)

    return make


@pytest.fixture
def app_context():  # type: ignore[no-untyped-def]
    """Builds the GUI's AppContext for a runtime and an actor; closed after the test."""
    made: list = []

    def make(rt, actor=None, devices=None):  # type: ignore[no-untyped-def]
        from ui.context import AppContext

        ctx = AppContext(rt, actor, devices)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture
def teller_window(qtbot, tmp_path, clock, teller_user_factory, app_context):  # type: ignore[no-untyped-def]
    """The teller workstation at window 3 on a fresh SQLite file, shown at 1366×768."""
    from counter_app.config import Settings
    from counter_app.runtime import open_runtime
    from ui.windows.teller import TellerWindow

    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    settings = Settings.of(db_url=url, papers_dir=str(tmp_path / "papers"), window_no="3")
    rt = open_runtime(url, settings, clock=clock)
    window = TellerWindow(app_context(rt, teller_user_factory(rt, clock)))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.runner.wait_idle()
    rt.close()


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `counter-app ARGS…` in this process: (exit code, stdout, stderr). `stdin`
    is what the command reads from standard input (a password with --password-stdin)."""
    import io
    import sys

    from counter_app import cli

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            code = cli.main(list(args))
        except SystemExit as exc:  # argparse errors
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def staff_cli(run_cli):  # type: ignore[no-untyped-def]
    """`counter-app --staff-no N …` for a staff member whose password is secret1 (or
    the demo's 123456 for the sample staff 1001/2001/9001)."""

    def run(staff_no: str, *args: str, password: str = "secret1") -> tuple[int, str, str]:
        return run_cli("--staff-no", staff_no, "--password-stdin", *args, stdin=password + "\n")

    return run


@pytest.fixture
def stop_later():  # type: ignore[no-untyped-def]
    """Register simulators, drivers or back-ends to stop (or close) at the end of the
    test, even when it fails."""
    things: list = []

    def add(thing):  # type: ignore[no-untyped-def]
        things.append(thing)
        return thing

    yield add
    for thing in reversed(things):
        (thing.stop if hasattr(thing, "stop") else thing.close)()
