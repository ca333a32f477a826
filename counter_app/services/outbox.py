"""The outbox to remote systems: at-least-once delivery, exactly-once receipt.

A row is written in the same transaction as the fact it reports (a rating), so a
crash never loses one and never sends one that was rolled back. The deliverer
(`counter_app.infra.deliverer`) claims due rows with a lease, sends them
(`counter_app.infra.http_sender`) and records the verdict (`domain.outbox`).
Receipt is exactly-once because every request carries the row's idempotency key
and the receiver dedups on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from counter_app.domain.outbox import OutboxStatus
from counter_app.store.models import OutboxMessage


def enqueue(
    session: Session,
    now: datetime,
    key: str,
    payload: dict[str, Any],
    *,
    target: str = "hcp",
    kind: str = "rating",
    rating_id: int | None = None,
) -> OutboxMessage:
    """Add a row to the caller's transaction (the one that stores the fact)."""
    row = OutboxMessage(
        key=key,
        target=target,
        kind=kind,
        rating_id=rating_id,
        payload=payload,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
    )
    session.add(row)
    return row


# ---- status and repair ---------------------------------------------------------------------


@dataclass(frozen=True)
class ParkedRow:
    id: int
    key: str
    attempts: int
    last_status: int | None
    last_error: str
    created_at: datetime


@dataclass(frozen=True)
class Summary:
    pending: int
    delivered: int
    parked: int
    retrying: int  # pending rows that failed at least once
    oldest_pending: datetime | None
    parked_rows: tuple[ParkedRow, ...]
    delivered_since: datetime | None = None  # `delivered` counts from then (None: ever)

    def as_json(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "delivered": self.delivered,
            "parked": self.parked,
            "retrying": self.retrying,
            "oldest_pending": self.oldest_pending.isoformat() if self.oldest_pending else None,
            "parked_rows": [
                {
                    "id": r.id,
                    "key": r.key,
                    "attempts": r.attempts,
                    "last_status": r.last_status,
                    "last_error": r.last_error,
                    "created_at": r.created_at.isoformat(),
                }
                for r in self.parked_rows
            ],
        }


def summary(session: Session, target: str = "hcp", *,
            delivered_since: datetime | None = None) -> Summary:
    """What waits, what is parked and what was delivered: all time, or since
    `delivered_since` (the board's "today": then every count reads an index range
    bounded by what waits or by the day, never the whole history)."""

    def count(*where: Any) -> int:
        return int(session.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.target == target, *where)) or 0)

    pending = count(OutboxMessage.status == OutboxStatus.PENDING)
    parked_n = count(OutboxMessage.status == OutboxStatus.PARKED)
    if delivered_since is None:
        delivered = count(OutboxMessage.status == OutboxStatus.DELIVERED)
    else:
        delivered = count(OutboxMessage.delivered_at >= delivered_since)
    retrying = count(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.attempts > 0)
    oldest = session.scalar(
        select(func.min(OutboxMessage.created_at)).where(
            OutboxMessage.target == target, OutboxMessage.status == OutboxStatus.PENDING
        )
    )
    parked = session.execute(
        select(OutboxMessage.id, OutboxMessage.key, OutboxMessage.attempts,
               OutboxMessage.last_status, OutboxMessage.last_error, OutboxMessage.created_at)
        .where(OutboxMessage.target == target, OutboxMessage.status == OutboxStatus.PARKED)
        .order_by(OutboxMessage.id)
        .limit(200)
    ).all()
    return Summary(
        pending=pending,
        delivered=delivered,
        parked=parked_n,
        retrying=retrying,
        oldest_pending=oldest,
        parked_rows=tuple(ParkedRow(*r) for r in parked),
        delivered_since=delivered_since,
    )


def requeue_parked(session: Session, now: datetime, ids: list[int] | None = None,
                   target: str = "hcp") -> int:
    """Put parked rows back in line (after the cause was fixed); returns how many."""
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.target == target, OutboxMessage.status == OutboxStatus.PARKED)
        .values(status=OutboxStatus.PENDING, next_attempt_at=now, lease_owner=None,
                lease_until=None)
    )
    if ids:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    return int(session.execute(stmt).rowcount or 0)
