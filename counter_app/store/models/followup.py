"""Bad-rating follow-ups (差评工单) and their steps."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from counter_app.domain.followup import FollowUpStatus, StepKind
from counter_app.store.models.base import Base
from counter_app.store.types import enum_type


class FollowUp(Base):
    """差评工单: the handling of one bad rating, from callback to feedback.

    status: open → called_back → verified → (appealing → not_adopted | verified)
    → rectifying → rectified → closed; not_adopted → closed as well.
    """

    __tablename__ = "followups"
    __table_args__ = (
        UniqueConstraint("rating_id"),
        Index("ix_followups_open", "hall_code", "status", "reported_at"),
        Index("ix_followups_hall_opened", "hall_code", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id", ondelete="CASCADE"))
    hall_code: Mapped[str] = mapped_column(String(16))
    window_no: Mapped[str] = mapped_column(String(8), default="")
    teller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicants.id"))
    real_name: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[FollowUpStatus] = mapped_column(
        enum_type(FollowUpStatus, "status"), default=FollowUpStatus.OPEN
    )
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
    kind: Mapped[StepKind] = mapped_column(enum_type(StepKind, "kind"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime]
    what: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)

    followup: Mapped[FollowUp] = relationship(back_populates="steps")
