"""Accept a case in one transaction (打包受理 → 拆包分办), or record the other two
outcomes at the window: 一次性告知 (all missing materials at once) and 不予受理.

Every outcome stores the case's items (a 补正 case holds them until its materials
are complete, a rejected one lists them on its notice and in the provincial
records), the applicant as they were at acceptance, and the agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from counter_app.domain.application import (
    Application,
    ApplicationError,
    CasePlan,
    FieldError,
    MaterialDecision,
    MaterialStatus,
    material_decisions,
    plan_case,
)
from counter_app.domain.case import (
    INSTANT_MINUTES,
    SUB_ITEM_TRANSITIONS,
    CaseChannel,
    CaseStatus,
    SubItemAction,
    SubItemStatus,
)
from counter_app.domain.catalogue import CaseKind, Item
from counter_app.domain.clock import business_date
from counter_app.domain.workcal import DueDate, LimitUnit
from counter_app.services import applicants
from counter_app.services.context import Deps, Desk
from counter_app.services.numbering import next_case_no
from counter_app.services.papers import available_papers
from counter_app.store.models import Applicant, Case, CaseEvent, CaseItem, CaseMaterial

#: How long a broken 容缺 promise bars the applicant from 容缺 (natural days), when
#: the caller does not say (settings.cases.tolerance_ban_days).
DEFAULT_BAN_DAYS = 365


@dataclass(frozen=True)
class SubItemResult:
    item_code: str
    item_name: str
    unit_code: str
    unit_name: str
    case_kind: str
    due_date: date | None
    instant_due_at: datetime | None
    status: str = SubItemStatus.PENDING.value
    waits_for: tuple[str, ...] = ()  # 分段办理: item codes it waits for


@dataclass(frozen=True)
class AcceptResult:
    case_no: str
    status: str
    title: str
    sub_items: tuple[SubItemResult, ...]
    due_date: date | None
    warnings: tuple[str, ...]
    papers: tuple[str, ...]  # document names printable for this case
    duplicate: bool = False  # the channel sent this application_id before: its case

    def as_json(self) -> dict[str, Any]:
        return {
            "case_no": self.case_no,
            "status": self.status,
            "title": self.title,
            "duplicate": self.duplicate,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "sub_items": [
                {
                    "item_code": s.item_code,
                    "item_name": s.item_name,
                    "unit": s.unit_code,
                    "unit_name": s.unit_name,
                    "case_kind": s.case_kind,
                    "status": s.status,
                    "waits_for": list(s.waits_for),
                    "due_date": s.due_date.isoformat() if s.due_date else None,
                    "instant_due_at": s.instant_due_at.isoformat() if s.instant_due_at else None,
                }
                for s in self.sub_items
            ],
            "warnings": list(self.warnings),
            "papers": list(self.papers),
        }


def accept(
    session: Session, deps: Deps, desk: Desk, app: Application, *, require_form: bool = True,
    ban_days: int = DEFAULT_BAN_DAYS,
) -> AcceptResult:
    """Accept the application as one case. Raises ApplicationError naming every bad
    field; the caller's transaction then stores nothing."""
    plan = plan_case(deps.catalogue, app)
    accepted_at = _accepted_at(deps, app)
    decisions = material_decisions(plan, app)
    start = business_date(accepted_at)
    dues = {item.code: _due(deps, item, start) for item in plan.items}
    errors = _acceptance_errors(plan, app, decisions, dues, require_form, start)
    errors += promise_errors(plan, app, decisions)
    errors += ban_errors(session, deps, app, decisions, ban_days)
    if errors:
        raise ApplicationError(errors)
    warnings = _warnings(plan, app, dues, require_form)
    case = _new_case(session, deps, desk, app, plan, accepted_at, CaseStatus.ACCEPTED)
    case.credit_promise = app.credit_promise_signed
    case.tolerance_promise = app.tolerance_promise_signed
    case.warnings = warnings
    for item in _case_items(plan, SubItemStatus.HELD):
        case.items.append(item)
    _store_materials(case, plan, decisions)
    route_items(case, deps, accepted_at)
    _event(case, deps, desk, "accepted", {"items": [i.code for i in plan.items]})
    session.add(case)
    session.flush()
    return result_of(case)


