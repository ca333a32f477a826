"""Call next on PostgreSQL in one round trip: the server-side `counter_call_next()`
(migration 0010) does what `services.queue.call_next` does, step for step.

Why a second form of one rule: at thirty windows the ORM's dozen statements cost
~11 ms of client CPU a call, 29× the bare row-locking transaction (issue 12); the
function costs one statement. The rule itself stays written once in Python for
SQLite; tests/queue/test_call_next_parity.py plays the same day through both
engines and compares every row, so the two cannot drift apart unseen.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import BigInteger, DateTime, Integer, String

from counter_app.domain import queue as rules_mod
from counter_app.domain.masking import mask_name
from counter_app.domain.queue import QueueError, ServingElsewhere, StillServing
from counter_app.services import hall_events
from counter_app.services.queue_values import ANY_CURRENT, Called, Current, Hall, TicketView
from counter_app.store.db import ONE_STATEMENT

#: SQLSTATE of the function's refusals (its DETAIL says which, as JSON).
REFUSED = "KB001"

_CALL = text(
    "SELECT counter_call_next(:hall, :day, :window, :now, :rank, :teller, :categories,"
    " :known, :priority_run, :finish, :audit)"
).bindparams(
    bindparam("now", type_=DateTime(timezone=True)),
    bindparam("rank", type_=BigInteger),
    bindparam("teller", type_=Integer),
    bindparam("categories", type_=String),
    bindparam("known", type_=ARRAY(String)),
    bindparam("priority_run", type_=Integer),
    bindparam("finish", type_=String),
    bindparam("audit", type_=JSONB(none_as_null=True)),
)


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
    session: Session,
    hall: Hall,
    window_no: str,
    *,
    teller_id: int | None,
    categories: str | None,
    finish_current: Current,
    audit: dict[str, Any] | None,
) -> Called | None:
    """services.queue.call_next on PostgreSQL (same arguments, same result, same
    errors); `audit`: the use case's audit row of the call, without its subject."""
    now = hall.clock()
    if session.info.get(ONE_STATEMENT):
        if session.new or session.dirty or session.deleted:  # it would not be atomic
            raise RuntimeError("call next runs alone in a one-statement session")
    else:
        session.flush()  # whatever the caller added goes first, as the ORM would
    params = {
        "hall": hall.code,
        "day": hall.today(now),
        "window": window_no,
        "now": now,
        "rank": rules_mod.rank_of(now),
        "teller": teller_id,
        "categories": categories,
        "known": [c.prefix for c in hall.rules.categories],
        "priority_run": hall.rules.priority_run,
        "finish": _finish_token(finish_current),
        "audit": audit,
    }
    try:
        result = session.execute(_CALL, params).scalar_one()
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != REFUSED:
            raise
        _refuse(json.loads(exc.orig.diag.message_detail or "{}"), hall, window_no)  # type: ignore[union-attr]
        raise
    session.expire_all()  # rows this session may hold were changed server-side
    hall_events.mark_announced(session, hall.code)
    finished = _view(result["finished"], hall.rules) if result["finished"] else None
    if result["outcome"] == "none":
        return None
    ticket = _view(result["ticket"], hall.rules)
    return Called(ticket, window_no, rules_mod.announcement(ticket.number, window_no), finished)
