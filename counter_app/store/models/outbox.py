"""The outbox to remote systems (the provincial 好差评 system)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.domain.outbox import OutboxStatus
from counter_app.store.models.base import Base
from counter_app.store.types import enum_type


class OutboxMessage(Base):
    """A record waiting to leave the building (at-least-once, idempotent).

    Written in the same transaction as what it reports. payload holds meanings
    (the canonical record); the target's profile turns them into codes when sent.
    status: pending / delivered / parked (a 4xx the sender cannot fix by retrying).
    A deliverer claims a row with a lease, so two PCs never send it at once.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_delivered", "target", "delivered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(96))  # Idempotency-Key
    target: Mapped[str] = mapped_column(String(32), default="hcp")
    kind: Mapped[str] = mapped_column(String(32), default="rating")
    rating_id: Mapped[int | None] = mapped_column(ForeignKey("ratings.id", ondelete="SET NULL"))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus, "status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
