"""受理通知书（回执）: what the applicant takes home when a case is accepted."""

from __future__ import annotations

from reportlab.platypus import Flowable

from printing.papers import CasePaper
from printing.pdf import blocks, layout
from printing.pdf.texts import (
    fmt_date,
    fmt_datetime,
    item_bases,
    limit_rule,
    materials_with,
    window_label,
)

TITLE = "受理通知书（回执）"


def story(paper: CasePaper) -> list[Flowable]:
    st = layout.styles()
    tolerated = materials_with(paper, "容缺")
    out: list[Flowable] = layout.title_block(TITLE, paper.doc_no)
    out.append(layout.info_table(blocks.applicant_rows(paper) + blocks.case_rows(paper)))

    out.append(layout.para(f"{paper.applicant_name}：", st.body_flush))
    outcome = "符合受理条件，决定予以受理"
    if tolerated:
        outcome = (f"基本条件具备、主要材料齐全，决定予以容缺受理"
                   f"（{len(tolerated)}项材料容缺，须按期补交）")
    you = "贵单位" if paper.is_unit else "您"
    received = paper.extra.get("received_at")
    if received:  # a 补正 case: accepted from the day its materials were complete
        intro = (f"{you}于 {received} 申请办理的“{paper.title}”，已于 "
                 f"{fmt_datetime(paper.accepted_at)} 补齐全部材料，经审查，{outcome}"
                 "（自材料补齐之日起受理，办理时限自该日起计算）。")
    else:
        intro = (f"{you}于 {fmt_datetime(paper.accepted_at)} 申请办理的“{paper.title}”，"
                 f"经审查，{outcome}。")
    waiting = [i for i in paper.items if i.waits_for and i.due is None]
    if paper.due is not None and waiting:  # 分段办理: their dates come later
        parts = [(intro + "除分段办理的事项外，本件承诺于 ", None),
                 (fmt_date(paper.due, weekday=True), blocks.ALERT_HEX),
                 (" 前办结；分段办理事项的办结日期见特别提示。现将有关事项告知如下：", None)]
    elif paper.due is not None:
        parts = [(intro + "本件承诺于 ", None),
                 (fmt_date(paper.due, weekday=True), blocks.ALERT_HEX),
                 (" 前办结。现将有关事项告知如下：", None)]
    else:  # nothing to promise a date for (e.g. instant items only)
        parts = [(intro + "现将有关事项告知如下：", None)]
    out.append(layout.rich(parts, st.body))

    out += layout.heading("一、办理事项")
    out.append(blocks.items_table(paper.items))
    if paper.notices:  # for the applicant; notes for staff stay on the screens
        out.append(layout.alert_box("【特别提示】", paper.notices))

    out += layout.heading("二、申请材料")
    out.append(blocks.materials_table(paper, paper.materials))

    out += layout.heading("三、办理依据")
    bases = item_bases(paper)
    if len(bases) == 1 and len(paper.items) == 1:
        out.append(layout.para(f"{bases[0][1]}。", st.body))
    elif bases:
        out += [layout.para(f"{i}. {names}：{basis}。", st.tip)
                for i, (names, basis) in enumerate(bases, 1)]
    else:
        out.append(layout.para("相关法律、法规、规章及本地经办规程。", st.body))

    out += layout.heading("四、温馨提示")
    tips = [
        f"请妥善保管本通知书，凭本通知书及有效身份证件到{window_label(paper.office)}"
        f"领取办理结果或查询办理进度。{limit_rule(paper)}",
    ]
    if tolerated:
        tips.append("容缺材料请在补交期限前补齐；逾期未补齐或所补材料不符合要求的，本件终止办理。")
    tips.append("扫描右上角二维码可查询办理进度，并对本次服务进行评价（好差评）；"
                "评价完全自愿，您的评价信息不会提供给他人。")
    tips.append(f"如对办理过程有意见或建议，请拨打监督电话 {paper.office.supervision_phone}。")
    paras = [layout.para(f"{i}. {t}", st.tip) for i, t in enumerate(tips, 1)]
    out += paras[:-1]
    out.append(layout.closing(
        paras[-1:],
        layout.signature_block(
            blocks.applicant_sign_lines("申请人（签收）", paper),
            blocks.office_sign_lines(paper, seal="（受理专用章）"),
            keep=False,
        ),
        [layout.note("本通知书一式两份，受理单位与申请人各执一份。")],
    ))
    return out
