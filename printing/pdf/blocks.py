"""Blocks of case content several papers share: applicant box, item and material tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.platypus import Flowable, Paragraph

from printing import fonts
from printing.papers import CasePaper, PaperItem, PaperMaterial
from printing.pdf import layout
from printing.pdf.layout import InfoRow
from printing.pdf.texts import (
    BLANK_DATE,
    fmt_date,
    fmt_datetime,
    material_note,
    teller_label,
    tolerance_deadline,
    window_label,
)

GREY_HEX = "#555555"
ALERT_HEX = "#B00020"


def applicant_rows(paper: CasePaper, *, full_id: bool = False) -> list[InfoRow]:
    """A person: name, certificate number (masked unless ``full_id``), phone, agent.
    A unit: its name, credit code (public, in full), legal representative, phone and
    the 经办人 who acts for it."""
    if paper.is_unit:
        return [
            InfoRow("申请单位", paper.applicant_name, span=True),
            InfoRow("统一社会信用代码", paper.credit_code or paper.applicant_id_full,
                    "法定代表人", paper.legal_rep or "—"),
            InfoRow("联系电话", paper.applicant_phone_masked or "—",
                    paper.agent_label, paper.agent or "—"),
        ]
    id_text = paper.applicant_id_full if full_id else paper.applicant_id_masked
    rows = [
        InfoRow("申请人", paper.applicant_name, "证件号码", id_text),
        InfoRow("联系电话", paper.applicant_phone_masked or "—",
                paper.agent_label, paper.agent or "—"),
    ]
    return rows


def case_rows(paper: CasePaper, *, due: bool = True) -> list[InfoRow]:
    """Business, acceptance (or, for a case not accepted, receipt) time, window and
    teller (and the committed date)."""
    rows = [InfoRow("业务名称", paper.title, span=True)]
    if due:
        rows.append(
            InfoRow(paper.time_label, fmt_datetime(paper.accepted_at),
                    "承诺办结日期", fmt_date(paper.due, weekday=True))
        )
    else:
        rows.append(InfoRow(paper.time_label, fmt_datetime(paper.accepted_at), span=True))
    rows.append(
        InfoRow("受理窗口", window_label(paper.office), "经办人", teller_label(paper.office))
    )
    return rows


def _cell(markup: str, centre: bool = False) -> Paragraph:
    st = layout.styles()
    return Paragraph(markup, st.cell_centre if centre else st.cell)


def item_name_cell(item: PaperItem) -> Paragraph:
    """Item name with its code beneath in small grey type."""
    code = f'<br/><font size="7.5" color="{GREY_HEX}">{fonts.markup(item.code)}</font>'
    return _cell(fonts.markup(item.name) + (code if item.code else ""))


def committed_cell(item: PaperItem) -> Paragraph:
    """Committed limit, with a 【提速办】 mark for sped-up items."""
    text = fonts.markup(item.committed or "—")
    if item.speedup:
        text += f'<br/><font color="{ALERT_HEX}">{fonts.markup("【提速办】")}</font>'
    return _cell(text, centre=True)


def _due_cell(item: PaperItem) -> str | Paragraph:
    """The completion date; for an item waiting for another (分段办理) when its clock
    starts instead."""
    if item.waits_for and item.due is None:
        return _cell(f'<font size="8">{fonts.markup("前置事项办结后起算")}</font>', centre=True)
    return fmt_date(item.due)


def items_table(items: Sequence[PaperItem]) -> Flowable:
    """序号 | 事项名称及编码 | 承办单位 | 办件类型 | 法定时限 | 承诺时限 | 办结日期."""
    rows = [
        [
            str(i),
            item_name_cell(item),
            item.unit_name,
            item.case_kind,
            item.statutory or "—",
            committed_cell(item),
            _due_cell(item),
        ]
        for i, item in enumerate(items, 1)
    ]
    return layout.grid_table(
        ["序号", "事项名称及编码", "承办单位", "办件类型", "法定时限", "承诺时限", "办结日期"],
        rows,
        [10, 43, 30, 16, 21, 21, 24],
        centre_cols=(0, 3, 4, 6),
    )


def simple_items_table(items: Sequence[PaperItem]) -> Flowable:
    """序号 | 事项名称 | 事项编码 | 承办单位: for papers that need no time limits."""
    rows = [[str(i), item.name, item.code or "—", item.unit_name]
            for i, item in enumerate(items, 1)]
    return layout.grid_table(["序号", "事项名称", "事项编码", "承办单位"], rows,
                             [11, 70, 45, 46], centre_cols=(0,))


def _status_cell(m: PaperMaterial) -> Paragraph:
    text = fonts.markup(m.status)
    if m.status in ("容缺", "未提供"):
        text = f'<font color="{ALERT_HEX}">{text}</font>'
    return _cell(text, centre=True)


def _count(m: PaperMaterial) -> str:
    return "—" if m.status in ("共享获取", "无需提供") else str(m.count)


def materials_table(paper: CasePaper, materials: Sequence[PaperMaterial]) -> Flowable:
    """序号 | 材料名称 | 形式 | 份数 | 状态 | 备注 (with the 容缺 deadline)."""
    rows = [
        [str(i), m.name, m.form, _count(m), _status_cell(m), material_note(m, paper)]
        for i, m in enumerate(materials, 1)
    ]
    return layout.grid_table(
        ["序号", "材料名称", "形式", "份数", "状态", "备注"],
        rows,
        [10, 56, 25, 11, 17, 51],
        centre_cols=(0, 2, 3),
    )


def missing_materials_table(materials: Sequence[PaperMaterial]) -> Flowable:
    """序号 | 材料名称 | 形式 | 份数 | 材料要求: the 一次性告知 list."""
    rows = [
        [str(i), m.name, m.form, str(m.count), m.standard or "符合法定形式，内容真实有效"]
        for i, m in enumerate(materials, 1)
    ]
    return layout.grid_table(
        ["序号", "需补正材料名称", "形式", "份数", "材料要求及标准"],
        rows,
        [11, 55, 22, 11, 74],
        centre_cols=(0, 2, 3),
    )


def tolerated_table(paper: CasePaper, materials: Sequence[PaperMaterial]) -> Flowable:
    """序号 | 容缺材料 | 形式 | 份数 | 补交方式 | 补交期限."""
    how = f"到{window_label(paper.office)}现场提交"
    rows = [
        [
            str(i),
            m.name,
            m.form,
            str(m.count),
            how,
            _cell(f'<font color="{ALERT_HEX}">'
                  f"{fonts.markup(fmt_date(tolerance_deadline(m, paper)))}</font>",
                  centre=True),
        ]
        for i, m in enumerate(materials, 1)
    ]
    return layout.grid_table(
        ["序号", "容缺材料名称", "形式", "份数", "补交方式", "补交期限"],
        rows,
        [11, 60, 22, 11, 43, 26],
        centre_cols=(0, 2, 3),
    )


def office_sign_lines(
    paper: CasePaper, *, seal: str = "（盖章）", issued: date | None = None,
    organ: bool = False,
) -> list[str]:
    """The right column of a signature block: office, seal note, date of issue.

    ``issued`` defaults to the acceptance date. ``organ``: a decision, issued in the
    name of the administrative organ rather than its service hall.
    """
    name = (paper.organ_name or paper.office.hall_name) if organ else paper.office.hall_name
    return [name, seal, fmt_date(issued or paper.accepted_at.date())]


def applicant_sign_lines(label: str = "申请人（签字）",
                         paper: CasePaper | None = None) -> list[str | Flowable]:
    """The applicant's lines; for a unit its 经办人 signs and the unit seals."""
    if paper is not None and paper.is_unit:
        label = label.replace("申请人", "申请单位经办人")
        return [layout.sign_field(label), "申请单位（盖章）", f"日期：{BLANK_DATE}"]
    return [layout.sign_field(label), f"日期：{BLANK_DATE}"]