def supplement(
    session: Session, deps: Deps, desk: Desk, app: Application, supplement_days: int = 5,
    *, ban_days: int = DEFAULT_BAN_DAYS,
) -> AcceptResult:
    """一次性告知: record the application with every missing material listed at once.
    It is accepted by itself when the last one is supplied, so the promises it will
    need then (信用承诺, 容缺承诺) are required now."""
    plan = plan_case(deps.catalogue, app)
    accepted_at = _accepted_at(deps, app)
    decisions = material_decisions(plan, app)
    missing = [c for c, d in decisions.items() if d.status is MaterialStatus.MISSING]
    if not missing:
        raise ApplicationError([FieldError("materials", "材料齐全，无需一次性告知")])
    errors = promise_errors(plan, app, decisions) + ban_errors(session, deps, app, decisions,
                                                                ban_days)
    if errors:
        raise ApplicationError(errors)
    case = _new_case(session, deps, desk, app, plan, accepted_at, CaseStatus.SUPPLEMENT)
    case.credit_promise = app.credit_promise_signed
    case.tolerance_promise = app.tolerance_promise_signed
    case.supplement_deadline = deps.calendar.add_working_days(
        business_date(accepted_at), supplement_days
    ).due
    for item in _case_items(plan, SubItemStatus.HELD):
        case.items.append(item)
    _store_materials(case, plan, decisions)
    _event(case, deps, desk, "supplement", {"missing": missing})
    session.add(case)
    session.flush()
    return result_of(case)


def reject(session: Session, deps: Deps, desk: Desk, app: Application, reason: str) -> AcceptResult:
    """不予受理, with the reason printed on the notice."""
    if not reason.strip():
        raise ApplicationError([FieldError("reason", "不予受理必须写明理由")])
    plan = plan_case(deps.catalogue, app)
    accepted_at = _accepted_at(deps, app)
    case = _new_case(session, deps, desk, app, plan, accepted_at, CaseStatus.REJECTED)
    case.reason = reason.strip()
    case.completed_at = deps.clock()
    for item in _case_items(plan, SubItemStatus.STOPPED):
        case.items.append(item)
    _store_materials(case, plan, material_decisions(plan, app))
    _event(case, deps, desk, "rejected", {"reason": case.reason})
    session.add(case)
    session.flush()
    return result_of(case)


def result_of(case: Case, *, duplicate: bool = False) -> AcceptResult:
    return AcceptResult(
        case_no=case.case_no,
        status=case.status,
        title=case.title,
        sub_items=tuple(
            SubItemResult(
                i.item_code,
                i.item_name,
                i.unit_code,
                i.unit_name,
                i.case_kind,
                i.due_date,
                i.instant_due_at,
                str(i.status),
                waits_for(case, i),
            )
            for i in case.items
        ),
        due_date=case.due_date,
        warnings=tuple(case.warnings or ()),
        papers=available_papers(case),
        duplicate=duplicate,
    )


# -- routing (拆包分办) --------------------------------------------------------------------


def waits_for(case: Case, item: CaseItem) -> tuple[str, ...]:
    """The prerequisites of `item` the case holds (分段办理)."""
    held = {i.item_code for i in case.items}
    return tuple(c for c in (item.depends_on or ()) if c in held and c != item.item_code)


def route_items(case: Case, deps: Deps, start_at: datetime) -> None:
    """Send the held sub-items to their units: deadlines count from `start_at`'s
    business date; an item whose prerequisite (in this case) is not done waits, its
    clock not started. Tolerated materials without a promised date get the committed
    limit of the items needing them."""
    start = business_date(start_at)
    done = {i.item_code for i in case.items if i.status == SubItemStatus.DONE}
    for item in case.items:
        if item.status != SubItemStatus.HELD:
            continue
        waiting = [c for c in waits_for(case, item) if c not in done]
        target = SubItemStatus.WAITING if waiting else SubItemStatus.PENDING
        item.status = SUB_ITEM_TRANSITIONS.next(SubItemStatus.HELD, SubItemAction.ROUTE, target)
        if target is SubItemStatus.PENDING:
            start_clock(item, deps, start_at)
    refresh_due(case)
    for material in case.materials:
        if material.status == MaterialStatus.TOLERATED and material.promised_date is None:
            material.promised_date = tolerance_limit(case, material.item_codes or [], deps, start)


