"""The audit trail: who looked at whose personal data, and who changed what, when,
from which PC (PIPL; domain.md §7)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.domain.audit import AuditAction
from counter_app.store.models.base import Base
from counter_app.store.types import enum_type


class AuditEntry(Base):
    """One view or change. The actor's name and role are copied: the trail stays
    readable when an account is renamed or removed."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_at", "at"),
        Index("ix_audit_entries_subject", "subject_kind", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(Integer)  # no FK: the trail outlives accounts
    staff_no: Mapped[str] = mapped_column(String(32), default="")
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    actor_role: Mapped[str] = mapped_column(String(16), default="")
    workstation: Mapped[str] = mapped_column(String(64), default="")
    window_no: Mapped[str] = mapped_column(String(8), default="")
    action: Mapped[AuditAction] = mapped_column(enum_type(AuditAction, "action", length=32))
    subject_kind: Mapped[str] = mapped_column(String(16))  # case / applicant / followup …
    subject: Mapped[str] = mapped_column(String(64))  # case number, id …
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
