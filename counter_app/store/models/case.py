"""The case store (办件库): cases, their sub-items, materials and history."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from counter_app.domain.applicant import ApplicantKind
from counter_app.domain.application import MaterialStatus
from counter_app.domain.case import CaseChannel, CaseStatus, SubItemStatus
from counter_app.domain.catalogue import CaseKind
from counter_app.store.models.base import Base
from counter_app.store.types import enum_type

if TYPE_CHECKING:
    from counter_app.store.models.applicant import Applicant
    from counter_app.store.models.user import User


class CaseCounter(Base):
    """Per hall and day, the last case sequence handed out (atomic increment)."""

    __tablename__ = "case_counters"

    hall_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    """One application (办件): a bundle or single items, one form, one set of
    materials. Status: see domain.case.CaseStatus.

    The applicant's details are kept as they were when the case was received
    (`applicant_*`): a later case of the same person or unit updates the applicant
    record, never this case. `accepted_at` is when the hall received the application
    (收件); a 一次性告知 case counts as accepted from `materials_complete_at`
    (行政许可法 §32). `completed_at` is when the case ended (办结, 终止 or 撤回)."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("channel", "application_id"),
        Index("ix_cases_hall_day", "hall_code", "accepted_at", "status", "window_no",
              "teller_id", "bundle_code", "ticket_id", "channel"),
        Index("ix_cases_hall_status", "hall_code", "status", "window_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    hall_code: Mapped[str] = mapped_column(String(16))
    window_no: Mapped[str] = mapped_column(String(8), default="")
    teller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"), index=True)
    bundle_code: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(128))
    channel: Mapped[CaseChannel] = mapped_column(
        enum_type(CaseChannel, "channel"), default=CaseChannel.WINDOW
    )
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus, "status"), index=True)
    accepted_at: Mapped[datetime] = mapped_column(index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    instant_due_at: Mapped[datetime | None]
    supplement_deadline: Mapped[date | None] = mapped_column(Date)
    situations: Mapped[dict[str, Any]] = mapped_column(default=dict)
    form_values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    credit_promise: Mapped[bool] = mapped_column(Boolean, default=False)
    tolerance_promise: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    completed_at: Mapped[datetime | None]
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    materials_complete_at: Mapped[datetime | None]
    application_id: Mapped[str | None] = mapped_column(String(64))  # the channel's own id
    applicant_kind: Mapped[ApplicantKind] = mapped_column(
        enum_type(ApplicantKind, "applicant_kind"), default=ApplicantKind.PERSON
    )
    applicant_name: Mapped[str] = mapped_column(String(128), default="")
    applicant_phone: Mapped[str] = mapped_column(String(32), default="")
    applicant_address: Mapped[str] = mapped_column(String(255), default="")
    applicant_legal_rep: Mapped[str] = mapped_column(String(128), default="")
    agent_name: Mapped[str] = mapped_column(String(128), default="")  # "" = no agent
    agent_id_type: Mapped[str] = mapped_column(String(16), default="")
    agent_id_number: Mapped[str] = mapped_column(String(32), default="")
    agent_phone: Mapped[str] = mapped_column(String(32), default="")
    agent_relation: Mapped[str] = mapped_column(String(32), default="")

    applicant: Mapped[Applicant] = relationship()
    teller: Mapped[User | None] = relationship()
    items: Mapped[list[CaseItem]] = relationship(
        back_populates="case", order_by="CaseItem.seq", cascade="all, delete-orphan"
    )
    materials: Mapped[list[CaseMaterial]] = relationship(
        back_populates="case", order_by="CaseMaterial.seq", cascade="all, delete-orphan"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )


class CaseItem(Base):
    """A sub-item (拆包分办): one item of the case, routed to its responsible unit."""

    __tablename__ = "case_items"
    __table_args__ = (
        UniqueConstraint("case_id", "item_code"),
        # the day's report and the open cases' deadlines read sub-items from it alone
        Index("ix_case_items_report", "case_id", "status", "case_kind", "instant_due_at",
              "due_date", "handled_at", "item_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    item_code: Mapped[str] = mapped_column(String(32))
    item_name: Mapped[str] = mapped_column(String(128))
    basic_code: Mapped[str] = mapped_column(String(16), default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    depends_on: Mapped[list[Any]] = mapped_column(default=list)  # item codes it waits for
    unit_code: Mapped[str] = mapped_column(String(32), index=True)
    unit_name: Mapped[str] = mapped_column(String(128))
    case_kind: Mapped[CaseKind] = mapped_column(enum_type(CaseKind, "case_kind"))
    statutory_days: Mapped[int] = mapped_column(Integer)
    statutory_unit: Mapped[str] = mapped_column(String(16))
    committed_days: Mapped[int] = mapped_column(Integer)
    committed_unit: Mapped[str] = mapped_column(String(16))
    speedup: Mapped[bool] = mapped_column(Boolean, default=False)
    pays_money: Mapped[bool] = mapped_column(Boolean, default=False)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    due_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    instant_due_at: Mapped[datetime | None]
    status: Mapped[SubItemStatus] = mapped_column(
        enum_type(SubItemStatus, "status"), default=SubItemStatus.PENDING, index=True
    )
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="items")


class CaseMaterial(Base):
    """One entry of the case's one set of materials."""

    __tablename__ = "case_materials"
    __table_args__ = (UniqueConstraint("case_id", "material_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    material_code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128))
    form: Mapped[str] = mapped_column(String(24))
    count: Mapped[int] = mapped_column(Integer, default=1)
    standard: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MaterialStatus] = mapped_column(enum_type(MaterialStatus, "status"))
    promised_date: Mapped[date | None] = mapped_column(Date)
    supplied_at: Mapped[datetime | None]
    item_codes: Mapped[list[Any]] = mapped_column(default=list)  # the items that need it
    note: Mapped[str] = mapped_column(Text, default="")  # e.g. why it is exempted

    case: Mapped[Case] = relationship(back_populates="materials")


class CaseEvent(Base):
    """Who did what to a case, when (accepted, sub-item done/returned, printed …)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)

    case: Mapped[Case] = relationship(back_populates="events")
