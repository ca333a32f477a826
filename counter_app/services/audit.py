"""Write and read the audit trail, inside the caller's transaction (a change and its
audit row commit together, or neither)."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.domain.audit import AuditAction
from counter_app.domain.clock import CHINA, fmt_local
from counter_app.domain.roles import Actor
from counter_app.store.models import AuditEntry


@lru_cache(maxsize=1)
def workstation() -> str:
    """This PC's name as the trail shows it."""
    return socket.gethostname()[:64]


def fields(actor: Actor, action: AuditAction, subject_kind: str, **detail: Any) -> dict[str, Any]:
    """An audit row's columns but its time and subject (a server-side function that
    writes the row itself fills those in: services.queue_pg)."""
    return {
        "actor_id": actor.user_id,
        "staff_no": actor.staff_no[:32],
        "actor_name": actor.name[:64],
        "actor_role": str(actor.role),
        "workstation": workstation(),
        "window_no": (actor.window_no or "")[:8],
        "action": str(action),
        "subject_kind": subject_kind,
        "detail": {k: v for k, v in detail.items() if v is not None},
    }


def record(
    session: Session,
    now: datetime,
    actor: Actor,
    action: AuditAction,
    subject_kind: str,
    subject: str,
    **detail: Any,
) -> None:
    row = fields(actor, action, subject_kind, **detail)
    session.add(AuditEntry(at=now, subject=str(subject)[:64], **{**row, "action": action}))


@dataclass(frozen=True)
class AuditLine:
    at: str
    who: str
    role: str
    workstation: str
    window_no: str
    action: str
    action_label: str
    subject_kind: str
    subject: str
    detail: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at, "who": self.who, "role": self.role, "workstation": self.workstation,
            "window": self.window_no, "action": self.action, "action_label": self.action_label,
            "subject_kind": self.subject_kind, "subject": self.subject, "detail": self.detail,
        }


def entries(
    session: Session,
    *,
    day: date | None = None,
    subject: str | None = None,
    staff_no: str | None = None,
    limit: int = 1000,
) -> list[AuditLine]:
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if day is not None:
        start = datetime(day.year, day.month, day.day, tzinfo=CHINA)
        stmt = stmt.where(AuditEntry.at >= start, AuditEntry.at < start + timedelta(days=1))
    if subject:
        stmt = stmt.where(AuditEntry.subject == subject)
    if staff_no:
        stmt = stmt.where(AuditEntry.staff_no == staff_no)
    return [
        AuditLine(
            fmt_local(e.at), f"{e.actor_name}（{e.staff_no}）" if e.staff_no else e.actor_name,
            e.actor_role, e.workstation, e.window_no, str(e.action), AuditAction(e.action).label,
            e.subject_kind, e.subject, dict(e.detail or {}),
        )
        for e in session.scalars(stmt)
    ]
