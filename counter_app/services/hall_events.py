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

The listeners are in `counter_app.infra.hall_listener`; this module is the half that
runs inside the services' transactions.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "counter_hall"
# The channel as SQL, evaluated on the connection itself so that announcer and
# listener agree on it (same search_path, same schema). Channel names are
# identifiers of at most 63 bytes: a long schema name is replaced by its md5.
CHANNEL_SQL = (
    f"CASE WHEN current_schema() IS NULL OR current_schema() = 'public' THEN '{CHANNEL}'"
    f" WHEN octet_length(current_schema()) <= 50 THEN '{CHANNEL}.' || current_schema()"
    f" ELSE '{CHANNEL}.' || md5(current_schema()) END"
)


def announce(session: Session, hall_code: str) -> None:
    """Within the queue transaction: wake the listeners when it commits (once per
    transaction and hall is enough)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    tx = session.get_transaction()
    done = session.info.get("hall_announced")
    if done is not None and done[0] is tx and done[1] == hall_code:
        return
    session.execute(select(func.pg_notify(literal_column(f"({CHANNEL_SQL})"), hall_code)))
    mark_announced(session, hall_code)


def mark_announced(session: Session, hall_code: str) -> None:
    """The wake-up of this transaction went out already (announce, or a server-side
    function that sent it itself): the next change in it sends none."""
    session.info["hall_announced"] = (session.get_transaction(), hall_code)  # the object: no reuse
    # SQLite: the commit itself bumps data_version for every other connection.
