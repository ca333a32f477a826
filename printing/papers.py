"""Plain data the counter papers are drawn from.

counter_app builds these from a stored case; the renderers in printing.pdf draw them.
Nothing here knows about the database or the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Office:
    hall_name: str  # e.g. "济南市历下区人力资源和社会保障局政务服务大厅"
    window_no: str  # "3"
    teller_name: str
    teller_staff_no: str
    phone: str = ""  # the hall's own phone
    supervision_phone: str = "12345 / 12333"
    rating_url: str = ""  # QR code target for 好差评 / case status


@dataclass(frozen=True)
class PaperItem:
    code: str
    name: str
    unit_name: str
    case_kind: str  # "即办件" / "承诺件"
    statutory: str  # "20个工作日"
    committed: str  # "5个工作日" / "即时办结"
    due: date | None
    speedup: bool = False  # 提速办
    legal_basis: str = ""
    status: str = ""  # for the completion notice: "已办结" / "已退回：…"
    result: str = ""  # outcome text per sub-item on the completion notice
    limit_unit: str = "working"  # "working" 工作日 / "natural" 自然日 (the committed limit)
    waits_for: str = ""  # 分段办理: names of the items it waits for ("" = none)


@dataclass(frozen=True)
class PaperMaterial:
    name: str
    form: str  # "原件" / "复印件" / "原件及复印件"
    count: int
    status: str  # "已收取" / "共享获取" / "容缺" / "无需提供" / "未提供"
    promised: date | None = None  # 容缺: date the applicant promised to supply it by
    standard: str = ""
    note: str = ""  # e.g. 按情形“就业方式：灵活就业”免予提交
    supplied: date | None = None  # handed in after the application (容缺 / 补正)


@dataclass(frozen=True)
class CasePaper:
    """Everything a counter paper of one case may show."""

    case_no: str
    doc_no: str  # document number, e.g. "受字〔2026〕第20261126-0001号"
    title: str  # the business: bundle name or the single item's name
    applicant_name: str
    applicant_id_masked: str
    applicant_id_full: str  # only papers the applicant signs show it in full
    applicant_phone_masked: str
    accepted_at: datetime
    office: Office
    items: tuple[PaperItem, ...]
    materials: tuple[PaperMaterial, ...]
    due: date | None = None  # the latest committed completion date of the case
    warnings: tuple[str, ...] = ()  # notes for staff: never printed
    reason: str = ""  # 不予受理 / 终止 reason
    completed_at: datetime | None = None
    supplement_deadline: date | None = None  # 一次性告知: supply by
    extra: dict[str, str] = field(default_factory=dict)
    agent: str = ""  # 代办人, certificate number masked: "李娜（370102********1237，子女）"
    applicant_kind: str = "person"  # "person" / "unit"
    credit_code: str = ""  # a unit's 统一社会信用代码, in full (public)
    legal_rep: str = ""  # a unit's 法定代表人
    time_label: str = "受理时间"  # "收件时间" on the papers of a case not accepted
    organ_name: str = ""  # the administrative organ: decisions are issued in its name
    review_body: str = ""  # 行政复议机关 named on a 不予受理 notice
    court: str = ""  # the people's court named on a 不予受理 notice
    notices: tuple[str, ...] = ()  # notes for the applicant (never notes for staff)

    @property
    def is_unit(self) -> bool:
        return self.applicant_kind == "unit"

    @property
    def agent_label(self) -> str:
        return "单位经办人" if self.is_unit else "代办人"
