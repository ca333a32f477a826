"""A case after the receipt (domain.md §9): materials supplied later, and the rules
that change a case by themselves when their date has passed.

- 容缺: a tolerated material supplied in time becomes 已收取 and the case goes on;
  not supplied by its promised date, the case is terminated (终止办理) as the signed
  promise says, its open sub-items stop, and the broken promise is recorded against
  the applicant (no 容缺 for them for the configured period).
- 一次性告知 (补正): when the last missing material is supplied the case counts as
  accepted from that day (行政许可法 §32): its sub-items are routed with deadlines
  counted from it. Not answered by the deadline in the notice, the application is
  treated as withdrawn (视为撤回).

The sweep applies the overdue rules. It is idempotent (a case changes once: the
status is re-checked under its row lock) and safe with many sweepers on
PostgreSQL: each takes a case's row with FOR UPDATE SKIP LOCKED, so two windows
never work the same case and a window supplying a material (which locks the row
and waits) either comes first or finds the case already terminated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from counter_app.domain.application import (
    MATERIAL_TRANSITIONS,
    MaterialAction,
    MaterialStatus,
)
from counter_app.domain.case import (
    CASE_TRANSITIONS,
    SUB_ITEM_TRANSITIONS,
    CaseAction,
    CaseStatus,
    SubItemAction,
    SubItemStatus,
)
from counter_app.domain.clock import business_date
from counter_app.domain.transitions import TransitionError
from counter_app.services.acceptance import refresh_due, route_items, start_clock, waits_for
from counter_app.services.context import Deps
from counter_app.store.models import BrokenPromise, Case, CaseEvent, CaseItem, CaseMaterial

_OPEN = (CaseStatus.ACCEPTED, CaseStatus.RETURNED)


class LifecycleError(ValueError):
    """An action that does not fit the case (the message is Chinese)."""


class ClosedByRule(LifecycleError):
    """A material handed in too late: the overdue rule was applied to the case then
    and there (the caller commits that, then tells the person why)."""


class PromiseBroken(ClosedByRule):
    """A 容缺 material handed in after its promised date: the case was terminated."""


class SupplementLapsed(ClosedByRule):
    """A 补正 material handed in after the deadline of the notice: withdrawn."""


def lock_case(session: Session, case_no: str, *, skip_locked: bool = False) -> Case | None:
    """The case with its row locked for this transaction (SQLite: the write lock
    already serialises writers)."""
    return session.scalar(
        select(Case)
        .where(Case.case_no == case_no.strip())
        .options(selectinload(Case.items), selectinload(Case.materials),
                 selectinload(Case.applicant))
        .with_for_update(skip_locked=skip_locked, of=Case)
        .execution_options(populate_existing=True)
    )


# ---- supplying a material ---------------------------------------------------------------------


@dataclass(frozen=True)
class Supplied:
    case: Case
    material: CaseMaterial
    accepted_now: bool  # the last missing material of a 补正 case: accepted from today


def supply(session: Session, deps: Deps, case: Case, material_code: str,
           supplied_at: datetime | None, actor_id: int | None) -> Supplied:
    """A tolerated or missing material handed in. The case must be locked by the
    caller (lock_case). Raises LifecycleError; ClosedByRule after applying an overdue
    rule (PromiseBroken: the 容缺 promise ran out, the case is terminated;
    SupplementLapsed: the 补正 deadline passed, withdrawn), which the caller commits."""
    now = deps.clock()
    at = supplied_at or now
    if at.tzinfo is None:
        raise LifecycleError("补交时间须带时区")
    if at > now + timedelta(minutes=5):
        raise LifecycleError("补交时间不能晚于当前时间")
    if at < case.accepted_at:
        raise LifecycleError("补交时间不能早于收件时间")
    material = next((m for m in case.materials
                     if m.material_code == material_code.strip()), None)
    if material is None:
        by_name = [m for m in case.materials if m.name == material_code.strip()]
        material = by_name[0] if by_name else None
    if material is None:
        raise LifecycleError(f"办件{case.case_no}中没有材料“{material_code[:40]}”")
    status = CaseStatus(case.status)
    current = MaterialStatus(material.status)
    if not MATERIAL_TRANSITIONS.can(current, MaterialAction.SUPPLY):
        raise LifecycleError(f"材料“{material.name}”当前为“{current.label}”，无需补交")
    today = business_date(now)
    overdue = overdue_tolerated(case, today)
    if status in _OPEN and overdue:
        terminate(session, deps, case, overdue, today)
        names = "、".join(f"“{m.name}”" for m in overdue)
        raise PromiseBroken(
            f"{names}承诺于{min(m.promised_date for m in overdue if m.promised_date)}前补交，"
            f"已逾期：办件{case.case_no}已按承诺终止办理，不能再补交"
        )
    if (status is CaseStatus.SUPPLEMENT and case.supplement_deadline is not None
            and case.supplement_deadline < today):
        withdraw(deps, case)
        raise SupplementLapsed(
            f"一次性告知书规定的补正期限为{case.supplement_deadline.isoformat()}，已逾期："
            f"办件{case.case_no}视为撤回申请，请重新提出申请"
        )
    action = CaseAction.SUPPLY
    try:
        CASE_TRANSITIONS.targets(status, action)
    except TransitionError as exc:
        raise LifecycleError(f"办件{case.case_no}：{exc}") from None
    if current is MaterialStatus.TOLERATED and status not in _OPEN:
        raise LifecycleError(f"办件{case.case_no}当前为“{status.label}”，不能补交容缺材料")
    material.status = MATERIAL_TRANSITIONS.next(current, MaterialAction.SUPPLY)
    material.supplied_at = at
    case.events.append(CaseEvent(at=now, actor_id=actor_id, kind="material_supplied",
                                 detail={"material": material.material_code,
                                         "was": current.value, "at": at.isoformat()}))
    accepted_now = False
    if status is CaseStatus.SUPPLEMENT and not any(
            m.status == MaterialStatus.MISSING for m in case.materials):
        materials_complete(case, deps, at, actor_id)
        accepted_now = True
    return Supplied(case, material, accepted_now)


def materials_complete(case: Case, deps: Deps, at: datetime, actor_id: int | None) -> None:
    """补正 answered: the case is accepted from `at`, its sub-items routed."""
    case.status = CASE_TRANSITIONS.next(CaseStatus(case.status), CaseAction.MATERIALS_COMPLETE)
    case.materials_complete_at = at
    route_items(case, deps, at)
    case.events.append(CaseEvent(at=deps.clock(), actor_id=actor_id, kind="accepted",
                                 detail={"materials_complete": at.isoformat()}))


# ---- the overdue rules --------------------------------------------------------------------------


def overdue_tolerated(case: Case, today: date) -> list[CaseMaterial]:
    """Tolerated materials still not supplied whose promised date has passed."""
    return [m for m in case.materials
            if m.status == MaterialStatus.TOLERATED and m.promised_date is not None
            and m.promised_date < today]


def _stop_items(case: Case) -> None:
    for item in case.items:
        if SUB_ITEM_TRANSITIONS.can(SubItemStatus(item.status), SubItemAction.STOP):
            item.status = SUB_ITEM_TRANSITIONS.next(SubItemStatus(item.status),
                                                    SubItemAction.STOP)
    refresh_due(case)
    case.instant_due_at = None


def terminate(session: Session, deps: Deps, case: Case, overdue: list[CaseMaterial],
              today: date) -> None:
    """终止办理: a 容缺 promise broken. Open sub-items stop; the broken promise is
    recorded against the applicant (once per case)."""
    now = deps.clock()
    case.status = CASE_TRANSITIONS.next(CaseStatus(case.status), CaseAction.TERMINATE)
    promised = min(m.promised_date for m in overdue if m.promised_date)
    names = [m.name for m in overdue]
    quoted = "、".join(f"“{n}”" for n in names)
    case.reason = (f"容缺材料{quoted}承诺于{promised.isoformat()}前补交，"
                   "逾期未补交，按《申请容缺受理承诺书》终止办理")
    case.completed_at = now
    _stop_items(case)
    exists = session.scalar(select(BrokenPromise.id).where(BrokenPromise.case_id == case.id))
    if exists is None:
        session.add(BrokenPromise(
            applicant_id=case.applicant_id, case_id=case.id, case_no=case.case_no,
            materials=names, promised_date=promised, broken_on=promised + timedelta(days=1),
            recorded_at=now,
        ))
    case.events.append(CaseEvent(at=now, actor_id=None, kind="terminated",
                                 detail={"materials": [m.material_code for m in overdue],
                                         "promised": promised.isoformat()}))


def withdraw(deps: Deps, case: Case) -> None:
    """视为撤回: a 补正 not answered by the deadline of the notice."""
    now = deps.clock()
    case.status = CASE_TRANSITIONS.next(CaseStatus(case.status), CaseAction.WITHDRAW)
    deadline = case.supplement_deadline.isoformat() if case.supplement_deadline else ""
    case.reason = f"未在一次性告知书规定的期限（{deadline}前）内补正材料，视为撤回申请"
    case.completed_at = now
    _stop_items(case)
    case.events.append(CaseEvent(at=now, actor_id=None, kind="withdrawn",
                                 detail={"deadline": deadline}))


@dataclass
class SweepResult:
    terminated: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    skipped: int = 0  # cases another sweeper or a window held at that moment

    @property
    def changed(self) -> list[str]:
        return self.terminated + self.withdrawn


def sweep(session: Session, deps: Deps, limit: int = 200) -> SweepResult:
    """Apply the overdue rules to every case they concern (at most `limit` a pass)."""
    today = business_date(deps.clock())
    result = SweepResult()
    tolerated = select(Case.case_no).join(CaseMaterial).where(
        Case.status.in_(_OPEN),
        CaseMaterial.status == MaterialStatus.TOLERATED,
        CaseMaterial.promised_date < today,
    ).distinct()
    for case_no in session.scalars(tolerated.limit(limit)).all():
        case = lock_case(session, case_no, skip_locked=True)
        if case is None:
            result.skipped += 1
            continue
        overdue = overdue_tolerated(case, today)
        if CaseStatus(case.status) in _OPEN and overdue:  # re-checked under the lock
            terminate(session, deps, case, overdue, today)
            result.terminated.append(case.case_no)
    unanswered = select(Case.case_no).where(
        Case.status == CaseStatus.SUPPLEMENT, Case.supplement_deadline < today
    )
    for case_no in session.scalars(unanswered.limit(limit)).all():
        case = lock_case(session, case_no, skip_locked=True)
        if case is None:
            result.skipped += 1
            continue
        if (case.status == CaseStatus.SUPPLEMENT and case.supplement_deadline is not None
                and case.supplement_deadline < today):
            withdraw(deps, case)
            result.withdrawn.append(case.case_no)
    session.flush()
    return result


def start_waiting(case: Case, deps: Deps, now: datetime) -> list[CaseItem]:
    """分段办理: sub-items whose prerequisites are now all done start their clock."""
    done = {i.item_code for i in case.items if i.status == SubItemStatus.DONE}
    started = []
    for item in case.items:
        if item.status != SubItemStatus.WAITING:
            continue
        if all(c in done for c in waits_for(case, item)):
            item.status = SUB_ITEM_TRANSITIONS.next(SubItemStatus.WAITING, SubItemAction.START)
            start_clock(item, deps, now)
            started.append(item)
    if started:
        refresh_due(case)
        case.events.append(CaseEvent(at=now, actor_id=None, kind="items_started",
                                     detail={"items": [i.item_code for i in started]}))
    return started
