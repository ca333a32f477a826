"""Staff accounts: tellers, back-office handlers, supervisors, administrators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.domain.roles import Role
from counter_app.store.models.base import Base
from counter_app.store.types import enum_type


class User(Base):
    """A teller, back-office handler, supervisor or administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    unit_code: Mapped[str | None] = mapped_column(String(32))  # back-office unit
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
