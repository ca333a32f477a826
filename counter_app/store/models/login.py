"""Failed logins per typed staff number, shared by every process on the database
(see services/users.py: lockout after repeated failures)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.store.models.base import Base


class LoginGuard(Base):
    """Keyed by the staff number as typed, known or not, so an unknown number is
    locked exactly like a known one and the lock tells nothing about who exists."""

    __tablename__ = "login_guards"

    staff_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
