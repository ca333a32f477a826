"""The database context every use case is handed, and the composition root that
opens it for the CLI and the GUI: settings, database, catalogue, calendar, clock.

A use case writes in `rt.write()` (one transaction, committed on success, rolled
back on any error) and reads in `rt.read()` (a read-only transaction that never
takes SQLite's write lock, so a long report does not hold up the windows).

The GUI marks its own thread with `forbid_database_on(thread)`: a use case that
opens a transaction there (the window would freeze) raises in tests and is
logged in production.

Importing this module does not import SQLAlchemy (a third of a second): the demo's
teller window is built and shown with an `OpeningRuntime` while the database opens
behind it, and only the worker that opens it needs the engine.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import resources
from counter_app.config import Settings, load_settings
from counter_app.domain.clock import Clock, business_date, system_clock
from counter_app.domain.workcal import WorkCalendar, load_overrides
from counter_app.services.context import Deps, Desk

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
_forbidden: dict[str, int | None] = {"thread": None}


class DatabaseOnGuiThread(RuntimeError):
    """A transaction was opened on the GUI thread (the window would freeze)."""


def forbid_database_on(thread: threading.Thread | None) -> None:
    """Mark the thread that must never wait on the database (the Qt GUI thread)."""
    _forbidden["thread"] = thread.ident if thread is not None else None


def _check_thread() -> None:
    if _forbidden["thread"] is not None and threading.get_ident() == _forbidden["thread"]:
        message = "a database transaction was opened on the GUI thread"
        if os.environ.get("COUNTER_STRICT_THREADS"):
            raise DatabaseOnGuiThread(message)
        log.error(message, stack_info=True)


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    return WorkCalendar(load_overrides(resources.HOLIDAY_OVERRIDES))


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    deps: Deps

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One read-write transaction: commit on success, roll back on any error."""
        from counter_app.store.db import unit_of_work

        _check_thread()
        with unit_of_work(self.sessions) as session:
            yield session

    @contextmanager
    def statement(self) -> Iterator[Any]:
        """PostgreSQL: the driver's connection (psycopg) from the pool, in autocommit,
        for a write that is one statement and so a transaction by itself (call next's
        server-side function): one round trip, none of BEGIN, COMMIT or the ORM's
        session around it. A statement that fails leaves nothing behind. A lost
        connection is dropped from the pool and raised as SQLAlchemy's
        OperationalError, as from any other use case (the window says 无法连接数据库)."""
        from sqlalchemy.exc import OperationalError

        _check_thread()
        lost = self.engine.dialect.loaded_dbapi.OperationalError
        pooled = self.engine.raw_connection()
        try:
            conn = pooled.driver_connection
            conn.autocommit = True
            try:
                yield conn
            except lost as exc:
                pooled.invalidate(exc)
                raise OperationalError("counter_call_next", None, exc) from exc
            if not conn.closed:
                conn.autocommit = False  # back to the pool as it came
        finally:
            pooled.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read-only transaction (no write lock on SQLite; READ ONLY on PostgreSQL)."""
        _check_thread()
        with self.read_sessions() as session, session.begin():
            yield session

    @contextmanager
    def uow(self) -> Iterator[Session]:
        """A read-write transaction for tests setting up data (no thread check);
        the application's use cases use `write` and `read`."""
        from counter_app.store.db import unit_of_work

        with unit_of_work(self.sessions) as session:
            yield session

    def today(self) -> date:
        """The hall's business date now."""
        return business_date(self.deps.clock())

    def desk(self, teller_id: int | None = None, ticket_id: int | None = None) -> Desk:
        return Desk(self.settings.hall.code, self.settings.hall.window_no, teller_id, ticket_id)

    @property
    def db_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()


def _migrate(engine: Engine) -> None:
    """Bring the schema to the shipped head: a new SQLite file is a copy of the
    migrated template when there is one; otherwise the migrations run (Alembic,
    imported only now) and a new file's result is kept as the template."""
    from counter_app.config.paths import cache_dir
    from counter_app.store import schema_version

    cache = cache_dir()
    if schema_version.copy_template(engine, cache):
        return
    from counter_app.store import migrate

    if migrate.upgrade(engine).created:
        schema_version.save_template(engine, cache)


def open_runtime(
    db_url: str | None = None,
    settings: Settings | None = None,
    *,
    upgrade: bool = True,
    clock: Clock = system_clock,
) -> Runtime:
    """Open the database (migrating it to the latest schema unless told not to)."""
    from counter_app.secrets import db_password
    from counter_app.store import schema_version
    from counter_app.store.db import (
        make_engine,
        normalize_url,
        read_session_factory,
        session_factory,
    )

    settings = settings or load_settings()
    url = normalize_url(db_url or settings.effective_db_url)
    engine = make_engine(url, password=db_password(url))
    if upgrade and not schema_version.is_current(engine):
        _migrate(engine)
    deps = default_deps(clock)
    return Runtime(settings, engine, session_factory(engine), read_session_factory(engine), deps)


def default_deps(clock: Clock = system_clock) -> Deps:
    """The shipped catalogue (from its compiled cache), the working calendar and the
    clock: what a window needs before any database is open."""
    from counter_app.catalogue import default_catalogue

    return Deps(default_catalogue(), default_calendar(), clock)


class DatabaseNotOpened(RuntimeError):
    """The database an `OpeningRuntime` waited for could not be opened."""


class OpeningRuntime:
    """A `Runtime` whose database is still being opened (the demo's: created and
    seeded) on a worker thread. `settings`, `deps`, `today()` and `desk()` answer at
    once, so a window can be built and shown before; everything else (`write`,
    `read`, `engine`…) waits until `opened(rt)`, and raises DatabaseNotOpened after
    `failed(exc)`. Waiting is for worker threads: on the GUI thread it is refused in
    tests and logged in production, like a transaction there."""

    def __init__(self, settings: Settings, deps: Deps, db_url: str) -> None:
        self.settings = settings
        self.deps = deps
        self._url = db_url  # the demo's own SQLite file: no password to hide
        self._ready = threading.Event()
        self._settle = threading.Lock()  # opened and failed may race (the demo stopped)
        self._rt: Runtime | None = None
        self._exc: BaseException | None = None

    today = Runtime.today
    desk = Runtime.desk

    @property
    def is_open(self) -> bool:
        return self._rt is not None

    @property
    def db_url(self) -> str:
        return self._rt.db_url if self._rt is not None else self._url

    def opened(self, rt: Runtime) -> None:
        with self._settle:
            if not self._ready.is_set():
                rt.deps = self.deps  # one catalogue and clock: window and use cases
                self._rt = rt
                self._ready.set()
                return
        rt.close()  # given up on meanwhile (the demo stopped)

    def failed(self, exc: BaseException) -> None:
        """No database to wait for (a second call, or one after `opened`, is ignored)."""
        with self._settle:
            if not self._ready.is_set():
                self._exc = exc
                self._ready.set()

    def wait(self) -> Runtime:
        """The runtime once its database is open (raises if it could not be)."""
        if not self._ready.is_set():
            _check_thread()
            self._ready.wait()
        if self._rt is None:
            raise DatabaseNotOpened(f"无法打开数据库：{self._exc}") from self._exc
        return self._rt

    def __getattr__(self, name: str) -> Any:  # write, read, uow, engine, sessions…
        if name.startswith("__"):  # copy, pickle and friends probing: not the database
            raise AttributeError(name)
        return getattr(self.wait(), name)

    def close(self) -> None:
        """Close the database if it was opened (call once the opener has finished)."""
        if self._rt is not None:
            self._rt.close()
