"""The database context every use case is handed, and the composition root that
opens it for the CLI and the GUI: settings, database, catalogue, calendar, clock.

A use case writes in `rt.write()` (one transaction, committed on success, rolled
back on any error) and reads in `rt.read()` (a read-only transaction that never
takes SQLite's write lock, so a long report does not hold up the windows).

The GUI marks its own thread with `forbid_database_on(thread)`: a use case that
opens a transaction there (the window would freeze) raises in tests and is
logged in production.
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

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import resources
from counter_app.config import Settings, load_settings
from counter_app.domain.clock import Clock, business_date, system_clock
from counter_app.domain.workcal import WorkCalendar, load_overrides
from counter_app.secrets import db_password
from counter_app.services.context import Deps, Desk
from counter_app.store import schema_version
from counter_app.store.db import (
    make_engine,
    normalize_url,
    one_statement_session_factory,
    read_session_factory,
    session_factory,
    unit_of_work,
)

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
    one_statement_sessions: sessionmaker[Session] | None = None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One read-write transaction: commit on success, roll back on any error."""
        _check_thread()
        with unit_of_work(self.sessions) as session:
            yield session

    @contextmanager
    def write_one(self) -> Iterator[Session]:
        """A write that on PostgreSQL is one statement, a server-side function (call
        next): sent without BEGIN and COMMIT, the statement being a transaction by
        itself (one round trip, not three). Anything else written in it is refused
        (queue_pg checks). On SQLite, the same transaction as `write`."""
        _check_thread()
        with unit_of_work(self.one_statement_sessions or self.sessions) as session:
            yield session

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
    from counter_app.catalogue import default_catalogue

    settings = settings or load_settings()
    url = normalize_url(db_url or settings.effective_db_url)
    engine = make_engine(url, password=db_password(url))
    if upgrade and not schema_version.is_current(engine):
        _migrate(engine)
    deps = Deps(default_catalogue(), default_calendar(), clock)
    return Runtime(settings, engine, session_factory(engine), read_session_factory(engine), deps,
                   one_statement_session_factory(engine))
