"""拆包分办 and 综合反馈: the back office works its units' sub-items; when every
sub-item is done the case is complete and the completion notice can be printed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from counter_app.domain.application import MaterialStatus
from counter_app.domain.case import (
    CASE_TRANSITIONS,
    SUB_ITEM_TRANSITIONS,
    CaseAction,
    CaseStatus,
    SubItemAction,
    SubItemStatus,
    status_from_items,
)
from counter_app.domain.clock import business_date
from counter_app.domain.sla import Sla, SlaView, instant_sla, working_day_sla
from counter_app.domain.transitions import TransitionError
from counter_app.domain.workcal import WorkCalendar
from counter_app.services.context import Deps
from counter_app.services.lifecycle import start_waiting
from counter_app.store.models import Case, CaseEvent, CaseItem

#: Sub-items of a case that was terminated or withdrawn stay on the back office's
#: list this long (natural days), saying why, then drop off.
STOPPED_SHOWN_DAYS = 7


class BackOfficeError(ValueError):
    pass


def sla_of(item: CaseItem, now: datetime, calendar: WorkCalendar) -> SlaView:
    """Where a sub-item stands against its committed limit (a waiting one has no
    clock yet: 分段办理)."""
    if item.status == SubItemStatus.WAITING:
        return SlaView(Sla.OK, "待前置事项办结后计时")
    if item.status != SubItemStatus.PENDING:
        return SlaView(Sla.DONE, SubItemStatus(item.status).label)
    if item.instant_due_at is not None:
        return instant_sla(item.instant_due_at, now)
    if item.due_date is None:
        return SlaView(Sla.OK, "")
    return working_day_sla(item.due_date, business_date(now), calendar)


def worklist(
    session: Session, unit_code: str | None, *, pending_only: bool = True,
    now: datetime | None = None,
) -> list[CaseItem]:
    """Sub-items of a unit (all units when None), earliest deadline first: those to
    work on, those waiting for a prerequisite (分段办理), and with `now` those of
    cases terminated or withdrawn in the last STOPPED_SHOWN_DAYS days (so the unit
    sees why they left its list)."""
    stmt = (
        select(CaseItem)
        .join(Case)
        .options(selectinload(CaseItem.case).selectinload(Case.applicant),
                 selectinload(CaseItem.case).selectinload(Case.items),
                 selectinload(CaseItem.case).selectinload(Case.materials))
    )
    live = Case.status.in_([CaseStatus.ACCEPTED, CaseStatus.RETURNED, CaseStatus.COMPLETE])
    if pending_only:
        live = live & CaseItem.status.in_([SubItemStatus.PENDING, SubItemStatus.WAITING])
    ended = None
    if now is not None:
        ended = (Case.status.in_([CaseStatus.TERMINATED, CaseStatus.WITHDRAWN])
                 & (Case.completed_at >= now - timedelta(days=STOPPED_SHOWN_DAYS))
                 & (CaseItem.status == SubItemStatus.STOPPED))
    stmt = stmt.where(or_(live, ended) if ended is not None else live)
    if unit_code:
        stmt = stmt.where(CaseItem.unit_code == unit_code)
    stmt = stmt.order_by(
        CaseItem.instant_due_at.is_(None), CaseItem.instant_due_at, CaseItem.due_date, CaseItem.id
    )
    return list(session.scalars(stmt))


def load_item(session: Session, item_id: int) -> CaseItem:
    """The sub-item, its case's row locked first (the sweep locks cases, then their
    items: the same order everywhere, so two transactions never deadlock)."""
    case_id = session.scalar(select(CaseItem.case_id).where(CaseItem.id == item_id))
    if case_id is None:
        raise BackOfficeError(f"未找到子事项 {item_id}")
    session.execute(select(Case.id).where(Case.id == case_id).with_for_update())
    item = session.get(CaseItem, item_id, with_for_update=True, populate_existing=True)
    if item is None:
        raise BackOfficeError(f"未找到子事项 {item_id}")
    session.refresh(item.case)
    return item


def _unsupplied_for(item: CaseItem) -> list[str]:
    """容缺 materials this sub-item needs that are not supplied yet."""
    return [m.name for m in item.case.materials
            if m.status == MaterialStatus.TOLERATED and item.item_code in (m.item_codes or ())]


def complete_item(
    session: Session, deps: Deps, item_id: int, actor_id: int | None, result: str = ""
) -> Case:
    item = load_item(session, item_id)
    missing = _unsupplied_for(item)
    if missing and item.status == SubItemStatus.PENDING:
        names = "、".join(f"“{n}”" for n in missing)
        raise BackOfficeError(f"“{item.item_name}”：容缺材料{names}尚未补交，补齐后才能办结")
    _move(item, SubItemAction.COMPLETE)
    now = deps.clock()
    item.handled_by = actor_id
    item.handled_at = now
    item.note = result.strip() or "已办结"
    case = item.case
    case.events.append(
        CaseEvent(at=now, actor_id=actor_id, kind="item_done", detail={"item": item.item_code})
    )
    start_waiting(case, deps, now)
    _refresh_case_status(case, now)
    session.flush()
    return case


def return_item(
    session: Session, deps: Deps, item_id: int, actor_id: int | None, reason: str
) -> Case:
    if not reason.strip():
        raise BackOfficeError("退回必须写明原因")
    item = load_item(session, item_id)
    _move(item, SubItemAction.RETURN)
    now = deps.clock()
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
    item = load_item(session, item_id)
    _move(item, SubItemAction.REOPEN)
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


def _move(item: CaseItem, action: SubItemAction) -> None:
    """The sub-item's next state by the transition table; refused with a message
    naming the item when the action does not fit (already done, not returned …)."""
    try:
        item.status = SUB_ITEM_TRANSITIONS.next(SubItemStatus(item.status), action)
    except TransitionError as exc:
        raise BackOfficeError(f"“{item.item_name}”：{exc}") from None


_CASE_ACTION = {
    CaseStatus.COMPLETE: CaseAction.ITEMS_DONE,
    CaseStatus.RETURNED: CaseAction.ITEM_RETURNED,
    CaseStatus.ACCEPTED: CaseAction.ITEM_DONE,
}


def _refresh_case_status(case: Case, now: datetime) -> None:
    """The case's status as its sub-items now make it, through the case table."""
    target = status_from_items(i.status for i in case.items)
    current = CaseStatus(case.status)
    action = _CASE_ACTION[target]
    if current is CaseStatus.RETURNED and target is CaseStatus.ACCEPTED:
        action = CaseAction.ITEM_REOPENED
    try:
        case.status = CASE_TRANSITIONS.next(current, action, target)
    except TransitionError as exc:
        raise BackOfficeError(str(exc)) from None
    if case.status is CaseStatus.COMPLETE:
        case.completed_at = now
        case.events.append(CaseEvent(at=now, actor_id=None, kind="complete", detail={}))


