"""好差评 rules, no I/O: the five levels by meaning, bad-rating reasons, not-rated
causes, and the code tables that exist only at the export boundary.

Why meanings and not numbers: GB/T 39046 codes 1 = 非常满意 … 5 = 非常不满意 while
the provincial report interfaces code 1 = 非常不满意 … 5 = 非常满意 (domain.md §4).
A stored "5" would be ambiguous forever; a stored "very_satisfied" never is. Codes
are produced per target by `satisfaction_code` when a record leaves the building.

Glossary: rating 评价, visit 一次服务 (一次一评), participation rate 参评率,
good rate 好评率, bad rating 差评, follow-up 差评整改, callback 回访,
verification 核实, appeal 申诉复核, rectification 整改, feedback 反馈.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from counter_app.domain.transitions import LabelledEnum, Transitions
from counter_app.domain.workcal import WorkCalendar

#: Working days an applicant has to add a rating after the visit (Shandong).
ADD_RATING_WORKING_DAYS = 5


class RatingError(ValueError):
    """A rating that cannot be stored; the message is Chinese."""


class Satisfaction(StrEnum):
    """The five levels, named by meaning. Order of declaration: best first."""

    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    BASIC = "basically_satisfied"
    DISSATISFIED = "dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_bad(self) -> bool:
        """差评 = 不满意 or 非常不满意."""
        return self in (Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED)

    @classmethod
    def from_label(cls, label: str) -> Satisfaction:
        for level, text in _LABELS.items():
            if text == label.strip():
                return level
        raise RatingError(f"未知的评价等级: {label}")


_LABELS = {
    Satisfaction.VERY_SATISFIED: "非常满意",
    Satisfaction.SATISFIED: "满意",
    Satisfaction.BASIC: "基本满意",
    Satisfaction.DISSATISFIED: "不满意",
    Satisfaction.VERY_DISSATISFIED: "非常不满意",
}

LEVELS_BEST_FIRST: tuple[Satisfaction, ...] = tuple(Satisfaction)


def good_levels(include_basic: bool) -> frozenset[Satisfaction]:
    """Levels that count as 好评 (whether 基本满意 counts is a hall setting)."""
    good = {Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED}
    if include_basic:
        good.add(Satisfaction.BASIC)
    return frozenset(good)


# ---- code tables (export boundary only) ------------------------------------------


class CodeOrder(StrEnum):
    """How a target numbers the five levels."""

    REPORT = "report"  # provincial report interfaces: 5 非常满意 … 1 非常不满意
    GBT39046 = "gbt39046"  # GB/T 39046-2020: 1 非常满意 … 5 非常不满意


_BEST_IS_FIVE = {level: 5 - i for i, level in enumerate(LEVELS_BEST_FIRST)}
_BEST_IS_ONE = {level: 1 + i for i, level in enumerate(LEVELS_BEST_FIRST)}


def satisfaction_code(level: Satisfaction, order: CodeOrder | str = CodeOrder.REPORT) -> int:
    table = _BEST_IS_FIVE if CodeOrder(order) is CodeOrder.REPORT else _BEST_IS_ONE
    return table[level]


def satisfaction_from_code(code: int, order: CodeOrder | str = CodeOrder.REPORT) -> Satisfaction:
    table = _BEST_IS_FIVE if CodeOrder(order) is CodeOrder.REPORT else _BEST_IS_ONE
    for level, value in table.items():
        if value == code:
            return level
    raise RatingError(f"评价等级代码须为 1–5: {code}")


def from_pad_level(level: int) -> Satisfaction:
    """The evaluation pad (protocol v1) numbers levels like the report interfaces."""
    return satisfaction_from_code(level, CodeOrder.REPORT)


# ---- reasons -----------------------------------------------------------------------


class Reason(StrEnum):
    """Why a rating is bad: the tags the pad shows (pad-protocol.md reason bits)."""

    ATTITUDE = "attitude"
    SLOW = "slow"
    NOT_TOLD_AT_ONCE = "not_told_at_once"
    TOO_MANY_MATERIALS = "too_many_materials"
    UNCLEAR_GUIDE = "unclear_guide"
    MANY_TRIPS = "many_trips"
    SYSTEM_FAULT = "system_fault"
    FACILITIES = "facilities"
    UNFAIR = "unfair"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    Reason.ATTITUDE: "服务态度差",
    Reason.SLOW: "办事效率低、等候时间长",
    Reason.NOT_TOLD_AT_ONCE: "未一次性告知",
    Reason.TOO_MANY_MATERIALS: "材料要求多、重复提交",
    Reason.UNCLEAR_GUIDE: "办事指南不清晰",
    Reason.MANY_TRIPS: "多次跑动",
    Reason.SYSTEM_FAULT: "系统或设备故障",
    Reason.FACILITIES: "环境设施差",
    Reason.UNFAIR: "不公正、不廉洁",
    Reason.OTHER: "其他",
}


def reasons_from_labels(labels: Iterable[str]) -> list[Reason]:
    """Reason tags by their Chinese text (as a pad driver reports them); unknown
    texts become OTHER so a bad rating never loses its reason."""
    by_label = {text: reason for reason, text in _REASON_LABELS.items()}
    out: list[Reason] = []
    for label in labels:
        reason = by_label.get(label.strip(), Reason.OTHER)
        if reason not in out:
            out.append(reason)
    return out


def reason_labels(reasons: Iterable[str]) -> list[str]:
    return [Reason(r).label for r in reasons]


# ---- not rated ---------------------------------------------------------------------


class NotRatedCause(LabelledEnum):
    TIMEOUT = "timeout", "超时未评价"
    CANCELLED = "cancelled", "已取消"
    PAD_OFFLINE = "pad_offline", "评价器离线"


# ---- a rating session ------------------------------------------------------------


class SessionState(LabelledEnum):
    OPEN = "open", "等待评价"
    RATED = "rated", "已评价"
    NOT_RATED = "not_rated", "未评价"


class SessionAction(LabelledEnum):
    RATE = "rate", "记录评价"
    NOT_RATED = "not_rated", "记为未评价"


SESSION_TRANSITIONS: Transitions[SessionState, SessionAction] = Transitions.of(
    "评价会话",
    [
        (SessionState.OPEN, SessionAction.RATE, SessionState.RATED),
        (SessionState.OPEN, SessionAction.NOT_RATED, SessionState.NOT_RATED),
    ],
)


class RatingOutcome(LabelledEnum):
    RATED = "rated", "已评价"
    NOT_RATED = "not_rated", "未评价"


class RatingChannel(LabelledEnum):
    """Where a rating was given (pf: the pad at the window is 5)."""

    WINDOW_PAD = "window_pad", "窗口评价器"
    SOFT_PAD = "soft_pad", "窗口评价屏"
    ONLINE = "online", "网上补充评价"


# ---- a rating to store -----------------------------------------------------------------


@dataclass(frozen=True)
class RatingInput:
    """What the applicant chose. A bad rating must carry a chosen or written reason."""

    level: Satisfaction
    reasons: tuple[Reason, ...] = ()
    comment: str = ""

    def __post_init__(self) -> None:
        if self.level.is_bad and not self.reasons and not self.comment.strip():
            raise RatingError("差评须选择或填写原因")


def _reason(text: Reason | str) -> Reason:
    """A reason by its code (attitude) or its words (服务态度差)."""
    if isinstance(text, Reason):
        return text
    value = str(text).strip()
    for reason in Reason:
        if value in (reason.value, reason.label):
            return reason
    known = "；".join(f"{r.value}（{r.label}）" for r in Reason)
    raise RatingError(f"未知的差评原因“{value}”，可用：{known}")


def reason_help() -> str:
    return "；".join(f"{r.value}={r.label}" for r in Reason)


def rating_input(
    level: Satisfaction | str, reasons: Iterable[Reason | str] = (), comment: str = ""
) -> RatingInput:
    """Build a RatingInput from loose values (CLI, JSON); raises RatingError."""
    try:
        lvl = level if isinstance(level, Satisfaction) else Satisfaction(level)
    except ValueError:
        lvl = Satisfaction.from_label(str(level))
    rs = tuple(dict.fromkeys(_reason(r) for r in reasons))
    # Reasons only mean something on a bad rating; the pad sends none otherwise.
    return RatingInput(lvl, rs if lvl.is_bad else (), comment.strip())


# ---- adding a rating later ---------------------------------------------------------------


def add_rating_deadline(visit_day: date, calendar: WorkCalendar,
                        days: int = ADD_RATING_WORKING_DAYS) -> date:
    """Last day an applicant may add a rating for a visit on `visit_day`."""
    return calendar.add_working_days(visit_day, days).due


# ---- rates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A rate with its parts and its formula: every report states how it counts."""

    numerator: int
    denominator: int
    formula: str

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent_text(self) -> str:
        v = self.value
        return "—" if v is None else f"{v * 100:.1f}%"

    def as_json(self) -> dict[str, object]:
        v = self.value
        return {
            "value": None if v is None else round(v, 4),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "formula": self.formula,
        }


PARTICIPATION_FORMULA = (
    "参评率 = 已评价的服务次数 ÷ 服务次数（一次一评；未评价含超时、取消、评价器离线）"
)


def good_rate_formula(include_basic: bool) -> str:
    good = "非常满意 + 满意 + 基本满意" if include_basic else "非常满意 + 满意"
    return f"好评率 = ({good}) ÷ 评价总数"


CALLBACK_FORMULA = "实名差评回访率 = 已回访的实名差评 ÷ 实名差评（目标 100%）"
RECTIFY_FORMULA = "差评整改率 = 已整改或申诉不予采纳的差评 ÷ 差评"
TIMELY_FORMULA = "整改及时率 = 在整改期限内完成整改的差评 ÷ 已整改的差评"


def level_counts(levels: Iterable[Satisfaction]) -> Mapping[Satisfaction, int]:
    counts = dict.fromkeys(LEVELS_BEST_FIRST, 0)
    for level in levels:
        counts[level] += 1
    return counts
