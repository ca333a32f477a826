"""Call next on PostgreSQL in one round trip: the server-side `counter_call_next()`
(migration 0010) does what `services.queue.call_next` does, step for step.

Why a second form of one rule: at thirty windows the ORM's dozen statements cost
~11 ms of client CPU a call, 29× the bare row-locking transaction (issue 12); the
function costs one statement (~1.5× the bare transaction's CPU). The rule itself
stays written once in Python for SQLite; tests/queue/test_call_next_parity.py plays
the same day through both engines and compares every row, so the two cannot drift
apart unseen.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from counter_app.domain import queue as rules_mod
from counter_app.domain.masking import mask_name
from counter_app.domain.queue import QueueError, ServingElsewhere, StillServing
from counter_app.services.queue_values import ANY_CURRENT, Called, Current, Hall, TicketView

#: SQLSTATE of the function's refusals (its DETAIL says which, as JSON).
REFUSED = "KB001"

# Sent by the driver itself: the statement is fixed and its values plain, and the
# SQLAlchemy statement and session around it cost more client CPU than the call.
_CALL = "SELECT counter_call_next(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"


def _finish_token(token: Current) -> str | None:
    """services.queue._names as the function reads it: '*', '#<id>' or a number."""
    if token is None or isinstance(token, bool):
        return None
    if token == ANY_CURRENT:
        return "*"
    if isinstance(token, int):
        return f"#{token}"
    return token.strip().upper()


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(UTC) if value else None


def _view(row: dict[str, Any], rules: rules_mod.QueueRules) -> TicketView:
    return TicketView(
        id=row["id"],
        number=row["number"],
        category=row["category"],
        category_name=rules.category_name(row["category"]),
        status=row["status"],
        priority=row["priority"],
        priority_reason=row["priority_reason"],
        taken_at=_time(row["taken_at"]),  # type: ignore[arg-type]
        window_no=row["window_no"],
        called_at=_time(row["last_called_at"]),
        wait_seconds=row["wait_seconds"],
        recalls=row["recalls"],
        holder=mask_name(row["holder"]) if row["holder"] else "",
        arrived_at=_time(row["arrived_at"]),
    )


def _refuse(refusal: dict[str, Any], hall: Hall, window_no: str) -> None:
    """Raise the refusal the function reported, as services.queue raises it."""
    outcome = refusal.get("outcome")
    if outcome == "paused":
        raise QueueError("本窗口已暂停服务，请先恢复服务 (F6)")
    if outcome == "elsewhere":
        raise ServingElsewhere(refusal["number"], refusal["window_no"] or "?")
    if outcome == "still_serving":
        raise StillServing(refusal["number"], refusal["id"], window_no)
    if outcome == "bad_category":
        hall.rules.category(refusal["category"])  # raises its QueueError
        raise QueueError(f"未知的业务类别：{refusal['category']}")


def call_next(
    conn: psycopg.Connection[Any],
    hall: Hall,
    window_no: str,
    *,
    teller_id: int | None,
    categories: str | None,
    finish_current: Current,
    audit: dict[str, Any] | None,
) -> Called | None:
    """services.queue.call_next on PostgreSQL (same arguments, checked by it; same
    result, same errors) on the driver's connection: in the caller's transaction,
    or in autocommit, where the one statement is a transaction by itself (the use
    case: Runtime.statement). `audit`: the audit row of the call (audit.fields)."""
    now = hall.clock()
    params = (
        hall.code, hall.today(now), window_no, now, rules_mod.rank_of(now), teller_id,
        categories, [c.prefix for c in hall.rules.categories], hall.rules.priority_run,
        _finish_token(finish_current), Jsonb(audit) if audit is not None else None,
    )
    try:
        row = conn.execute(_CALL, params).fetchone()
    except psycopg.Error as exc:
        if exc.sqlstate != REFUSED:
            raise
        _refuse(json.loads(exc.diag.message_detail or "{}"), hall, window_no)
        raise
    assert row is not None
    result = row[0]
    finished = _view(result["finished"], hall.rules) if result["finished"] else None
    if result["outcome"] == "none":
        return None
    ticket = _view(result["ticket"], hall.rules)
    return Called(ticket, window_no, rules_mod.announcement(ticket.number, window_no), finished)
