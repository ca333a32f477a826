"""办结通知（业务办理确认单）: each item's outcome, confirmed by the applicant."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from printing import fonts
from printing.papers import CasePaper, PaperItem
from printing.pdf import blocks, layout
from printing.pdf.layout import InfoRow
from printing.pdf.texts import BLANK_DATE, fmt_date, fmt_datetime, teller_label, window_label

TITLE = "办结通知"
SUBTITLE = "（业务办理确认单）"

_NOT_DONE = ("退回", "不予", "终止", "未办结", "驳回")


def _is_setback(status: str) -> bool:
    return any(word in status for word in _NOT_DONE)


def _split_status(item: PaperItem) -> tuple[str, str]:
    """``("已退回", "培训合格证书未上传")`` from ``"已退回：培训合格证书未上传"``.

    The short state goes in the narrow status column, the detail to the result.
    """
    status = item.status.strip() or "已办结"
    head, sep, detail = status.partition("：")
    return (head, detail.strip()) if sep else (status, "")


def _status_cell(item: PaperItem) -> Paragraph:
    st = layout.styles()
    status, _ = _split_status(item)
    text = fonts.markup(status)
    if _is_setback(status):
        text = f'<font color="{blocks.ALERT_HEX}">{text}</font>'
    return Paragraph(text, st.cell_centre)


def _result_text(item: PaperItem) -> str:
    status, detail = _split_status(item)
    parts = [f"{status.removeprefix('已')}原因：{detail}"] if detail else []
    if item.result:
        parts.append(item.result)
    return "；".join(parts) or "—"


def story(paper: CasePaper) -> list[Flowable]:
    st = layout.styles()
    office = paper.office
    out: list[Flowable] = layout.title_block(TITLE, paper.doc_no, subtitle=SUBTITLE)
    out.append(layout.info_table(
        blocks.applicant_rows(paper)
        + [
            InfoRow("业务名称", paper.title, span=True),
            InfoRow("受理时间", fmt_datetime(paper.accepted_at),
                    "办结时间", fmt_datetime(paper.completed_at)),
            InfoRow("受理窗口", window_label(office), "经办人", teller_label(office)),
        ]
    ))
    out.append(layout.para(f"{paper.applicant_name}：", st.body_flush))
    setbacks = [i for i in paper.items if _is_setback(i.status)]
    summary = (
        f"其中 {len(setbacks)} 项未能办结，原因见办理结果" if setbacks else "各事项均已办结"
    )
    when = f"已于 {fmt_datetime(paper.completed_at)} " if paper.completed_at else "已"
    you = "贵单位" if paper.is_unit else "您"
    out.append(layout.para(
        f"{you}于 {fmt_datetime(paper.accepted_at)} 申请办理的“{paper.title}”{when}办理完毕，"
        f"{summary}。办理情况如下：",
        st.body,
    ))
    rows = [
        [str(n), blocks.item_name_cell(item), item.unit_name, _status_cell(item),
         _result_text(item)]
        for n, item in enumerate(paper.items, 1)
    ]
    out.append(layout.grid_table(
        ["序号", "事项名称及编码", "承办单位", "办理状态", "办理结果"],
        rows,
        [11, 46, 32, 18, 63],
        centre_cols=(0,),
    ))
    out += layout.heading("温馨提示")
    tips = [
        "请核对上述办理结果；确认无误后在下方签字。如有异议，请当场向经办人提出。",
        "扫描右上角二维码可查询办件详情，并对本次服务进行评价（好差评）；评价完全自愿。",
        f"如对办理结果有意见或建议，请拨打监督电话 {office.supervision_phone}。",
    ]
    paras = [layout.para(f"{i}. {t}", st.tip) for i, t in enumerate(tips, 1)]
    out += paras[:-1]
    issued = paper.completed_at.date() if paper.completed_at else None
    who = "申请单位经办人确认（签字）" if paper.is_unit else "申请人确认（签字）"
    left: list = ["以上办理结果已核对，确认无误。", layout.sign_field(who)]
    if paper.is_unit:
        left.append("申请单位（盖章）")
    left.append(f"日期：{BLANK_DATE}")
    out.append(layout.closing(
        paras[-1:],
        layout.signature_block(
            left, blocks.office_sign_lines(paper, seal="（业务专用章）", issued=issued),
            keep=False,
        ),
        [layout.note(f"办结日期：{fmt_date(issued)}。本确认单一式两份，经办机构与申请人各执一份。")],
    ))
    return out
