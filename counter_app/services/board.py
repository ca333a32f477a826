"""Everything the supervisor view shows, read in one background call (plain data,
no ORM objects cross to the GUI thread)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from counter_app.runtime import Runtime
from counter_app.services import followup, outbox, reports


@dataclass(frozen=True)
class Board:
    summary: reports.ShiftSummary
    followups: tuple[followup.FollowUpRow, ...]
    outbox: outbox.Summary
    last_followup_id: int


def load_board(rt: Runtime, day: date | None = None, window: str | None = None) -> Board:
    hall = rt.settings.hall_code
    with rt.uow() as session:
        summary = reports.shift_summary(session, rt.deps, rt.settings, day, window)
        rows = followup.ledger(session, rt.deps, rt.settings, hall)
        if window:
            rows = [r for r in rows if r.window_no == window]
        box = outbox.summary(session)
        last = followup.last_followup_id(session, hall)
    return Board(summary, tuple(rows), box, last)


def new_alerts(rt: Runtime, last_id: int) -> list[followup.Alert]:
    with rt.uow() as session:
        return followup.alerts_since(session, rt.settings.hall_code, last_id)
