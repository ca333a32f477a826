"""一次性告知书（补正材料通知书）: every missing material, told once and completely."""

from __future__ import annotations

from reportlab.platypus import Flowable

from printing.papers import CasePaper
from printing.pdf import blocks, layout
from printing.pdf.texts import fmt_date, fmt_datetime, materials_with, teller_label, window_label

TITLE = "一次性告知书"
SUBTITLE = "（补正材料通知书）"


def story(paper: CasePaper) -> list[Flowable]:
    st = layout.styles()
    office = paper.office
    missing = materials_with(paper, "未提供")
    out: list[Flowable] = layout.title_block(TITLE, paper.doc_no, subtitle=SUBTITLE)
    out.append(layout.info_table(blocks.applicant_rows(paper) + blocks.case_rows(paper, due=False)))

    out.append(layout.para(f"{paper.applicant_name}：", st.body_flush))
    you = "贵单位" if paper.is_unit else "您"
    out.append(layout.para(
        f"{you}于 {fmt_datetime(paper.accepted_at)} 申请办理的“{paper.title}”，经审查，"
        f"申请材料不齐全或者不符合法定形式。现将需要补正的全部材料一次性告知如下"
        f"（共 {len(missing)} 项）：",
        st.body,
    ))
    out.append(blocks.missing_materials_table(missing))

    out += layout.heading("补正要求")
    if paper.supplement_deadline is not None:
        deadline = [
            ("请于 ", None),
            (fmt_date(paper.supplement_deadline, weekday=True), blocks.ALERT_HEX),
            (f" 前将上述材料补齐，送至{window_label(office)}。", None),
        ]
    else:
        deadline = [(f"请将上述材料补齐后送至{window_label(office)}。", None)]
    out.append(layout.rich(
        [("1. ", None), *deadline,
         ("材料补齐并符合要求的，自材料补齐之日起受理，办理时限自该日起计算；"
          "逾期未补正的，视为撤回申请，需重新提出申请。", None)],
        st.tip,
    ))
    out.append(layout.para(
        "2. 除上述材料外，本机关不再要求您提供其他材料；如对本告知有疑问，可向经办人咨询，"
        f"或拨打监督电话 {office.supervision_phone}。",
        st.tip,
    ))
    contact = f"3. 经办人：{teller_label(office)}；受理窗口：{window_label(office)}"
    if office.phone:
        contact += f"；联系电话：{office.phone}"
    out.append(layout.closing(
        [layout.para(contact + "。", st.tip)],
        layout.signature_block(
            blocks.applicant_sign_lines("申请人（签收）", paper),
            blocks.office_sign_lines(paper),
            keep=False,
        ),
        [layout.note("本告知书一式两份，受理单位与申请人各执一份。")],
    ))
    return out
