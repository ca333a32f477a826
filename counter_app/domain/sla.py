"""Where something stands against its deadline (时限), no I/O: one scale for
sub-items (即办 minutes, 承诺 working days) and for bad-rating follow-ups.

Lists sort by it (overdue first) and colour by it; the text says how much is left
("剩2个工作日", "即办剩12分钟", "逾期1个工作日").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from counter_app.domain.transitions import LabelledEnum
from counter_app.domain.workcal import WorkCalendar

DUE_SOON_WORKING_DAYS = 1
INSTANT_DUE_SOON_MINUTES = 10


class Sla(LabelledEnum):
    OK = "ok", "正常"
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "已逾期"
    DONE = "done", "已办结"

    @property
    def rank(self) -> int:
        """Sort key: overdue first."""
        return _RANK[self]


_RANK = {Sla.OVERDUE: 0, Sla.DUE_SOON: 1, Sla.OK: 2, Sla.DONE: 3}


@dataclass(frozen=True)
class SlaView:
    state: Sla
    text: str


def worst(views: list[SlaView]) -> SlaView | None:
    return min(views, key=lambda v: v.state.rank) if views else None


def instant_sla(due_at: datetime, now: datetime) -> SlaView:
    """A 即办 item: minutes left of its 30."""
    minutes = int((due_at - now).total_seconds() // 60)
    if minutes < 0:
        return SlaView(Sla.OVERDUE, f"即办超时{duration_text(-minutes)}")
    state = Sla.DUE_SOON if minutes <= INSTANT_DUE_SOON_MINUTES else Sla.OK
    return SlaView(state, f"即办剩{minutes}分钟")


def working_day_sla(
    due: date,
    today: date,
    calendar: WorkCalendar,
    *,
    soon_days: int = DUE_SOON_WORKING_DAYS,
    what: str = "",
) -> SlaView:
    """A deadline in working days; `what` prefixes the text (整改, 报告单 …)."""
    left = calendar.working_days_left(today, due)
    if today > due:
        return SlaView(Sla.OVERDUE, f"{what}逾期{max(1, -left)}个工作日")
    if left <= soon_days:
        return SlaView(Sla.DUE_SOON, f"{what}今日到期" if left == 0 else f"{what}剩{left}个工作日")
    return SlaView(Sla.OK, f"{what}剩{left}个工作日")


def duration_text(minutes: int) -> str:
    if minutes < 120:
        return f"{minutes}分钟"
    if minutes < 48 * 60:
        return f"{minutes // 60}小时"
    return f"{minutes // (24 * 60)}天"
