"""Tell the hall's displays that the queue changed, across processes and PCs.

One small interface over two engines:

- PostgreSQL: every queue transaction runs `pg_notify(channel, hall_code)`; the
  notification is delivered at commit. A listener holds its own connection with
  `LISTEN channel` and wakes only for its own hall's code (the payload), so on a
  server shared by several halls a display does not re-read for another hall's
  calls. NOTIFY channels are database-wide, not per schema: the channel is
  `counter_hall` for tables in `public` and `counter_hall.<schema>` otherwise, so
  deployments (or test runs) in different schemas of one database stay apart.
- SQLite: every commit by another connection bumps `PRAGMA data_version` on the
  listener's own connection; the listener polls it (cheap: no table is read). An
  SQLite file is one hall's, so there is nothing to filter.

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

from sqlalchemy import Engine, func, literal_column, select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "counter_hall"
SQLITE_POLL_SECONDS = 0.05
# The channel as SQL, evaluated on the connection itself so that announcer and
# listener agree on it (same search_path, same schema). Channel names are
# identifiers of at most 63 bytes: a long schema name is replaced by its md5.
_CHANNEL_SQL = (
    f"CASE WHEN current_schema() IS NULL OR current_schema() = 'public' THEN '{CHANNEL}'"
    f" WHEN octet_length(current_schema()) <= 50 THEN '{CHANNEL}.' || current_schema()"
    f" ELSE '{CHANNEL}.' || md5(current_schema()) END"
)


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
    session.execute(select(func.pg_notify(literal_column(f"({_CHANNEL_SQL})"), hall_code)))
    session.info["hall_announced"] = (tx, hall_code)  # the object, not its id: no reuse
    # SQLite: the commit itself bumps data_version for every other connection.


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
        row = self._conn.execute(f"SELECT {_CHANNEL_SQL}").fetchone()
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
                    list(self._conn.notifies(timeout=0.01))  # a burst: one re-read
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
