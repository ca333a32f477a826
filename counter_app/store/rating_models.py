"""Typed models of 好差评: rating sessions and their one result, the outbox to the
provincial system, and the bad-rating follow-ups (差评工单) with their steps.

Levels are stored by meaning (`counter_app.domain.rating.Satisfaction` values),
never by a number: the numbering differs per target and is applied on export.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from counter_app.store.models import Base


class RatingSession(Base):
    """One request for a rating of one visit (一次一评).

    visit_key names the visit: "T<ticket id>" for a queue ticket's service,
    "C<case id>" for a case accepted without a ticket. state: open / rated /
    not_rated. assess_number 1 at the window, 2 for a rating added later.
    """

    __tablename__ = "rating_sessions"
    __table_args__ = (
        Index("ix_rating_sessions_day", "hall_code", "day"),
        Index("ix_rating_sessions_visit", "visit_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_key: Mapped[str] = mapped_column(String(24))
    hall_code: Mapped[str] = mapped_column(String(16))
    day: Mapped[str] = mapped_column(String(8))  # business date of the visit, YYYYMMDD
    window_no: Mapped[str] = mapped_column(String(8), default="")
    teller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    business: Mapped[str] = mapped_column(String(128), default="")
    items: Mapped[list[Any]] = mapped_column(default=list)  # [{case_no, item_code, item_name}]
    channel: Mapped[str] = mapped_column(String(16), default="pad")  # pad/soft_pad/online
    trigger: Mapped[str] = mapped_column(String(16), default="key")  # key/auto/online
    assess_number: Mapped[int] = mapped_column(Integer, default=1)
    pad_session_id: Mapped[int | None] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    result: Mapped[Rating | None] = relationship(back_populates="session", uselist=False)


class Rating(Base):
    """The one stored result of a session: a rating, or "not rated" with its cause.

    Unique session_id: a second result for a session can never be stored.
    Unique rated_key ("<visit_key>#<assess_number>", set only for a rating): a visit
    is rated once at the window and once more at most later.
    """

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("session_id"),
        UniqueConstraint("rated_key"),
        CheckConstraint(
            "(outcome = 'rated' AND satisfaction IS NOT NULL AND cause IS NULL)"
            " OR (outcome = 'not_rated' AND satisfaction IS NULL AND cause IS NOT NULL)",
            name="outcome",
        ),
        Index("ix_ratings_day", "hall_code", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("rating_sessions.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(String(16))  # rated / not_rated
    satisfaction: Mapped[str | None] = mapped_column(String(24))
    bad: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[list[Any]] = mapped_column(default=list)  # Reason values
    reasons_mask: Mapped[int] = mapped_column(Integer, default=0)  # as the pad sent it
    comment: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str | None] = mapped_column(String(16))  # NotRatedCause value
    cause_detail: Mapped[str] = mapped_column(String(255), default="")
    rated_key: Mapped[str | None] = mapped_column(String(32))
    # Copies of the session's where/who/when, so reports read one table.
    hall_code: Mapped[str] = mapped_column(String(16))
    day: Mapped[str] = mapped_column(String(8))
    window_no: Mapped[str] = mapped_column(String(8), default="")
    teller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]

    session: Mapped[RatingSession] = relationship(back_populates="result")


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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(96))  # Idempotency-Key
    target: Mapped[str] = mapped_column(String(32), default="hcp")
    kind: Mapped[str] = mapped_column(String(32), default="rating")
    rating_id: Mapped[int | None] = mapped_column(ForeignKey("ratings.id", ondelete="SET NULL"))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]


class FollowUp(Base):
    """差评工单: the handling of one bad rating, from callback to feedback.

    status: open → called_back → verified → (appealing → not_adopted | verified)
    → rectifying → rectified → closed; not_adopted → closed as well.
    """

    __tablename__ = "followups"
    __table_args__ = (
        UniqueConstraint("rating_id"),
        Index("ix_followups_hall_status", "hall_code", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id", ondelete="CASCADE"))
    hall_code: Mapped[str] = mapped_column(String(16))
    window_no: Mapped[str] = mapped_column(String(8), default="")
    teller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicants.id"))
    real_name: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    finding: Mapped[str] = mapped_column(String(16), default="")  # valid/wrong/malicious/no_basis
    opened_at: Mapped[datetime]
    callback_at: Mapped[datetime | None]
    rectify_due: Mapped[date | None] = mapped_column(Date)
    rectify_mode: Mapped[str] = mapped_column(String(16), default="")  # now/ledger/explain
    rectified_at: Mapped[datetime | None]
    report_due: Mapped[date | None] = mapped_column(Date)
    reported_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    steps: Mapped[list[FollowUpStep]] = relationship(
        back_populates="followup", order_by="FollowUpStep.id", cascade="all, delete-orphan"
    )


class FollowUpStep(Base):
    """One step of a follow-up: who did what, when."""

    __tablename__ = "followup_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    followup_id: Mapped[int] = mapped_column(
        ForeignKey("followups.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime]
    what: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)

    followup: Mapped[FollowUp] = relationship(back_populates="steps")
