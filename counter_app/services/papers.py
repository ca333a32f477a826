"""Turn a stored case into the plain data the printing layer draws, and print it."""

from __future__ import annotations

from pathlib import Path

from counter_app.config import CaseSettings, HallSettings
from counter_app.domain.applicant import ApplicantKind
from counter_app.domain.application import MaterialStatus
from counter_app.domain.case import CaseStatus, PaperKind, SubItemStatus, papers_for
from counter_app.domain.caseno import doc_no
from counter_app.domain.catalogue import CaseKind, MaterialForm, TimeLimit
from counter_app.domain.clock import local
from counter_app.domain.masking import mask_id, mask_phone
from counter_app.domain.workcal import LimitUnit
from counter_app.store.models import Case, CaseItem, User
from printing.papers import CasePaper, Office, PaperItem, PaperMaterial


class PaperError(ValueError):
    pass


def available_papers(case: Case) -> tuple[str, ...]:
    """The documents that make sense for this case now."""
    kinds = papers_for(
        case.status,
        tolerated=any(m.status == MaterialStatus.TOLERATED for m in case.materials),
        pays_money=any(i.pays_money for i in case.items),
    )
    return tuple(k.value for k in kinds)


def _limit(days: int, unit: str) -> str:
    return TimeLimit(days, LimitUnit(unit)).label


def _paper_item(item: CaseItem, names: dict[str, str]) -> PaperItem:
    status = ""
    if item.status != SubItemStatus.PENDING:
        status = SubItemStatus(item.status).label
    waits = ""
    if item.status == SubItemStatus.WAITING:
        waits = "、".join(f"“{names[c]}”" for c in (item.depends_on or ()) if c in names)
    return PaperItem(
        code=item.item_code,
        name=item.item_name,
        unit_name=item.unit_name,
        case_kind=CaseKind(item.case_kind).label,
        statutory=_limit(item.statutory_days, item.statutory_unit),
        committed=_limit(item.committed_days, item.committed_unit),
        due=item.due_date,
        speedup=item.speedup,
        status=status,
        result=item.note if item.status != SubItemStatus.PENDING else "",
        legal_basis=item.legal_basis or "",
        limit_unit=item.committed_unit,
        waits_for=waits,
    )


def _agent(case: Case) -> str:
    """代办人 as printed: name, masked certificate number, relation."""
    if not case.agent_name:
        return ""
    parts = [mask_id(case.agent_id_number)]
    if case.agent_relation:
        parts.append(case.agent_relation)
    return f"{case.agent_name}（{'，'.join(parts)}）"


def _notices(case: Case) -> tuple[str, ...]:
    """What the applicant should know beyond the tables (never notes for staff)."""
    out = []
    years = sorted({i.due_date.year for i in case.items if i.due_estimated and i.due_date})
    if years:
        out.append(
            f"{'、'.join(map(str, years))}年的法定节假日安排尚未公布，相关办结日期按现行规则"
            "计算；国务院公布放假安排后如有变化，以调整后的日期为准。"
        )
    names = {i.item_code: i.item_name for i in case.items}
    for item in case.items:
        if item.status == SubItemStatus.WAITING:
            first = "、".join(f"“{names[c]}”" for c in (item.depends_on or ()) if c in names)
            limit = _limit(item.committed_days, item.committed_unit)
            out.append(
                f"“{item.item_name}”须待{first}办结后办理（分段办理），"
                f"自{first}办结之日起{limit}内办结，届时另行告知办结日期。"
            )
    return tuple(out)


def build_paper(
    case: Case, hall: HallSettings, cases: CaseSettings, doc: str, teller: User | None = None
) -> CasePaper:
    try:
        kind = PaperKind(doc)
    except ValueError:
        raise PaperError(f"未知文书“{doc}”，可选：{'、'.join(PaperKind)}") from None
    teller = teller or case.teller
    items = case.items
    names = {i.item_code: i.item_name for i in case.items}
    if doc == "credit":
        items = [i for i in case.items if i.pays_money]
    office = Office(
        hall_name=hall.name,
        window_no=case.window_no or hall.window_no,
        teller_name=teller.name if teller else "网上受理",
        teller_staff_no=teller.staff_no if teller else "",
        phone=hall.phone,
        rating_url=f"{cases.rating_url}{case.case_no}",
    )
    person = case.applicant
    unit = case.applicant_kind == ApplicantKind.UNIT
    status = CaseStatus(case.status)
    # 受理时间 only where the case was accepted: a 补正 case from the day its materials
    # were complete (行政许可法 §32); the others were only received (收件时间)
    at = case.materials_complete_at or case.accepted_at
    if kind is PaperKind.SUPPLEMENT or not status.was_accepted:
        at = case.accepted_at
    accepted = status.was_accepted and kind is not PaperKind.SUPPLEMENT
    return CasePaper(
        case_no=case.case_no,
        doc_no=doc_no(case.case_no, kind.mark),
        title=case.title,
        applicant_name=case.applicant_name or person.name,
        applicant_id_masked=person.id_number if unit else mask_id(person.id_number),
        applicant_id_full=person.id_number,
        # a unit's phone is its office line, not personal data
        applicant_phone_masked=case.applicant_phone if unit else mask_phone(case.applicant_phone),
        accepted_at=local(at),  # papers show the hall's wall clock
        office=office,
        items=tuple(_paper_item(i, names) for i in items),
        materials=tuple(
            PaperMaterial(
                name=m.name,
                form=MaterialForm(m.form).label,
                count=m.count,
                status=MaterialStatus(m.status).label,
                promised=m.promised_date,
                standard=m.standard,
                note=m.note or "",
                supplied=local(m.supplied_at).date() if m.supplied_at else None,
            )
            for m in case.materials
        ),
        due=case.due_date,
        warnings=tuple(case.warnings or ()),
        reason=case.reason,
        completed_at=local(case.completed_at) if case.completed_at else None,
        supplement_deadline=case.supplement_deadline,
        agent=_agent(case),
        applicant_kind=str(case.applicant_kind),
        credit_code=person.id_number if unit else "",
        legal_rep=case.applicant_legal_rep,
        time_label="受理时间" if accepted else "收件时间",
        organ_name=hall.organ_name,
        review_body=hall.review_body,
        court=hall.court,
        notices=_notices(case),
        extra={"received_at": local(case.accepted_at).strftime("%Y-%m-%d %H:%M")}
        if accepted and case.materials_complete_at else {},
    )


def render(case: Case, hall: HallSettings, cases: CaseSettings, doc: str, out: Path) -> Path:
    """Write the named paper of the case to a PDF file."""
    from printing.pdf import DOCUMENTS  # reportlab: loaded with the first paper, not at start

    if doc not in available_papers(case):
        raise PaperError(
            f"办件{case.case_no}（{CaseStatus(case.status).label}）"
            f"不能打印“{doc}”，可打印：{'、'.join(available_papers(case))}"
        )
    paper = build_paper(case, hall, cases, doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    DOCUMENTS[doc](paper, out)
    return out
