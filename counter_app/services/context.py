"""What every counter service needs to know about where and by whom it runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from counter_app.domain.catalogue import Catalogue
from counter_app.domain.clock import Clock, system_clock
from counter_app.domain.workcal import WorkCalendar


@dataclass(frozen=True)
class Desk:
    """The window a case is accepted at, the teller, and the queue ticket being
    served (the visit the case belongs to), if any."""

    hall_code: str
    window_no: str = ""
    teller_id: int | None = None
    ticket_id: int | None = None


@dataclass
class Deps:
    catalogue: Catalogue
    calendar: WorkCalendar
    clock: Clock = field(default=system_clock)
