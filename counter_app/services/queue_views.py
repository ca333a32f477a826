"""Read-only views of the queue: one window (the teller's strip), the whole hall
(display, `queue status`), and the day's statistics (supervisor).

Times are in seconds (queue.md): wait = the call that is served − taken;
service = Σ (transaction end − start), no-show stretches excluded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter_app.domain import queue as rules_mod
from counter_app.domain.queue import TicketStatus
from counter_app.services.queue import Hall, TicketView, ticket_cases, view
from counter_app.store.models import QueueEvent, QueueWindow, Ticket, TicketTransaction

CALL_KINDS = ("call", "recall", "unpark")


@dataclass(frozen=True)
class WindowView:
    """The teller's strip: the ticket at the window, the queue behind it."""

    window_no: str
    paused: bool
    pause_reason: str
    ticket: TicketView | None
    waiting: int  # waiting for this window's categories (and sent to it)
    parked: tuple[str, ...]
    cases: tuple[str, ...]  # cases linked to the current ticket
    categories: tuple[str, ...]


def window_view(session: Session, hall: Hall, window_no: str) -> WindowView:
    win = session.get(QueueWindow, (hall.code, window_no))
    day = hall.today()
    cats = hall.rules.window_categories(win.categories if win else "")
    ticket = None
    if win is not None and win.current_ticket_id is not None:
        t = session.get(Ticket, win.current_ticket_id)
        if t is not None and t.status == TicketStatus.SERVING:
            ticket = view(t, hall.rules)
    waiting = session.scalar(
        select(func.count()).where(
            Ticket.hall_code == hall.code,
            Ticket.day == day,
            Ticket.status == TicketStatus.WAITING,
            ((Ticket.target_window.is_(None)) & Ticket.category.in_(cats))
            | (Ticket.target_window == window_no),
        )
    )
    parked = session.scalars(
        select(Ticket.number)
        .where(
            Ticket.hall_code == hall.code,
            Ticket.day == day,
            Ticket.status == TicketStatus.PARKED,
            Ticket.window_no == window_no,
        )
        .order_by(Ticket.id)
    ).all()
    cases = tuple(ticket_cases(session, ticket.id)) if ticket else ()
    return WindowView(
        window_no=window_no,
        paused=bool(win and win.paused),
        pause_reason=win.pause_reason if win else "",
        ticket=ticket,
        waiting=int(waiting or 0),
        parked=tuple(parked),
        cases=cases,
        categories=cats,
    )


@dataclass(frozen=True)
class WindowCall:
    window_no: str
    number: str  # "" when nobody is at the window
    category_name: str
    paused: bool
    pause_reason: str
    called_at: datetime | None


@dataclass(frozen=True)
class CallEvent:
    id: int
    kind: str  # call / recall / unpark
    number: str
    window_no: str
    at: datetime
    announcement: str


@dataclass(frozen=True)
class HallSnapshot:
    version: int  # the last event id: equal versions, equal hall
    windows: tuple[WindowCall, ...]
    recent: tuple[CallEvent, ...]  # newest first
    waiting: dict[str, int]  # per category prefix, every configured category
    categories: tuple[rules_mod.Category, ...]

    @property
    def waiting_total(self) -> int:
        return sum(self.waiting.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "waiting": self.waiting,
            "waiting_total": self.waiting_total,
            "categories": {c.prefix: c.name for c in self.categories},
            "windows": [
                {
                    "window": w.window_no,
                    "ticket": w.number or None,
                    "category_name": w.category_name,
                    "paused": w.paused,
                    "pause_reason": w.pause_reason,
                    "called_at": w.called_at.isoformat() if w.called_at else None,
                }
                for w in self.windows
            ],
            "recent": [
                {"id": e.id, "kind": e.kind, "ticket": e.number, "window": e.window_no,
                 "at": e.at.isoformat()}
                for e in self.recent
            ],
        }


def hall_version(session: Session, hall: Hall) -> int:
    return int(
        session.scalar(select(func.max(QueueEvent.id)).where(QueueEvent.hall_code == hall.code))
        or 0
    )


