"""Tell the hall's displays that the queue changed, across processes and PCs.

One small interface over two engines:

- PostgreSQL: every queue transaction runs `pg_notify('counter_hall', hall_code)`;
  the notification is delivered at commit. A listener holds its own connection
  with `LISTEN counter_hall`.
- SQLite: every commit by another connection bumps `PRAGMA data_version` on the
  listener's own connection; the listener polls it (cheap: no table is read).

`wait(timeout)` blocks a worker thread (never the GUI thread) until something may
have changed; the caller then re-reads the hall. A lost connection makes `wait`
return True after a short back-off, so the caller re-reads rather than goes stale.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from typing import Protocol

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "counter_hall"
SQLITE_POLL_SECONDS = 0.05


class HallListener(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block up to `timeout` seconds; True if the hall may have changed."""

    def close(self) -> None: ...


def announce(session: Session, hall_code: str) -> None:
    """Within the queue transaction: wake the listeners when it commits (once per
    transaction and hall is enough)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    tx = session.get_transaction()
    done = session.info.get("hall_announced")
    if done is not None and done[0] is tx and done[1] == hall_code:
        return
    session.execute(select(func.pg_notify(CHANNEL, hall_code)))
    session.info["hall_announced"] = (tx, hall_code)  # the object, not its id: no reuse
    # SQLite: the commit itself bumps data_version for every other connection.


def open_listener(engine: Engine) -> HallListener:
    if engine.dialect.name == "postgresql":
        return PgListener(engine)
    if engine.dialect.name == "sqlite":
        return SqliteListener(engine.url.database or "")
    raise ValueError(f"unsupported database: {engine.dialect.name}")


class PgListener:
    def __init__(self, engine: Engine) -> None:
        url = engine.url.set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._conn = None  # type: ignore[var-annotated]
        self._connect()

    def _connect(self) -> None:
        import psycopg

        self._conn = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5)
        self._conn.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float) -> bool:
        try:
            if self._conn is None or self._conn.closed:
                self._connect()
            assert self._conn is not None
            got = False
            for _note in self._conn.notifies(timeout=timeout, stop_after=1):
                got = True
            if got:  # drain a burst so one re-read covers it
                for _note in self._conn.notifies(timeout=0.01):
                    pass
            return got
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
