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
    """Everything the supervisor view shows (plain data, no ORM objects), with what
    the next incremental load needs: the sections as loaded and their marks."""

    summary: ShiftSummary
    followups: tuple[followup.FollowUpRow, ...]  # open and recent, without their steps
    outbox: outbox.Summary  # delivered: today
    last_followup_id: int
    sections: reports.Sections
    marks: reports.Marks
    reloaded: frozenset[str] = frozenset(reports.SECTIONS)  # what this load read


#: Which sections read which marks (what changed → what is reloaded).
_DEPENDS = {
    "queue": ("queue",),
    "cases": ("cases",),
    "deadlines": ("cases",),
    "visits": ("queue", "cases", "ratings"),
    "followups": ("followups",),
}


def board(rt: Runtime, query: ShiftQuery, previous: Board | None = None) -> Board:
    """The supervisor's board. With `previous` (after a hall event) only the sections
    whose rows changed since are read again; the ledger only when a follow-up moved.
    The outbox and the names are always read (a few index look-ups). Without it, or
    for another day or window, everything is read (the view's timer does that, so
    deadlines move with the clock)."""
    query.actor.require(Permission.VIEW_REPORTS)
    hall = rt.settings.hall.code
    scope = reports.scope_of(rt.deps, rt.settings, query.day, query.window)
    if previous is not None and (previous.sections.scope.day, previous.sections.scope.window) \
            != (scope.day, scope.window):
        previous = None
    with rt.read() as session:
        marks = reports.marks(session, hall)
        if previous is None:
            changed = frozenset(reports.SECTIONS)
        else:
            moved = {name for name in ("queue", "cases", "ratings", "followups")
                     if getattr(marks, name) != getattr(previous.marks, name)}
            changed = frozenset(s for s, needs in _DEPENDS.items() if moved & set(needs))
        sections = reports.load_sections(
            session, rt.deps, rt.settings, scope,
            previous.sections if previous is not None else None, changed)
        if previous is None or "followups" in changed:
            rows = tuple(followup.ledger(session, rt.deps, rt.settings, hall,
                                         window_no=query.window, with_steps=False))
        else:
            rows = previous.followups
        box = outbox.summary(session, delivered_since=scope.start)
        last = followup.last_followup_id(session, hall)
    return Board(reports.compose(sections, rt.settings), rows, box, last, sections, marks,
                 changed)
