"""Reports for the supervisor (值班长): the shift / day-end summary with every rate and
its formula, its PDF and xlsx exports, and the live board (summary, follow-ups,
outbox) the supervisor view shows. All read in read-only transactions: a report
never holds up a window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from counter_app.domain.roles import Actor, Permission
from counter_app.runtime import Runtime
from counter_app.services import followup, outbox, reports
from counter_app.services.reports import ShiftSummary


@dataclass(frozen=True)
class ShiftQuery:
    actor: Actor
    day: date | None = None  # default: today
    window: str | None = None  # default: the whole hall


def shift_summary(rt: Runtime, query: ShiftQuery) -> ShiftSummary:
    query.actor.require(Permission.VIEW_REPORTS)
    with rt.read() as session:
        return reports.shift_summary(session, rt.deps, rt.settings, query.day, query.window)


def export_shift(rt: Runtime, query: ShiftQuery, pdf: Path | None = None,
                 xlsx: Path | None = None) -> tuple[ShiftSummary, list[Path]]:
    """The summary, written as PDF and/or xlsx (the same figures as the JSON)."""
    from counter_app.infra import report_files  # reportlab, openpyxl: on first export

    summary = shift_summary(rt, query)
    written: list[Path] = []
    if pdf is not None:
        written.append(report_files.write_pdf(summary, pdf))
    if xlsx is not None:
        written.append(report_files.write_xlsx(summary, xlsx))
    return summary, written


@dataclass(frozen=True)
class Board:
    """Everything the supervisor view shows (plain data, no ORM objects)."""

    summary: ShiftSummary
    followups: tuple[followup.FollowUpRow, ...]
    outbox: outbox.Summary
    last_followup_id: int


def board(rt: Runtime, query: ShiftQuery) -> Board:
    query.actor.require(Permission.VIEW_REPORTS)
    hall = rt.settings.hall.code
    with rt.read() as session:
        summary = reports.shift_summary(session, rt.deps, rt.settings, query.day, query.window)
        rows = followup.ledger(session, rt.deps, rt.settings, hall)
        if query.window:
            rows = [r for r in rows if r.window_no == query.window]
        box = outbox.summary(session)
        last = followup.last_followup_id(session, hall)
    return Board(summary, tuple(rows), box, last)
