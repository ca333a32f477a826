"""Turn a stored case into the plain data the printing layer draws, and print it."""

from __future__ import annotations

from pathlib import Path

from counter_app.config import Settings
from counter_app.domain.application import MATERIAL_STATUS_LABELS, MaterialStatus
from counter_app.domain.caseno import doc_no
from counter_app.domain.catalogue import CaseKind, MaterialForm, TimeLimit
from counter_app.domain.clock import local
from counter_app.domain.masking import mask_id, mask_phone
from counter_app.domain.workcal import LimitUnit
from counter_app.services.backoffice import SUB_STATUS_LABELS
from counter_app.store.models import Case, CaseItem, User
from printing.papers import CasePaper, Office, PaperItem, PaperMaterial

# Which paper goes with which case state. Titles come from printing.pdf.
DOC_KINDS = {
    "receipt": "受",
    "supplement": "补",
    "tolerance": "容",
    "credit": "信",
    "rejection": "不",
    "completion": "结",
}


class PaperError(ValueError):
    pass


def available_papers(case: Case) -> tuple[str, ...]:
    """The documents that make sense for this case now."""
    from counter_app.services.acceptance import CaseStatus

    if case.status == CaseStatus.REJECTED:
        return ("rejection",)
    if case.status == CaseStatus.SUPPLEMENT:
        return ("supplement",)
    docs = ["receipt"]
    if any(m.status == MaterialStatus.TOLERATED for m in case.materials):
        docs.append("tolerance")
    if any(i.pays_money for i in case.items):
        docs.append("credit")
    if case.status == CaseStatus.COMPLETE:
        docs.append("completion")
    return tuple(docs)


def _limit(days: int, unit: str) -> str:
    return TimeLimit(days, LimitUnit(unit)).label


def _paper_item(item: CaseItem) -> PaperItem:
    status = ""
    if item.status != "pending":
        status = SUB_STATUS_LABELS.get(item.status, item.status)
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
        result=item.note if item.status != "pending" else "",
    )


def build_paper(case: Case, settings: Settings, doc: str, teller: User | None = None) -> CasePaper:
    if doc not in DOC_KINDS:
        raise PaperError(f"未知文书“{doc}”，可选：{'、'.join(DOC_KINDS)}")
    teller = teller or case.teller
    items = case.items
    if doc == "credit":
        items = [i for i in case.items if i.pays_money]
    office = Office(
        hall_name=settings.hall_name,
        window_no=case.window_no or settings.window_no,
        teller_name=teller.name if teller else "网上受理",
        teller_staff_no=teller.staff_no if teller else "",
        phone=settings.hall_phone,
        rating_url=f"{settings.rating_url}{case.case_no}",
    )
    person = case.applicant
    return CasePaper(
        case_no=case.case_no,
        doc_no=doc_no(case.case_no, DOC_KINDS[doc]),
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
                status=MATERIAL_STATUS_LABELS[MaterialStatus(m.status)],
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


def render(case: Case, settings: Settings, doc: str, out: Path) -> Path:
    """Write the named paper of the case to a PDF file."""
    from printing.pdf import DOCUMENTS

    if doc not in available_papers(case):
        from counter_app.services.acceptance import STATUS_LABELS

        raise PaperError(
            f"办件{case.case_no}（{STATUS_LABELS.get(case.status, case.status)}）"
            f"不能打印“{doc}”，可打印：{'、'.join(available_papers(case))}"
        )
    paper = build_paper(case, settings, doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    DOCUMENTS[doc](paper, out)
    return out
