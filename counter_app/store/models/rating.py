"""好差评: rating sessions and their one result.

Levels are stored by meaning (`counter_app.domain.rating.Satisfaction` values),
never by a number: the numbering differs per target and is applied on export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from counter_app.domain.rating import (
    NotRatedCause,
    RatingChannel,
    RatingOutcome,
    Satisfaction,
    SessionState,
)
from counter_app.store.models.base import Base
from counter_app.store.types import enum_type


class RatingSession(Base):
    """One request for a rating of one visit (一次一评).

    visit_key names the visit: "T<ticket id>" for a queue ticket's service,
    "C<case id>" for a case accepted without a ticket. state: open / rated /
    not_rated. assess_number 1 at the window, 2 for a rating added later.
    """

    __tablename__ = "rating_sessions"
    __table_args__ = (
        Index("ix_rating_sessions_report", "hall_code", "day", "window_no", "assess_number",
              "teller_id", "visit_key", "opened_at"),
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
    channel: Mapped[RatingChannel] = mapped_column(
        enum_type(RatingChannel, "channel"), default=RatingChannel.WINDOW_PAD
    )
    trigger: Mapped[str] = mapped_column(String(16), default="key")  # key/auto/online
    assess_number: Mapped[int] = mapped_column(Integer, default=1)
    pad_session_id: Mapped[int | None] = mapped_column(BigInteger)
    # The pad's link dropped while the session was open and the host asked again:
    # a press made while the cable was out is lost at the pad (pad-protocol.md).
    reasked: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[SessionState] = mapped_column(
        enum_type(SessionState, "state"), default=SessionState.OPEN
    )
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
        Index("ix_ratings_report", "hall_code", "day", "window_no", "outcome", "satisfaction",
              "teller_id", "bad"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("rating_sessions.id", ondelete="CASCADE"))
    outcome: Mapped[RatingOutcome] = mapped_column(enum_type(RatingOutcome, "outcome"))
    satisfaction: Mapped[Satisfaction | None] = mapped_column(
        enum_type(Satisfaction, "satisfaction", length=24)
    )
    bad: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[list[Any]] = mapped_column(default=list)  # Reason values
    reasons_mask: Mapped[int] = mapped_column(Integer, default=0)  # as the pad sent it
    comment: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[NotRatedCause | None] = mapped_column(enum_type(NotRatedCause, "cause"))
    cause_detail: Mapped[str] = mapped_column(String(255), default="")
    rated_key: Mapped[str | None] = mapped_column(String(32))
    # Copies of the session's where/who/when, so reports read one table.
    hall_code: Mapped[str] = mapped_column(String(16))
    day: Mapped[str] = mapped_column(String(8))
    window_no: Mapped[str] = mapped_column(String(8), default="")
    teller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]

    session: Mapped[RatingSession] = relationship(back_populates="result")
