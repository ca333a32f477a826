"""不予受理通知书: a decision of the administrative organ (行政许可法 §32): the items,
the reason, its legal basis, and the applicant's remedies with the bodies to turn
to and their time limits (行政复议法 §20: 60 days; 行政诉讼法 §46: 6 months)."""

from __future__ import annotations

from reportlab.platypus import Flowable

from printing.papers import CasePaper
from printing.pdf import blocks, layout
from printing.pdf.texts import fmt_datetime, legal_bases

TITLE = "不予受理通知书"


def remedy(paper: CasePaper) -> str:
    """The right to review and to sue, naming the bodies where the hall configured
    them (a generic phrase otherwise)."""
    review = f"向{paper.review_body}申请行政复议" if paper.review_body else "依法申请行政复议"
    court = f"向{paper.court}提起行政诉讼" if paper.court else "依法向人民法院提起行政诉讼"
    return (
        f"如对本决定不服，可以自收到本通知书之日起六十日内{review}，"
        f"或者自收到本通知书之日起六个月内{court}。"
    )


def story(paper: CasePaper) -> list[Flowable]:
    st = layout.styles()
    organ = paper.organ_name or paper.office.hall_name
    out: list[Flowable] = layout.title_block(TITLE, paper.doc_no)
    out.append(layout.info_table(blocks.applicant_rows(paper) + blocks.case_rows(paper, due=False)))
    out.append(layout.para(f"{paper.applicant_name}：", st.body_flush))
    reason = paper.reason.strip().rstrip("。") or "不符合受理条件"
    # a reason that cites its own law (the preset reasons do) is the decision's basis;
    # the items' bases again would name the same article twice
    bases = [] if "《" in reason else legal_bases(paper)
    basis = f"根据{'、'.join(bases)}的规定，" if bases else ""
    you = "贵单位" if paper.is_unit else "您"
    out.append(layout.rich(
        [
            (f"{you}于 {fmt_datetime(paper.accepted_at)} 提出的“{paper.title}”申请"
             f"（共 {len(paper.items)} 项事项，见下表），经审查，因", None),
            (reason, blocks.ALERT_HEX),
            (f"，{basis}本机关决定不予受理。", None),
        ],
        st.body,
    ))
    out += layout.heading("不予受理的事项")
    out.append(blocks.simple_items_table(paper.items))
    out += layout.heading("权利告知")
    out.append(layout.para(remedy(paper), st.body))
    out.append(layout.closing(
        [layout.para(
            "如补充材料或条件发生变化后符合受理条件，可以重新提出申请。如有疑问，请咨询经办人"
            f"或拨打监督电话 {paper.office.supervision_phone}。",
            st.body,
        )],
        layout.signature_block(
            blocks.applicant_sign_lines("申请人（签收）", paper),
            blocks.office_sign_lines(paper, seal="（印章）", organ=True),
            keep=False,
        ),
        [layout.note(f"本通知书一式两份，{organ}与申请人各执一份。")],
    ))
    return out
