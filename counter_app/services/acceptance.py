"""Accept a case in one transaction (打包受理 → 拆包分办), or record the other two
outcomes at the window: 一次性告知 (all missing materials at once) and 不予受理.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.domain import idnumber
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
from counter_app.domain.case import INSTANT_MINUTES, CaseChannel, CaseStatus, SubItemStatus
from counter_app.domain.catalogue import CaseKind, Item
from counter_app.domain.clock import business_date
from counter_app.domain.workcal import DueDate
from counter_app.services.context import Deps, Desk
from counter_app.services.numbering import next_case_no
from counter_app.services.papers import available_papers
from counter_app.store.models import Applicant, Case, CaseEvent, CaseItem, CaseMaterial


@dataclass(frozen=True)
class SubItemResult:
    item_code: str
    item_name: str
    unit_code: str
    unit_name: str
    case_kind: str
    due_date: date | None
    instant_due_at: datetime | None


@dataclass(frozen=True)
class AcceptResult:
    case_no: str
    status: str
    title: str
    sub_items: tuple[SubItemResult, ...]
    due_date: date | None
    warnings: tuple[str, ...]
    papers: tuple[str, ...]  # document names printable for this case

    def as_json(self) -> dict[str, Any]:
        return {
            "case_no": self.case_no,
            "status": self.status,
            "title": self.title,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "sub_items": [
                {
                    "item_code": s.item_code,
                    "item_name": s.item_name,
                    "unit": s.unit_code,
                    "unit_name": s.unit_name,
                    "case_kind": s.case_kind,
                    "due_date": s.due_date.isoformat() if s.due_date else None,
                    "instant_due_at": s.instant_due_at.isoformat() if s.instant_due_at else None,
                }
                for s in self.sub_items
            ],
            "warnings": list(self.warnings),
            "papers": list(self.papers),
        }


def accept(
    session: Session, deps: Deps, desk: Desk, app: Application, *, require_form: bool = True
) -> AcceptResult:
    """Accept the application as one case. Raises ApplicationError naming every bad
    field; the caller's transaction then stores nothing."""
    plan = plan_case(deps.catalogue, app)
    accepted_at = _accepted_at(deps, app)
    decisions = material_decisions(plan, app)
    start = business_date(accepted_at)
    dues = {item.code: _due(deps, item, start) for item in plan.items}
    errors = _acceptance_errors(plan, app, decisions, dues, require_form, start)
    if errors:
        raise ApplicationError(errors)
    warnings = _warnings(plan, app, dues, require_form)
    case = _new_case(session, deps, desk, app, plan, accepted_at, CaseStatus.ACCEPTED)
    case.credit_promise = app.credit_promise_signed
    case.tolerance_promise = app.tolerance_promise_signed
    case.warnings = warnings
    for seq, item in enumerate(plan.items, start=1):
        due = dues[item.code]
        instant = item.case_kind is CaseKind.INSTANT
        case.items.append(
            CaseItem(
                seq=seq,
                item_code=item.code,
                item_name=item.name,
                unit_code=item.unit.code,
                unit_name=item.unit.name,
                case_kind=item.case_kind.value,
                statutory_days=item.statutory.days,
                statutory_unit=item.statutory.unit.value,
                committed_days=item.committed.days,
                committed_unit=item.committed.unit.value,
                speedup=item.is_speedup,
                pays_money=item.pays_money,
                due_date=due.due,
                due_estimated=bool(due.estimated_years),
                instant_due_at=accepted_at + timedelta(minutes=INSTANT_MINUTES)
                if instant
                else None,
                status=SubItemStatus.PENDING,
            )
        )
    case.due_date = max(d.due for d in dues.values())
    instants = [i.instant_due_at for i in case.items if i.instant_due_at]
    case.instant_due_at = min(instants) if instants else None
    _store_materials(case, plan, decisions)
    _event(case, deps, desk, "accepted", {"items": [i.code for i in plan.items]})
    session.add(case)
    session.flush()
    return result_of(case)