def start_clock(item: CaseItem, deps: Deps, start_at: datetime) -> None:
    """Set the sub-item's deadline counted from `start_at` (its committed limit)."""
    due = deps.calendar.add(business_date(start_at), item.committed_days,
                            LimitUnit(item.committed_unit))
    item.due_date = due.due
    item.due_estimated = bool(due.estimated_years)
    item.instant_due_at = (start_at + timedelta(minutes=INSTANT_MINUTES)
                           if item.case_kind == CaseKind.INSTANT else None)


def refresh_due(case: Case) -> None:
    """The case's committed date: the latest known deadline of its sub-items."""
    dues = [i.due_date for i in case.items if i.due_date]
    case.due_date = max(dues) if dues else None
    instants = [i.instant_due_at for i in case.items
                if i.instant_due_at and i.status == SubItemStatus.PENDING]
    case.instant_due_at = min(instants) if instants else None


def tolerance_limit(case: Case, item_codes: list[str], deps: Deps, start: date) -> date | None:
    """The latest date a tolerated material may be promised for: the earliest
    committed deadline of the items that need it (counted from `start` for an item
    still waiting)."""
    dues = []
    for item in case.items:
        if item.item_code not in item_codes:
            continue
        dues.append(item.due_date or deps.calendar.add(
            start, item.committed_days, LimitUnit(item.committed_unit)).due)
    return min(dues) if dues else case.due_date


# -- helpers -------------------------------------------------------------------


def _accepted_at(deps: Deps, app: Application) -> datetime:
    now = deps.clock()
    if app.accepted_at is None:
        return now
    if app.accepted_at.tzinfo is None:
        raise ApplicationError([FieldError("accepted_at", "受理时间须带时区，如 +08:00")])
    if app.accepted_at > now + timedelta(minutes=5):
        raise ApplicationError([FieldError("accepted_at", "受理时间不能晚于当前时间")])
    return app.accepted_at


def _due(deps: Deps, item: Item, start: date) -> DueDate:
    return deps.calendar.add(start, item.committed.days, item.committed.unit)


def _acceptance_errors(
    plan: CasePlan,
    app: Application,
    decisions: dict[str, MaterialDecision],
    dues: dict[str, DueDate],
    require_form: bool,
    start: date,
) -> list[FieldError]:
    errors: list[FieldError] = []
    if require_form:
        for merged in plan.missing_fields:
            errors.append(FieldError(f"form.{merged.field.key}", f"请填写“{merged.field.label}”"))
    missing = [m for m in plan.materials if decisions[m.code].status is MaterialStatus.MISSING]
    if missing:
        names = "、".join(m.material.name for m in missing)
        errors.append(
            FieldError("materials", f"以下材料未提供：{names}。请容缺受理或出具一次性告知书")
        )
    for merged in plan.materials:
        decision = decisions[merged.code]
        if decision.status is not MaterialStatus.TOLERATED:
            continue
        latest = min(dues[c].due for c in merged.item_codes)
        promised = decision.promised_date or latest
        if promised > latest:
            errors.append(
                FieldError(
                    f"materials.{merged.code}",
                    f"“{merged.material.name}”的承诺补交日期{promised.isoformat()}"
                    f"晚于承诺办结期限{latest.isoformat()}",
                )
            )
        elif promised < start:
            errors.append(FieldError(f"materials.{merged.code}", "承诺补交日期不能早于受理日期"))
    return errors


def promise_errors(
    plan: CasePlan, app: Application, decisions: dict[str, MaterialDecision]
) -> list[FieldError]:
    """The signed promises every channel needs (at the window the teller confirms
    the signed paper, online the applicant's e-signature stands for it)."""
    errors = []
    tolerated = any(d.status is MaterialStatus.TOLERATED for d in decisions.values())
    if tolerated and not app.tolerance_promise_signed:
        errors.append(FieldError("tolerance_promise", "容缺受理须由申请人签署《容缺受理承诺书》"))
    if plan.pays_money and not app.credit_promise_signed:
        names = "、".join(f"“{i.name}”" for i in plan.items if i.pays_money)
        errors.append(FieldError(
            "credit_promise", f"{names}涉及资金支付，须由申请人签署《信用承诺书》"
        ))
    return errors


