"""Formatting shared by the papers: dates, windows, tellers, material states.

Dates print in ISO form (2026-10-12): unambiguous, sortable, and what the
applicant types into the online service to look the case up.
"""

from __future__ import annotations

from datetime import date, datetime

from printing.papers import CasePaper, Office, PaperMaterial

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

BLANK_DATE = "______年____月____日"
"""A date the applicant fills in by hand."""


def fmt_date(d: date | None, *, weekday: bool = False) -> str:
    """``2026-10-12`` or, with ``weekday``, ``2026-10-12（星期一）``; "—" for None."""
    if d is None:
        return "—"
    if isinstance(d, datetime):
        d = d.date()
    text = d.isoformat()
    return f"{text}（{WEEKDAYS[d.weekday()]}）" if weekday else text


def fmt_datetime(dt: datetime | None) -> str:
    """``2026-09-29 10:12``; "—" for None."""
    return "—" if dt is None else dt.strftime("%Y-%m-%d %H:%M")


def window_label(office: Office) -> str:
    """``3号窗口`` from a bare window number; a label that already says so stays."""
    no = office.window_no.strip()
    if not no:
        return "—"
    if no.endswith("窗口"):
        return no
    return f"{no}窗口" if no.endswith("号") else f"{no}号窗口"


def teller_label(office: Office) -> str:
    """``张晓明（工号 J0301）``."""
    if office.teller_staff_no:
        return f"{office.teller_name}（工号 {office.teller_staff_no}）"
    return office.teller_name


def material_note(m: PaperMaterial, paper: CasePaper) -> str:
    """The remark column of a material row."""
    if m.status == "容缺":
        return f"容缺受理，承诺于 {fmt_date(tolerance_deadline(m, paper))} 前补交"
    if m.status == "共享获取":
        return "通过数据共享获取，无需提交"
    if m.status == "无需提供":
        return m.note or "本次无需提供"
    if m.status == "未提供":
        return "须补正"
    if m.supplied is not None:
        return f"{fmt_date(m.supplied)} 补交"
    return ""


def tolerance_deadline(m: PaperMaterial, paper: CasePaper) -> date | None:
    """The date a tolerated material must be supplied by.

    The promised date, but never past the case's committed completion date
    (容缺 rules): a promise beyond it is cut back to ``paper.due``.
    """
    if m.promised is None:
        return paper.due
    if paper.due is not None and m.promised > paper.due:
        return paper.due
    return m.promised


def legal_bases(paper: CasePaper) -> list[str]:
    """Distinct legal bases of the case's items, in item order."""
    seen: list[str] = []
    for item in paper.items:
        basis = item.legal_basis.strip()
        if basis and basis not in seen:
            seen.append(basis)
    return seen


def item_bases(paper: CasePaper) -> list[tuple[str, str]]:
    """(item names, legal basis) per distinct basis: items sharing a basis are
    named together, in item order."""
    grouped: dict[str, list[str]] = {}
    for item in paper.items:
        basis = item.legal_basis.strip().rstrip("。；;")
        if basis:
            grouped.setdefault(basis, []).append(item.name)
    return [("、".join(names), basis) for basis, names in grouped.items()]


def limit_rule(paper: CasePaper) -> str:
    """How the time limits of the case's items are counted, in one sentence: working
    days leave out weekends and holidays, natural days do not (民法典 §201, §203)."""
    units = {item.limit_unit for item in paper.items if item.committed != "即时办结"}
    natural = ("按自然日计算的，法定节假日和休息日计入，期限最后一日为法定节假日或休息日的，"
               "顺延至其后第一个工作日")
    working = "按工作日计算的，法定节假日和休息日不计入"
    if units == {"natural"}:
        return f"本件办理时限{natural}。"
    if units == {"working"}:
        return f"本件办理时限{working}。"
    if not units:
        return "本件各事项均即时办结。"
    return f"本件办理时限以上表所列为准：{working}；{natural}。"


def materials_with(paper: CasePaper, status: str) -> list[PaperMaterial]:
    return [m for m in paper.materials if m.status == status]


def qr_target(paper: CasePaper) -> str:
    """What the QR code on a paper points at.

    ``office.rating_url`` when set (a ``{case_no}`` placeholder in it is filled
    in), else the bare case number.
    """
    url = paper.office.rating_url.strip()
    if not url:
        return paper.case_no
    return url.replace("{case_no}", paper.case_no)
