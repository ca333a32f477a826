"""Plain read models for screens: rows to show, no ORM objects across threads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter_app.domain.clock import business_date, fmt_local
from counter_app.domain.masking import mask_id
from counter_app.services.acceptance import STATUS_LABELS, CaseStatus
from counter_app.services.backoffice import Sla, cases_of_day, open_cases, sla_of, worklist
from counter_app.services.context import Deps
from counter_app.store.models import Applicant, Case

_RANK = {Sla.OVERDUE: 0, Sla.DUE_SOON: 1, Sla.OK: 2, Sla.DONE: 3}


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
    worst = min(views, key=lambda v: _RANK[v.state]) if views else None
    kinds = {i.case_kind for i in case.items}
    kind = "即办" if kinds == {"instant"} else "承诺" if kinds == {"promised"} else "混合"
    if case.status in (CaseStatus.REJECTED, CaseStatus.SUPPLEMENT) or worst is None:
        sla, text = Sla.DONE, STATUS_LABELS.get(case.status, case.status)
    else:
        sla, text = worst.state, worst.text
    return CaseRow(
        case_no=case.case_no,
        title=case.title,
        applicant=case.applicant.name,
        applicant_id=mask_id(case.applicant.id_number),
        status=case.status,
        status_label=STATUS_LABELS.get(case.status, case.status),
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
    rows.sort(key=lambda r: (_RANK[r.sla], r.due_date or date.max, r.case_no))
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
    rows.sort(key=lambda r: (_RANK[r.sla], r.due_date or date.max, r.item_id))
    return rows


def history_count(session: Session, id_number: str) -> int:
    """How many earlier cases the applicant has (shown on the applicant panel)."""
    stmt = select(func.count(Case.id)).join(Applicant).where(Applicant.id_number == id_number)
    return int(session.scalar(stmt) or 0)