def ban_errors(
    session: Session, deps: Deps, app: Application, decisions: dict[str, MaterialDecision],
    ban_days: int,
) -> list[FieldError]:
    """容缺 is not offered to an applicant who broke a 容缺 promise lately."""
    tolerated = [c for c, d in decisions.items() if d.status is MaterialStatus.TOLERATED]
    if not tolerated:
        return []
    ban = applicants.tolerance_ban(session, app.applicant.kind, app.applicant.number,
                                   business_date(deps.clock()), ban_days)
    if ban is None:
        return []
    return [FieldError(f"materials.{code}", ban.message) for code in tolerated]


def _warnings(
    plan: CasePlan, app: Application, dues: dict[str, DueDate], require_form: bool
) -> list[str]:
    """Notes for staff (screens, never the applicant's papers)."""
    warnings = list(dict.fromkeys(d.warning for d in dues.values() if d.warning))
    if not require_form and plan.missing_fields:
        labels = "、".join(f.field.label for f in plan.missing_fields)
        warnings.append(f"表单未填写：{labels}，请后台核实补录")
    return warnings


def _case_items(plan: CasePlan, status: SubItemStatus) -> list[CaseItem]:
    return [
        CaseItem(
            seq=seq,
            item_code=item.code,
            item_name=item.name,
            basic_code=item.basic_code,
            legal_basis=item.legal_basis,
            depends_on=list(item.depends_on),
            unit_code=item.unit.code,
            unit_name=item.unit.name,
            case_kind=item.case_kind.value,
            statutory_days=item.statutory.days,
            statutory_unit=item.statutory.unit.value,
            committed_days=item.committed.days,
            committed_unit=item.committed.unit.value,
            speedup=item.is_speedup,
            pays_money=item.pays_money,
            due_date=None,
            due_estimated=False,
            instant_due_at=None,
            status=status,
        )
        for seq, item in enumerate(plan.items, start=1)
    ]


def _new_case(
    session: Session,
    deps: Deps,
    desk: Desk,
    app: Application,
    plan: CasePlan,
    accepted_at: datetime,
    status: CaseStatus,
) -> Case:
    applicant = upsert_applicant(session, deps, app)
    person = app.applicant
    agent = app.agent
    return Case(
        case_no=next_case_no(session, desk.hall_code, business_date(accepted_at)),
        hall_code=desk.hall_code,
        window_no=desk.window_no,
        teller_id=desk.teller_id,
        ticket_id=desk.ticket_id,
        applicant=applicant,
        applicant_kind=person.kind,
        applicant_name=person.name.strip(),
        applicant_phone=person.phone.strip(),
        applicant_address=person.address.strip(),
        applicant_legal_rep=person.legal_rep.strip(),
        agent_name=agent.name.strip() if agent else "",
        agent_id_type=str(agent.id_type) if agent else "",
        agent_id_number=agent.number if agent else "",
        agent_phone=agent.phone.strip() if agent else "",
        agent_relation=agent.relation.strip() if agent else "",
        application_id=app.application_id or None,
        bundle_code=app.bundle_code,
        title=plan.title,
        channel=CaseChannel(app.channel),
        status=status,
        accepted_at=accepted_at,
        situations=dict(plan.answers),  # every answer, defaults included
        form_values=dict(plan.form_values),
        warnings=[],
    )


def upsert_applicant(session: Session, deps: Deps, app: Application) -> Applicant:
    return applicants.upsert(session, deps.clock(), app.applicant)


def _store_materials(case: Case, plan: CasePlan, decisions: dict[str, MaterialDecision]) -> None:
    """The one set of materials; a tolerated one without a promised date gets it when
    the case's items are routed (route_items)."""
    for seq, merged in enumerate(plan.materials, start=1):
        decision = decisions[merged.code]
        promised = decision.promised_date if decision.status is MaterialStatus.TOLERATED \
            else None
        note = merged.exempt_reason if decision.status is MaterialStatus.NOT_NEEDED else ""
        case.materials.append(
            CaseMaterial(
                seq=seq,
                material_code=merged.code,
                name=merged.material.name,
                form=merged.form.value,
                count=merged.count,
                standard=merged.material.standard,
                status=decision.status.value,
                promised_date=promised,
                item_codes=list(merged.item_codes),
                note=f"{note}免予提交" if note else "",
            )
        )


def _event(case: Case, deps: Deps, desk: Desk, kind: str, detail: dict[str, Any]) -> None:
    case.events.append(
        CaseEvent(at=deps.clock(), actor_id=desk.teller_id, kind=kind, detail=detail)
    )
