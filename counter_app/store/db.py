"""Engines and the unit of work.

SQLite (the embedded default) runs in WAL mode with foreign keys on and a busy
timeout, so several processes on one PC can share it. PostgreSQL is the hall's
shared server; its password, if any, comes from the OS keyring, never the URL in
the config file.

The SQLite file holds ID numbers, phones and password hashes: its folder is created
0700 and the file 0600 (SQLite gives the -wal and -shm files the mode of the
database file); files of an older install that are ours are narrowed to 0600.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

# The private-file helpers live without SQLAlchemy (the log opens before the database).
from counter_app.store.files import (
    PRIVATE_DIR_MODE,
    PRIVATE_FILE_MODE,
    private_dir,
    private_file,
    private_sqlite_file,
)

__all__ = ["PRIVATE_DIR_MODE", "PRIVATE_FILE_MODE", "private_dir", "private_file",
           "private_sqlite_file"]

SQLITE_BUSY_TIMEOUT_MS = 15_000


def normalize_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` and route them to psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str, *, password: str | None = None) -> Engine:
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            private_sqlite_file(Path(database))
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if password is not None and parsed.password is None:
        parsed = parsed.set(password=password)
    engine = create_engine(parsed)
    ping_when_idle(engine)
    return engine


#: A pooled connection unused this long is pinged before it is handed out.
IDLE_PING_SECONDS = 10.0


def ping_when_idle(engine: Engine, idle: float = IDLE_PING_SECONDS) -> None:
    """Check a pooled connection before use only when it sat idle for a while (the
    server may have restarted, a cable may have been pulled): a window calling
    number after number does not pay a `SELECT 1` round trip per transaction, as
    `pool_pre_ping` would make it. A dead connection is replaced, never handed out."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record) -> None:  # type: ignore[no-untyped-def]
        record.info["counter_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn, record, _proxy) -> None:  # type: ignore[no-untyped-def]
        since = record.info.get("counter_idle_since")
        if since is None or time.monotonic() - since < idle:
            return
        try:
            with dbapi_conn.cursor() as cur:
                cur.execute("SELECT 1")
            dbapi_conn.rollback()
        except Exception as exc:  # the pool reconnects and tries again
            raise DisconnectionError(str(exc)) from exc




def _sqlite_on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    # Let SQLAlchemy, not the driver, start transactions (pysqlite's own handling
    # defers BEGIN and breaks SAVEPOINT / BEGIN IMMEDIATE).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


#: Execution option of the read-only engine (see `read_only`).
READ_ONLY = "counter_read_only"


def _sqlite_on_begin(conn) -> None:  # type: ignore[no-untyped-def]
    # A writer takes the write lock up front: two processes never interleave
    # read-then-write. A reader (WAL) takes no lock and never delays a writer.
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN DEFERRED")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def read_only(engine: Engine) -> Engine:
    """The same engine and pool, for transactions that only read: on SQLite they
    start without the write lock, on PostgreSQL as READ ONLY."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(postgresql_readonly=True, **{READ_ONLY: True})
    return engine.execution_options(**{READ_ONLY: True})


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def read_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(read_only(engine), expire_on_commit=False, autoflush=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session
