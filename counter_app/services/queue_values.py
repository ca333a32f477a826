"""The queue's values: a hall and its rules, a ticket as the screens show it, what
taking and calling a ticket return. Apart from the rules (services.queue) so the
PostgreSQL form of call next (services.queue_pg) builds the same results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from counter_app.config import QueueSettings, Settings
from counter_app.domain import queue as rules_mod
from counter_app.domain.clock import Clock, business_date, system_clock
from counter_app.domain.masking import mask_name
from counter_app.domain.queue import QueueRules, TicketStatus
from counter_app.store.models import Ticket

#: `finish_current` value that closes whatever ticket is at the window (scripts,
#: load tests); the teller's window and the CLI name the ticket instead.
ANY_CURRENT = "*"
Current = int | str | None


def rules_from(settings: QueueSettings) -> QueueRules:
    """The queue rules of the hall's settings."""
    return QueueRules(
        categories=rules_mod.parse_categories(settings.categories),
        recall_max=settings.recall_max,
        recall_gap_seconds=settings.recall_gap_seconds,
        no_show_minutes=settings.no_show_minutes,
        rejoin_behind=settings.rejoin_behind,
        walk_in_category=settings.walk_in_category.strip().upper(),
        priority_run=settings.priority_run,
        priority_age=settings.priority_age,
    )


@dataclass(frozen=True)
class Hall:
    """Which hall, by which rules, on which clock."""

    code: str
    rules: QueueRules = field(default_factory=QueueRules)
    clock: Clock = system_clock

    @classmethod
    def of(cls, settings: Settings, clock: Clock = system_clock) -> Hall:
        return cls(settings.hall.code, rules_from(settings.queue), clock)

    def today(self, now: datetime | None = None) -> str:
        return f"{business_date(now or self.clock()):%Y%m%d}"


@dataclass(frozen=True)
class TicketView:
    id: int
    number: str
    category: str
    category_name: str
    status: str
    priority: bool
    priority_reason: str
    taken_at: datetime
    window_no: str | None
    called_at: datetime | None
    wait_seconds: int | None
    recalls: int
    holder: str  # masked name of the linked applicant, "" if none
    arrived_at: datetime | None = None  # the teller confirmed the person came

    @property
    def status_label(self) -> str:
        return TicketStatus(self.status).label

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ticket": self.number,
            "category": self.category,
            "category_name": self.category_name,
            "status": self.status,
            "priority": self.priority,
            "priority_reason": self.priority_reason,
            "taken_at": self.taken_at.isoformat(),
            "window": self.window_no,
            "called_at": self.called_at.isoformat() if self.called_at else None,
            "wait_seconds": self.wait_seconds,
            "recalls": self.recalls,
            "holder": self.holder,
            "arrived_at": self.arrived_at.isoformat() if self.arrived_at else None,
        }


@dataclass(frozen=True)
class Taken:
    ticket: TicketView
    waiting_ahead: int

    def as_json(self) -> dict[str, Any]:
        return {**self.ticket.as_json(), "waiting_ahead": self.waiting_ahead}


@dataclass(frozen=True)
class Called:
    ticket: TicketView
    window_no: str
    announcement: str
    finished: TicketView | None = None  # the ticket call-next closed first

    def as_json(self) -> dict[str, Any]:
        return {
            **self.ticket.as_json(),
            "window": self.window_no,
            "announcement": self.announcement,
            "finished": self.finished.number if self.finished else None,
        }


def view(t: Ticket, rules: QueueRules) -> TicketView:
    return TicketView(
        id=t.id,
        number=t.number,
        category=t.category,
        category_name=rules.category_name(t.category),
        status=t.status,
        priority=t.priority,
        priority_reason=t.priority_reason,
        taken_at=t.taken_at,
        window_no=t.window_no,
        called_at=t.last_called_at,
        wait_seconds=t.wait_seconds,
        recalls=t.recalls,
        holder=mask_name(t.applicant.name) if t.applicant_id and t.applicant else "",
        arrived_at=t.arrived_at,
    )
