"""People and units known to the hall (applicants), the history of their details,
and the 容缺 promises they broke."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.domain.applicant import ApplicantKind, IdType
from counter_app.store.models.base import Base
from counter_app.store.types import enum_type


class Applicant(Base):
    """A person (known by a certificate number) or a unit (by its 统一社会信用代码,
    kept in `id_number` with id_type "credit"). The full number is kept; screens mask
    a person's. The record holds the latest details; every change leaves the old
    values in ApplicantVersion, and each case keeps its own copy as accepted."""

    __tablename__ = "applicants"
    __table_args__ = (UniqueConstraint("kind", "id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ApplicantKind] = mapped_column(
        enum_type(ApplicantKind, "kind"), default=ApplicantKind.PERSON
    )
    id_number: Mapped[str] = mapped_column(String(32))
    id_type: Mapped[IdType] = mapped_column(enum_type(IdType, "id_type"), default=IdType.RESIDENT)
    name: Mapped[str] = mapped_column(String(128))
    phone: Mapped[str] = mapped_column(String(32), default="")
    sex: Mapped[str] = mapped_column(String(4), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(255), default="")
    legal_rep: Mapped[str] = mapped_column(String(128), default="")  # a unit's 法定代表人
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ApplicantVersion(Base):
    """The details an applicant record held until `replaced_at` (its history)."""

    __tablename__ = "applicant_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(
        ForeignKey("applicants.id", ondelete="CASCADE"), index=True
    )
    replaced_at: Mapped[datetime]
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)  # name, phone, address …


class BrokenPromise(Base):
    """A 容缺 promise not kept (the case was terminated): the applicant is not offered
    容缺 again for the period the hall configures (tolerance_ban_days)."""

    __tablename__ = "broken_promises"
    __table_args__ = (UniqueConstraint("case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    case_no: Mapped[str] = mapped_column(String(32))
    materials: Mapped[list[Any]] = mapped_column(default=list)  # names not supplied
    promised_date: Mapped[date] = mapped_column(Date)
    broken_on: Mapped[date] = mapped_column(Date, index=True)  # the day after the promise
    recorded_at: Mapped[datetime]
