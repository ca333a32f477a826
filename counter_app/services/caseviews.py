"""Plain read models for screens: rows to show, no ORM objects across threads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter_app.domain.application import MaterialStatus
from counter_app.domain.case import CaseStatus, SubItemStatus
from counter_app.domain.catalogue import CaseKind
from counter_app.domain.clock import business_date, fmt_local
from counter_app.domain.masking import mask_id, mask_phone
from counter_app.domain.sla import Sla, worst
from counter_app.services.backoffice import cases_of_day, open_cases, sla_of, worklist
from counter_app.services.context import Deps
from counter_app.store.models import Applicant, Case


@dataclass(frozen=True)
class CaseRow:
    case_no: str
    title: str
    applicant: str  # name
    applicant_id: str  # masked
    status: str
    status_label: str
    kind: str  # 即办 / 承诺 / 混合
    sla: Sla
    sla_text: str
    accepted_at: str
    due_date: date | None


@dataclass(frozen=True)
class WorkRow:
    item_id: int
    case_no: str
    item_code: str
    item_name: str
    unit_code: str
    unit_name: str
    applicant: str
    applicant_id: str
    accepted_at: str
    due_date: date | None
    sla: Sla
    sla_text: str
    case_status: str


def _case_row(case: Case, deps: Deps, now: datetime) -> CaseRow:
    views = [sla_of(i, now, deps.calendar) for i in case.items]
    most = worst(views)
    kinds = {CaseKind(i.case_kind) for i in case.items}
    kind = {frozenset({CaseKind.INSTANT}): "即办", frozenset({CaseKind.PROMISED}): "承诺"}.get(
        frozenset(kinds), "混合"
    )
    status = CaseStatus(case.status)
    if not status.was_accepted or most is None:
        sla, text = Sla.DONE, status.label
    else:
        sla, text = most.state, most.text
    return CaseRow(
        case_no=case.case_no,
        title=case.title,
        applicant=case.applicant.name,
        applicant_id=mask_id(case.applicant.id_number),
        status=case.status,
        status_label=status.label,
        kind=kind,
        sla=sla,
        sla_text=text,
        accepted_at=fmt_local(case.accepted_at),
        due_date=case.due_date,
    )


def desk_cases(session: Session, deps: Deps, window_no: str | None) -> list[CaseRow]:
    """Today's cases at this window plus every open case, most urgent first."""
    now = deps.clock()
    seen: dict[str, Case] = {}
    for case in open_cases(session, window_no=window_no) + cases_of_day(
        session, business_date(now), window_no=window_no
    ):
        seen.setdefault(case.case_no, case)
    rows = [_case_row(c, deps, now) for c in seen.values()]
    rows.sort(key=lambda r: (r.sla.rank, r.due_date or date.max, r.case_no))
    return rows


def work_rows(session: Session, deps: Deps, unit_code: str | None) -> list[WorkRow]:
    now = deps.clock()
    rows = []
    for item in worklist(session, unit_code):
        view = sla_of(item, now, deps.calendar)
        rows.append(
            WorkRow(
                item_id=item.id,
                case_no=item.case.case_no,
                item_code=item.item_code,
                item_name=item.item_name,
                unit_code=item.unit_code,
                unit_name=item.unit_name,
                applicant=item.case.applicant.name,
                applicant_id=mask_id(item.case.applicant.id_number),
                accepted_at=fmt_local(item.case.accepted_at),
                due_date=item.due_date,
                sla=view.state,
                sla_text=view.text,
                case_status=item.case.status,
            )
        )
    rows.sort(key=lambda r: (r.sla.rank, r.due_date or date.max, r.item_id))
    return rows


def history_count(session: Session, id_number: str) -> int:
    """How many earlier cases the applicant has (shown on the applicant panel)."""
    stmt = select(func.count(Case.id)).join(Applicant).where(Applicant.id_number == id_number)
    return int(session.scalar(stmt) or 0)


# ---- one case in full (case show, the case detail view) ------------------------------------


@dataclass(frozen=True)
class ApplicantLine:
    name: str
    id_number: str  # masked unless asked
    phone: str  # masked unless asked


@dataclass(frozen=True)
class SubItemLine:
    item_code: str
    item_name: str
    unit: str
    unit_name: str
    status: str
    status_label: str
    due_date: date | None
    note: str


@dataclass(frozen=True)
class MaterialLine:
    code: str
    name: str
    status: str
    status_label: str
    promised_date: date | None
    supplied_at: datetime | None


@dataclass(frozen=True)
class CaseDetail:
    case_no: str
    status: str
    status_label: str
    title: str
    bundle: str | None
    channel: str
    accepted_at: datetime
    due_date: date | None
    completed_at: datetime | None
    applicant: ApplicantLine
    sub_items: tuple[SubItemLine, ...]
    materials: tuple[MaterialLine, ...]
    form_values: dict[str, str]
    situations: dict[str, str]
    warnings: tuple[str, ...]
    reason: str

    def as_json(self) -> dict[str, object]:
        def day(d: date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "case_no": self.case_no,
            "status": self.status,
            "status_label": self.status_label,
            "title": self.title,
            "bundle": self.bundle,
            "channel": self.channel,
            "accepted_at": self.accepted_at.isoformat(),
            "due_date": day(self.due_date),
            "completed_at": self.completed_at.isoformat() if self.completed_at else None,
            "applicant": {
                "name": self.applicant.name,
                "id_number": self.applicant.id_number,
                "phone": self.applicant.phone,
            },
            "sub_items": [
                {
                    "item_code": i.item_code,
                    "item_name": i.item_name,
                    "unit": i.unit,
                    "unit_name": i.unit_name,
                    "status": i.status,
                    "due_date": day(i.due_date),
                    "note": i.note,
                }
                for i in self.sub_items
            ],
            "materials": [
                {
                    "code": m.code,
                    "name": m.name,
                    "status": m.status,
                    "promised_date": day(m.promised_date),
                    "supplied_at": m.supplied_at.isoformat() if m.supplied_at else None,
                }
                for m in self.materials
            ],
            "form": dict(self.form_values),
            "situations": dict(self.situations),
            "warnings": list(self.warnings),
            "reason": self.reason,
        }


def case_detail(case: Case, *, unmasked: bool = False) -> CaseDetail:
    person = case.applicant
    status = CaseStatus(case.status)
    return CaseDetail(
        case_no=case.case_no,
        status=status.value,
        status_label=status.label,
        title=case.title,
        bundle=case.bundle_code,
        channel=str(case.channel),
        accepted_at=case.accepted_at,
        due_date=case.due_date,
        completed_at=case.completed_at,
        applicant=ApplicantLine(
            person.name,
            person.id_number if unmasked else mask_id(person.id_number),
            person.phone if unmasked else mask_phone(person.phone),
        ),
        sub_items=tuple(
            SubItemLine(
                i.item_code, i.item_name, i.unit_code, i.unit_name, str(i.status),
                SubItemStatus(i.status).label, i.due_date, i.note,
            )
            for i in case.items
        ),
        materials=tuple(
            MaterialLine(
                m.material_code, m.name, str(m.status), MaterialStatus(m.status).label,
                m.promised_date, m.supplied_at,
            )
            for m in case.materials
        ),
        form_values={str(k): str(v) for k, v in (case.form_values or {}).items()},
        situations={str(k): str(v) for k, v in (case.situations or {}).items()},
        warnings=tuple(case.warnings or ()),
        reason=case.reason,
    )
