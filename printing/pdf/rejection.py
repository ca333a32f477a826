"""不予受理通知书: the reason, its legal basis, and the applicant's remedies."""

from __future__ import annotations

from reportlab.platypus import Flowable

from printing.papers import CasePaper
from printing.pdf import blocks, layout
from printing.pdf.texts import fmt_datetime, legal_bases

TITLE = "不予受理通知书"

REMEDY = (
    "如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，"
    "或者自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。"
)


def story(paper: CasePaper) -> list[Flowable]:
    st = layout.styles()
    out: list[Flowable] = layout.title_block(TITLE, paper.doc_no)
    out.append(layout.info_table(blocks.applicant_rows(paper) + blocks.case_rows(paper, due=False)))
    out.append(layout.para(f"{paper.applicant_name}：", st.body_flush))
    reason = paper.reason.strip().rstrip("。") or "不符合受理条件"
    bases = legal_bases(paper)
    basis = f"根据{'、'.join(bases)}的规定，" if bases else ""
    out.append(layout.rich(
        [
            (f"您于 {fmt_datetime(paper.accepted_at)} 申请办理的“{paper.title}”，经审查，因", None),
            (reason, blocks.ALERT_HEX),
            (f"，{basis}本机关决定不予受理。", None),
        ],
        st.body,
    ))
    out += layout.heading("涉及事项")
    out.append(blocks.simple_items_table(paper.items))
    out += layout.heading("权利告知")
    out.append(layout.para(REMEDY, st.body))
    out.append(layout.para(
        "如您补充材料或条件发生变化后符合受理条件，可以重新提出申请。如有疑问，请咨询经办人"
        f"或拨打监督电话 {paper.office.supervision_phone}。",
        st.body,
    ))
    out.append(layout.signature_block(
        blocks.applicant_sign_lines("申请人（签收）"),
        blocks.office_sign_lines(paper),
    ))
    out.append(layout.note("本通知书一式两份，受理单位与申请人各执一份。"))
    return out
