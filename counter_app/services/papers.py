"""Turn a stored case into the plain data the printing layer draws, and print it."""

from __future__ import annotations

from pathlib import Path

from counter_app.config import CaseSettings, HallSettings
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


def _paper_item(item: CaseItem) -> PaperItem:
    status = ""
    if item.status != SubItemStatus.PENDING:
        status = SubItemStatus(item.status).label
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
    )


def build_paper(
    case: Case, hall: HallSettings, cases: CaseSettings, doc: str, teller: User | None = None
) -> CasePaper:
    try:
        kind = PaperKind(doc)
    except ValueError:
        raise PaperError(f"未知文书“{doc}”，可选：{'、'.join(PaperKind)}") from None
    teller = teller or case.teller
    items = case.items
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
    return CasePaper(
        case_no=case.case_no,
        doc_no=doc_no(case.case_no, kind.mark),
        title=case.title,
        applicant_name=person.name,
        applicant_id_masked=mask_id(person.id_number),
        applicant_id_full=person.id_number,
        applicant_phone_masked=mask_phone(person.phone),
        accepted_at=local(case.accepted_at),  # papers show the hall's wall clock
        office=office,
        items=tuple(_paper_item(i) for i in items),
        materials=tuple(
            PaperMaterial(
                name=m.name,
                form=MaterialForm(m.form).label,
                count=m.count,
                status=MaterialStatus(m.status).label,
                promised=m.promised_date,
                standard=m.standard,
            )
            for m in case.materials
        ),
        due=case.due_date,
        warnings=tuple(case.warnings or ()),
        reason=case.reason,
        completed_at=local(case.completed_at) if case.completed_at else None,
        supplement_deadline=case.supplement_deadline,
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
