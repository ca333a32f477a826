"""拆包分办 and 综合反馈: the back office works its units' sub-items; when every
sub-item is done the case is complete and the completion notice can be printed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from counter_app.domain.clock import business_date
from counter_app.domain.workcal import WorkCalendar
from counter_app.services.acceptance import CaseStatus
from counter_app.services.context import Deps
from counter_app.store.models import Case, CaseEvent, CaseItem

DUE_SOON_WORKING_DAYS = 1
INSTANT_DUE_SOON_MINUTES = 10


class SubItemStatus:
    PENDING = "pending"
    DONE = "done"
    RETURNED = "returned"


SUB_STATUS_LABELS = {"pending": "办理中", "done": "已办结", "returned": "已退回"}


class Sla(StrEnum):
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"

    @property
    def label(self) -> str:
        return {"ok": "正常", "due_soon": "即将到期", "overdue": "已逾期", "done": "已办结"}[
            self.value
        ]


@dataclass(frozen=True)
class SlaView:
    state: Sla
    text: str  # "剩2个工作日" / "剩12分钟" / "逾期1个工作日"


class BackOfficeError(ValueError):
    pass


def sla_of(item: CaseItem, now: datetime, calendar: WorkCalendar) -> SlaView:
    """Where a sub-item stands against its committed limit."""
    if item.status != SubItemStatus.PENDING:
        return SlaView(Sla.DONE, SUB_STATUS_LABELS.get(item.status, item.status))
    if item.instant_due_at is not None:
        minutes = int((item.instant_due_at - now).total_seconds() // 60)
        if minutes < 0:
            return SlaView(Sla.OVERDUE, f"即办超时{_duration(-minutes)}")
        state = Sla.DUE_SOON if minutes <= INSTANT_DUE_SOON_MINUTES else Sla.OK
        return SlaView(state, f"即办剩{minutes}分钟")
    if item.due_date is None:
        return SlaView(Sla.OK, "")
    left = calendar.working_days_left(business_date(now), item.due_date)
    if left < 0 or (left == 0 and business_date(now) > item.due_date):
        return SlaView(Sla.OVERDUE, f"逾期{-left}个工作日")
    if left <= DUE_SOON_WORKING_DAYS:
        return SlaView(Sla.DUE_SOON, "今日到期" if left == 0 else f"剩{left}个工作日")
    return SlaView(Sla.OK, f"剩{left}个工作日")


def _duration(minutes: int) -> str:
    if minutes < 120:
        return f"{minutes}分钟"
    if minutes < 48 * 60:
        return f"{minutes // 60}小时"
    return f"{minutes // (24 * 60)}天"


def worklist(
    session: Session, unit_code: str | None, *, pending_only: bool = True
) -> list[CaseItem]:
    """Sub-items of a unit (all units when None), earliest deadline first."""
    stmt = (
        select(CaseItem)
        .join(Case)
        .options(selectinload(CaseItem.case).selectinload(Case.applicant))
    )
    stmt = stmt.where(
        Case.status.in_([CaseStatus.ACCEPTED, CaseStatus.RETURNED, CaseStatus.COMPLETE])
    )
    if unit_code:
        stmt = stmt.where(CaseItem.unit_code == unit_code)
    if pending_only:
        stmt = stmt.where(CaseItem.status == SubItemStatus.PENDING)
    stmt = stmt.order_by(
        CaseItem.instant_due_at.is_(None), CaseItem.instant_due_at, CaseItem.due_date, CaseItem.id
    )
    return list(session.scalars(stmt))


def _load_item(session: Session, item_id: int) -> CaseItem:
    item = session.get(CaseItem, item_id, with_for_update=True)
    if item is None:
        raise BackOfficeError(f"未找到子事项 {item_id}")
    return item


def complete_item(
    session: Session, deps: Deps, item_id: int, actor_id: int | None, result: str = ""
) -> Case:
    item = _load_item(session, item_id)
    if item.status == SubItemStatus.DONE:
        raise BackOfficeError(f"“{item.item_name}”已办结")
    now = deps.clock()
    item.status = SubItemStatus.DONE
    item.handled_by = actor_id
    item.handled_at = now
    item.note = result.strip() or "已办结"
    case = item.case
    case.events.append(
        CaseEvent(at=now, actor_id=actor_id, kind="item_done", detail={"item": item.item_code})
    )
    _refresh_case_status(case, now)
    session.flush()
    return case


def return_item(
    session: Session, deps: Deps, item_id: int, actor_id: int | None, reason: str
) -> Case:
    if not reason.strip():
        raise BackOfficeError("退回必须写明原因")
    item = _load_item(session, item_id)
    if item.status != SubItemStatus.PENDING:
        raise BackOfficeError(f"“{item.item_name}”当前状态不能退回")
    now = deps.clock()
    item.status = SubItemStatus.RETURNED
    item.handled_by = actor_id
    item.handled_at = now
    item.note = reason.strip()
    case = item.case
    case.events.append(
        CaseEvent(
            at=now,
            actor_id=actor_id,
            kind="item_returned",
            detail={"item": item.item_code, "reason": item.note},
        )
    )
    _refresh_case_status(case, now)
    session.flush()
    return case


def reopen_item(session: Session, deps: Deps, item_id: int, actor_id: int | None) -> Case:
    """After the front desk fixed what was returned, the sub-item goes back to work."""
    item = _load_item(session, item_id)
    if item.status != SubItemStatus.RETURNED:
        raise BackOfficeError(f"“{item.item_name}”未被退回")
    item.status = SubItemStatus.PENDING
    item.case.events.append(
        CaseEvent(
            at=deps.clock(),
            actor_id=actor_id,
            kind="item_reopened",
            detail={"item": item.item_code},
        )
    )
    _refresh_case_status(item.case, deps.clock())
    session.flush()
    return item.case


def _refresh_case_status(case: Case, now: datetime) -> None:
    states = {i.status for i in case.items}
    if states == {SubItemStatus.DONE}:
        case.status = CaseStatus.COMPLETE
        case.completed_at = now
        case.events.append(CaseEvent(at=now, actor_id=None, kind="complete", detail={}))
    elif SubItemStatus.RETURNED in states:
        case.status = CaseStatus.RETURNED
    else:
        case.status = CaseStatus.ACCEPTED


def find_case(session: Session, case_no: str) -> Case | None:
    return session.scalar(
        select(Case)
        .where(Case.case_no == case_no.strip())
        .options(
            selectinload(Case.items), selectinload(Case.materials), selectinload(Case.applicant)
        )
    )


def cases_of_day(
    session: Session, day: date, *, window_no: str | None = None, limit: int = 200
) -> list[Case]:
    """Cases accepted on a business date (China time), newest first."""
    from counter_app.domain.clock import CHINA

    start = datetime(day.year, day.month, day.day, tzinfo=CHINA)
    end = start.replace(hour=23, minute=59, second=59)
    stmt = (
        select(Case)
        .where(Case.accepted_at >= start, Case.accepted_at <= end)
        .options(selectinload(Case.items), selectinload(Case.applicant))
        .order_by(Case.accepted_at.desc())
        .limit(limit)
    )
    if window_no:
        stmt = stmt.where(Case.window_no == window_no)
    return list(session.scalars(stmt))


def open_cases(session: Session, *, window_no: str | None = None, limit: int = 200) -> list[Case]:
    """Cases not yet complete (accepted or returned), oldest deadline first."""
    stmt = (
        select(Case)
        .where(Case.status.in_([CaseStatus.ACCEPTED, CaseStatus.RETURNED]))
        .options(selectinload(Case.items), selectinload(Case.applicant))
        .order_by(Case.due_date, Case.accepted_at)
        .limit(limit)
    )
    if window_no:
        stmt = stmt.where(Case.window_no == window_no)
    return list(session.scalars(stmt))
