"""政务服务差评事项核查整改情况报告单: what the bad rating said, the callback, the
verification, the appeal or the rectification, and the feedback to the applicant.

Takes plain data (`ReportSheet`); the counter fills it from its follow-up ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from printing.pdf import layout, plain
from printing.pdf.layout import InfoRow

TITLE = "政务服务差评事项核查整改情况报告单"


@dataclass(frozen=True)
class SheetStep:
    label: str  # 回访 / 核实 / 整改 …
    actor: str
    at: str  # local time text
    what: str


@dataclass(frozen=True)
class ReportSheet:
    hall_name: str
    sheet_no: str
    case_no: str
    business: str
    window_no: str
    teller: str
    rated_at: str
    level: str
    reasons: Sequence[str]
    comment: str
    applicant: str  # masked name or 匿名
    applicant_id: str  # masked
    applicant_phone: str  # masked
    real_name: bool
    channel: str = "窗口评价器"
    callbacks: Sequence[SheetStep] = field(default_factory=tuple)
    verification: Sequence[SheetStep] = field(default_factory=tuple)
    finding: str = ""
    appeal: Sequence[SheetStep] = field(default_factory=tuple)
    rectification: Sequence[SheetStep] = field(default_factory=tuple)
    rectify_mode: str = ""
    rectify_due: str = ""
    rectified_at: str = ""
    feedback: Sequence[SheetStep] = field(default_factory=tuple)
    status: str = ""
    report_due: str = ""
    supervision_phone: str = ""
    printed_at: str = ""


def _steps(steps: Sequence[SheetStep], empty: str = "—") -> str:
    if not steps:
        return empty
    return "\n".join(f"{s.at}  {s.actor}（{s.label}）：{s.what}" for s in steps)


def story(sheet: ReportSheet) -> list[Flowable]:
    st = layout.styles()
    out: list[Flowable] = layout.title_block(TITLE, f"编号：{sheet.sheet_no}")
    reasons = "、".join(sheet.reasons) if sheet.reasons else "—"
    person = f"{sheet.applicant}（实名）" if sheet.real_name else "匿名"
    out += layout.heading("一、差评基本情况")
    out.append(layout.info_table([
        InfoRow("办件编号", sheet.case_no, "评价时间", sheet.rated_at),
        InfoRow("办理事项", sheet.business or "—", span=True),
        InfoRow("受理窗口", f"{sheet.window_no}号窗口" if sheet.window_no else "—",
                "经办人", sheet.teller or "—"),
        InfoRow("评价人", person, "证件号码", sheet.applicant_id or "—"),
        InfoRow("联系电话", sheet.applicant_phone or "—", "评价渠道", sheet.channel),
        InfoRow("评价等级", sheet.level, "差评原因", reasons),
        InfoRow("评价内容", sheet.comment or "—", span=True),
    ]))
    out += layout.heading("二、回访核实情况")
    out.append(layout.info_table([
        InfoRow("回访情况", _steps(sheet.callbacks, "未回访"), span=True),
        InfoRow("核实情况", _steps(sheet.verification, "未核实"), span=True),
        InfoRow("核实结论", sheet.finding or "—", span=True),
    ]))
    out += layout.heading("三、申诉复核及整改情况")
    rows = []
    if sheet.appeal:
        rows.append(InfoRow("申诉复核", _steps(sheet.appeal), span=True))
    rows += [
        InfoRow("整改方式", sheet.rectify_mode or "—", "整改期限", sheet.rectify_due or "—"),
        InfoRow("整改措施", _steps(sheet.rectification, "—"), span=True),
        InfoRow("整改完成", sheet.rectified_at or "—", "报告期限", sheet.report_due or "—"),
    ]
    out.append(layout.info_table(rows))
    out += layout.heading("四、反馈情况")
    out.append(layout.info_table([
        InfoRow("反馈申请人", _steps(sheet.feedback, "未反馈"), span=True),
        InfoRow("办理状态", sheet.status or "—", span=True),
    ]))
    out.append(Spacer(1, 4 * mm))
    out.append(layout.signature_block(
        [layout.sign_field("承办窗口负责人（签字）"), "日期：______年____月____日"],
        [sheet.hall_name, "（盖章）", "______年____月____日"],
    ))
    out.append(layout.note(
        f"本报告单在整改完成后按期报送。监督电话：{sheet.supervision_phone}。"
        f"打印时间：{sheet.printed_at}。"
    ))
    out.append(layout.para("", st.small))
    return out


def pdf_bytes(sheet: ReportSheet) -> bytes:
    furniture = plain.Furniture(
        header_left=sheet.hall_name,
        header_right=f"差评工单 {sheet.sheet_no}　办件 {sheet.case_no}",
        footer_left=f"监督电话：{sheet.supervision_phone}",
        footer_right=f"经办窗口：{sheet.window_no}号" if sheet.window_no else "",
    )
    return plain.build(story(sheet), furniture, title=f"{TITLE} {sheet.sheet_no}",
                       subject=sheet.case_no)


def render(sheet: ReportSheet, path: Path | str) -> Path:
    layout.write_pdf(pdf_bytes(sheet), path)
    return Path(path)
