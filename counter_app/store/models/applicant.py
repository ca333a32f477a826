"""People known to the hall (applicants)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.domain.application import IdType
from counter_app.store.models.base import Base
from counter_app.store.types import enum_type


class Applicant(Base):
    """A person known to the hall. The full ID number is kept; screens mask it."""

    __tablename__ = "applicants"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(32), unique=True)
    id_type: Mapped[IdType] = mapped_column(enum_type(IdType, "id_type"), default=IdType.RESIDENT)
    name: Mapped[str] = mapped_column(String(128))
    phone: Mapped[str] = mapped_column(String(32), default="")
    sex: Mapped[str] = mapped_column(String(4), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