def hall_snapshot(session: Session, hall: Hall, recent: int = 8) -> HallSnapshot:
    now = hall.clock()
    day = hall.today(now)
    rows = session.execute(
        select(QueueWindow, Ticket)
        .outerjoin(Ticket, Ticket.id == QueueWindow.current_ticket_id)
        .where(QueueWindow.hall_code == hall.code)
    ).all()
    windows = []
    for win, t in rows:
        serving = t is not None and t.status == TicketStatus.SERVING and t.day == day
        windows.append(
            WindowCall(
                window_no=win.window_no,
                number=t.number if serving and t else "",
                category_name=hall.rules.category_name(t.category) if serving and t else "",
                paused=win.paused,
                pause_reason=win.pause_reason,
                called_at=t.last_called_at if serving and t else None,
            )
        )
    windows.sort(key=lambda w: (len(w.window_no), w.window_no))
    counts = dict(
        session.execute(
            select(Ticket.category, func.count())
            .where(
                Ticket.hall_code == hall.code,
                Ticket.day == day,
                Ticket.status == TicketStatus.WAITING,
            )
            .group_by(Ticket.category)
        ).all()
    )
    waiting = {c.prefix: int(counts.get(c.prefix, 0)) for c in hall.rules.categories}
    for prefix, n in counts.items():  # a category removed from the settings today
        waiting.setdefault(prefix, int(n))
    events = session.scalars(
        select(QueueEvent)
        .where(QueueEvent.hall_code == hall.code, QueueEvent.kind.in_(CALL_KINDS))
        .order_by(QueueEvent.id.desc())
        .limit(recent)
    ).all()
    calls = tuple(
        CallEvent(e.id, e.kind, e.number, e.window_no, e.at,
                  rules_mod.announcement(e.number, e.window_no))
        for e in events
        if hall.today(e.at) == day
    )
    return HallSnapshot(hall_version(session, hall), tuple(windows), calls, waiting,
                        hall.rules.categories)


# -- statistics -------------------------------------------------------------------


@dataclass
class Aggregate:
    taken: int = 0
    served: int = 0  # service stretches ended (done, transfer, park)
    no_show: int = 0
    waits: list[int] = field(default_factory=list)
    service_seconds: int = 0

    @property
    def avg_wait(self) -> float | None:
        return sum(self.waits) / len(self.waits) if self.waits else None

    @property
    def max_wait(self) -> int | None:
        return max(self.waits) if self.waits else None

    @property
    def avg_service(self) -> float | None:
        return self.service_seconds / self.served if self.served else None

    def as_json(self) -> dict[str, Any]:
        return {
            "taken": self.taken,
            "served": self.served,
            "no_show": self.no_show,
            "avg_wait_seconds": _round(self.avg_wait),
            "max_wait_seconds": self.max_wait,
            "service_seconds": self.service_seconds,
            "avg_service_seconds": _round(self.avg_service),
        }


@dataclass(frozen=True)
class TicketStat:
    number: str
    category: str
    status: str
    taken_at: datetime
    wait_seconds: int | None
    service_seconds: int
    windows: tuple[str, ...]


@dataclass(frozen=True)
class QueueStats:
    day: str
    tickets: tuple[TicketStat, ...]
    by_category: dict[str, Aggregate]
    by_window: dict[str, Aggregate]

    def as_json(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "by_category": {k: v.as_json() for k, v in self.by_category.items()},
            "by_window": {k: v.as_json() for k, v in self.by_window.items()},
            "tickets": [
                {
                    "ticket": t.number, "category": t.category, "status": t.status,
                    "taken_at": t.taken_at.isoformat(), "wait_seconds": t.wait_seconds,
                    "service_seconds": t.service_seconds, "windows": list(t.windows),
                }
                for t in self.tickets
            ],
        }


def queue_stats(session: Session, hall: Hall, day: str | None = None) -> QueueStats:
    """Per ticket, category and window, for the supervisor's summaries."""
    day = day or hall.today()
    tickets = session.scalars(
        select(Ticket).where(Ticket.hall_code == hall.code, Ticket.day == day).order_by(Ticket.id)
    ).all()
    txs = session.scalars(
        select(TicketTransaction)
        .join(Ticket, Ticket.id == TicketTransaction.ticket_id)
        .where(Ticket.hall_code == hall.code, Ticket.day == day)
        .order_by(TicketTransaction.id)
    ).all()
    by_ticket: dict[int, list[TicketTransaction]] = defaultdict(list)
    for tx in txs:
        by_ticket[tx.ticket_id].append(tx)
    by_category: dict[str, Aggregate] = defaultdict(Aggregate)
    by_window: dict[str, Aggregate] = defaultdict(Aggregate)
    stats: list[TicketStat] = []
    for t in tickets:
        mine = by_ticket.get(t.id, [])
        cat = by_category[t.origin_category]
        cat.taken += 1
        cat.no_show += t.no_shows
        served_at = next((x.window_no for x in mine if x.outcome != "no_show"), None)
        if t.wait_seconds is not None and (served_at or t.status == TicketStatus.SERVING):
            cat.waits.append(t.wait_seconds)
            if served_at:
                by_window[served_at].waits.append(t.wait_seconds)
        for tx in mine:
            agg = by_window[tx.window_no]
            if tx.outcome == "no_show":
                agg.no_show += 1
            elif tx.ended_at is not None:
                secs = rules_mod.seconds_between(tx.started_at, tx.ended_at) or 0
                agg.served += 1
                agg.service_seconds += secs
        if t.status == TicketStatus.DONE:
            cat.served += 1
            cat.service_seconds += t.service_seconds
        stats.append(
            TicketStat(
                t.number, t.origin_category, t.status, t.taken_at, t.wait_seconds,
                t.service_seconds, tuple(dict.fromkeys(x.window_no for x in mine)),
            )
        )
    return QueueStats(day, tuple(stats), dict(by_category), dict(by_window))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