def find_case(session: Session, case_no: str) -> Case | None:
    return session.scalar(
        select(Case)
        .where(Case.case_no == case_no.strip())
        .options(
            selectinload(Case.items), selectinload(Case.materials), selectinload(Case.applicant)
        )
    )


def cases_of_day(
    session: Session, day: date, *, hall_code: str, window_no: str | None = None,
    limit: int = 200,
) -> list[Case]:
    """The hall's cases accepted on a business date (China time), newest first (a
    city's halls may share one database, and window numbers repeat between halls)."""
    from counter_app.domain.clock import CHINA

    start = datetime(day.year, day.month, day.day, tzinfo=CHINA)
    end = start.replace(hour=23, minute=59, second=59)
    stmt = (
        select(Case)
        .where(Case.hall_code == hall_code, Case.accepted_at >= start,
               Case.accepted_at <= end)
        .options(selectinload(Case.items), selectinload(Case.applicant),
                 selectinload(Case.materials))
        .order_by(Case.accepted_at.desc())
        .limit(limit)
    )
    if window_no:
        stmt = stmt.where(Case.window_no == window_no)
    return list(session.scalars(stmt))


def open_cases(session: Session, *, hall_code: str, window_no: str | None = None,
               limit: int = 200, with_supplement: bool = False) -> list[Case]:
    """The hall's cases not yet complete (accepted or returned; with `with_supplement`
    also the 补正 cases waiting for materials), oldest deadline first."""
    states = [CaseStatus.ACCEPTED, CaseStatus.RETURNED]
    if with_supplement:
        states.append(CaseStatus.SUPPLEMENT)
    stmt = (
        select(Case)
        .where(Case.hall_code == hall_code, Case.status.in_(states))
        .options(selectinload(Case.items), selectinload(Case.applicant),
                 selectinload(Case.materials))
        .order_by(Case.due_date, Case.accepted_at)
        .limit(limit)
    )
    if window_no:
        stmt = stmt.where(Case.window_no == window_no)
    return list(session.scalars(stmt))
