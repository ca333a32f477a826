"""Listen for the hall's changes on a worker thread (never the GUI thread): PostgreSQL
LISTEN/NOTIFY filtered by the hall's code, SQLite's data_version (see
`counter_app.services.hall_events` for the announcing side).

`wait(timeout)` blocks until something may have changed; the caller then re-reads the
hall. A lost connection makes `wait` return True after a short back-off, so the
caller re-reads rather than goes stale.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from typing import Protocol

from sqlalchemy import Engine

from counter_app.services.hall_events import CHANNEL, CHANNEL_SQL

log = logging.getLogger(__name__)

SQLITE_POLL_SECONDS = 0.05


class HallListener(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block up to `timeout` seconds; True if the hall may have changed."""

    def close(self) -> None: ...



def open_listener(engine: Engine, hall_code: str | None = None) -> HallListener:
    """A listener for `hall_code`'s changes (None: any hall's, e.g. a tool that
    watches the whole server)."""
    if engine.dialect.name == "postgresql":
        return PgListener(engine, hall_code)
    if engine.dialect.name == "sqlite":
        return SqliteListener(engine.url.database or "")
    raise ValueError(f"unsupported database: {engine.dialect.name}")


class PgListener:
    def __init__(self, engine: Engine, hall_code: str | None = None) -> None:
        url = engine.url.set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self.hall_code = hall_code
        self.channel = ""
        self._conn = None  # type: ignore[var-annotated]
        self._connect()

    def _connect(self) -> None:
        import psycopg
        from psycopg import sql

        self._conn = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5)
        row = self._conn.execute(f"SELECT {CHANNEL_SQL}").fetchone()
        self.channel = row[0] if row else CHANNEL
        self._conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))

    def _ours(self, payload: str) -> bool:
        return self.hall_code is None or payload == self.hall_code

    def wait(self, timeout: float) -> bool:
        try:
            if self._conn is None or self._conn.closed:
                self._connect()
            assert self._conn is not None
            deadline = time.monotonic() + timeout
            while (left := deadline - time.monotonic()) > 0:
                # Each generator is run to its end: while suspended it holds the
                # connection's lock. Another hall's notifications are dropped.
                notes = list(self._conn.notifies(timeout=left, stop_after=1))
                if any(self._ours(note.payload) for note in notes):
                    list(self._conn.notifies(timeout=0))  # a burst so far: one re-read
                    return True
            return False
        except Exception as exc:  # the server went away: re-read once it is back
            log.warning("hall listener lost its connection: %s", exc)
            self.close()
            time.sleep(min(timeout, 1.0))
            return True

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # already broken
                conn.close()


class SqliteListener:
    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None

    def _current(self) -> int:
        if self._conn is None:
            self._conn = sqlite3.connect(self.path, timeout=5, check_same_thread=False)
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        try:
            if self._version is None:
                self._version = self._current()
            while True:
                version = self._current()
                if version != self._version:
                    self._version = version
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                time.sleep(min(SQLITE_POLL_SECONDS, left))
        except sqlite3.Error as exc:
            log.warning("hall listener: %s", exc)
            self.close()
            time.sleep(min(max(deadline - time.monotonic(), 0), 1.0))
            return True

    def close(self) -> None:
        conn, self._conn = self._conn, None
        self._version = None
        if conn is not None:
            conn.close()
