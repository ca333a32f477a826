"""Typed models of the case store (办件库) and the people who use it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from counter_app.store.types import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    """A teller, back-office handler, supervisor or administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))  # teller / backoffice / supervisor / admin
    unit_code: Mapped[str | None] = mapped_column(String(32))  # back-office unit
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class Applicant(Base):
    """A person known to the hall. The full ID number is kept; screens mask it."""

    __tablename__ = "applicants"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(32), unique=True)
    id_type: Mapped[str] = mapped_column(String(16), default="resident")
    name: Mapped[str] = mapped_column(String(128))
    phone: Mapped[str] = mapped_column(String(32), default="")
    sex: Mapped[str] = mapped_column(String(4), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CaseCounter(Base):
    """Per hall and day, the last case sequence handed out (atomic increment)."""

    __tablename__ = "case_counters"

    hall_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    """One accepted application (办件): a bundle or single items, one form, one set
    of materials. Status: accepted / complete / returned / supplement / rejected."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    hall_code: Mapped[str] = mapped_column(String(16))
    window_no: Mapped[str] = mapped_column(String(8), default="")
    teller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"), index=True)
    bundle_code: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(16), default="window")
    status: Mapped[str] = mapped_column(String(16), index=True)
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
    __table_args__ = (UniqueConstraint("case_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    item_code: Mapped[str] = mapped_column(String(32))
    item_name: Mapped[str] = mapped_column(String(128))
    unit_code: Mapped[str] = mapped_column(String(32), index=True)
    unit_name: Mapped[str] = mapped_column(String(128))
    case_kind: Mapped[str] = mapped_column(String(16))
    statutory_days: Mapped[int] = mapped_column(Integer)
    statutory_unit: Mapped[str] = mapped_column(String(16))
    committed_days: Mapped[int] = mapped_column(Integer)
    committed_unit: Mapped[str] = mapped_column(String(16))
    speedup: Mapped[bool] = mapped_column(Boolean, default=False)
    pays_money: Mapped[bool] = mapped_column(Boolean, default=False)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    due_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    instant_due_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
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
    status: Mapped[str] = mapped_column(String(16))  # received/shared/tolerated/not_needed/missing
    promised_date: Mapped[date | None] = mapped_column(Date)
    supplied_at: Mapped[datetime | None]

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


from counter_app.store import login_models, queue_models, rating_models  # noqa: E402,F401