def supplement(
    session: Session, deps: Deps, desk: Desk, app: Application, supplement_days: int = 5
) -> AcceptResult:
    """一次性告知: record the application with every missing material listed at once."""
    plan = plan_case(deps.catalogue, app)
    accepted_at = _accepted_at(deps, app)
    decisions = material_decisions(plan, app)
    missing = [c for c, d in decisions.items() if d.status is MaterialStatus.MISSING]
    if not missing:
        raise ApplicationError([FieldError("materials", "材料齐全，无需一次性告知")])
    case = _new_case(session, deps, desk, app, plan, accepted_at, CaseStatus.SUPPLEMENT)
    case.supplement_deadline = deps.calendar.add_working_days(
        business_date(accepted_at), supplement_days
    ).due
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
    _store_materials(case, plan, material_decisions(plan, app))
    _event(case, deps, desk, "rejected", {"reason": case.reason})
    session.add(case)
    session.flush()
    return result_of(case)


def result_of(case: Case) -> AcceptResult:
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
            )
            for i in case.items
        ),
        due_date=case.due_date,
        warnings=tuple(case.warnings or ()),
        papers=available_papers(case),
    )


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
    tolerated = False
    for merged in plan.materials:
        decision = decisions[merged.code]
        if decision.status is not MaterialStatus.TOLERATED:
            continue
        tolerated = True
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
    # Every channel: at the window the teller confirms the signed paper, online the
    # applicant's e-signature stands for it.
    if tolerated and not app.tolerance_promise_signed:
        errors.append(FieldError("tolerance_promise", "容缺受理须由申请人签署《容缺受理承诺书》"))
    if plan.pays_money and not app.credit_promise_signed:
        errors.append(
            FieldError("credit_promise", "涉及资金支付的事项须由申请人签署《信用承诺书》")
        )
    return errors


def _warnings(
    plan: CasePlan, app: Application, dues: dict[str, DueDate], require_form: bool
) -> list[str]:
    warnings = list(dict.fromkeys(d.warning for d in dues.values() if d.warning))
    if not require_form and plan.missing_fields:
        labels = "、".join(f.field.label for f in plan.missing_fields)
        warnings.append(f"表单未填写：{labels}，请后台核实补录")
    return warnings


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
    return Case(
        case_no=next_case_no(session, desk.hall_code, business_date(accepted_at)),
        hall_code=desk.hall_code,
        window_no=desk.window_no,
        teller_id=desk.teller_id,
        ticket_id=desk.ticket_id,
        applicant=applicant,
        bundle_code=app.bundle_code,
        title=plan.title,
        channel=CaseChannel(app.channel),
        status=status,
        accepted_at=accepted_at,
        situations=dict(app.situations),
        form_values=dict(plan.form_values),
        warnings=[],
    )


def upsert_applicant(session: Session, deps: Deps, app: Application) -> Applicant:
    data = app.applicant
    number = idnumber.normalize(data.id_number)
    now = deps.clock()
    person = session.scalar(select(Applicant).where(Applicant.id_number == number))
    if person is None:
        person = Applicant(id_number=number, created_at=now, name=data.name)
        session.add(person)
    person.id_type = str(data.id_type)
    person.name = data.name.strip()
    person.phone = data.phone.strip() or (person.phone or "")
    person.sex = data.sex or (person.sex or "")
    person.birth_date = data.birth_date or person.birth_date
    person.address = data.address or (person.address or "")
    person.updated_at = now
    return person


def _store_materials(case: Case, plan: CasePlan, decisions: dict[str, MaterialDecision]) -> None:
    for seq, merged in enumerate(plan.materials, start=1):
        decision = decisions[merged.code]
        promised = decision.promised_date
        if decision.status is MaterialStatus.TOLERATED and promised is None and case.items:
            promised = min(
                (i.due_date for i in case.items if i.item_code in merged.item_codes and i.due_date),
                default=None,
            )
        case.materials.append(
            CaseMaterial(
                seq=seq,
                material_code=merged.code,
                name=merged.material.name,
                form=merged.form.value,
                count=merged.count,
                standard=merged.material.standard,
                status=decision.status.value,
                promised_date=promised if decision.status is MaterialStatus.TOLERATED else None,
            )
        )


def _event(case: Case, deps: Deps, desk: Desk, kind: str, detail: dict[str, Any]) -> None:
    case.events.append(
        CaseEvent(at=deps.clock(), actor_id=desk.teller_id, kind=kind, detail=detail)
    )
