"""The bad-rating loop (差评工单), no I/O: its states, its steps, the one transition
table, its deadlines.

Every bad rating is called back (回访), verified (核实), then either appealed as
wrong or malicious (申诉 → 复核: upheld → 不予采纳) or rectified (立行立改, 列入台账
限期整改, or 解释说明 when there is no legal basis), and the applicant gets feedback
(反馈). The 政务服务差评事项核查整改情况报告单 is due a few working days after
rectifying (报送).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from counter_app.domain.sla import Sla, SlaView, working_day_sla
from counter_app.domain.transitions import LabelledEnum, Transitions
from counter_app.domain.workcal import WorkCalendar


class FollowUpStatus(LabelledEnum):
    OPEN = "open", "待回访"
    CALLED_BACK = "called_back", "待核实"
    VERIFIED = "verified", "待整改"
    APPEALING = "appealing", "申诉复核中"
    RECTIFYING = "rectifying", "整改中"
    RECTIFIED = "rectified", "待反馈"
    NOT_ADOPTED = "not_adopted", "不予采纳·待反馈"
    CLOSED = "closed", "已办结"


class StepKind(LabelledEnum):
    """A step of a follow-up: the same names in the CLI, the screens and the store."""

    OPENED = "opened", "生成工单"
    CALLBACK = "callback", "回访"
    VERIFY = "verify", "核实"
    APPEAL = "appeal", "申诉"
    REVIEW = "review", "申诉复核"
    RECTIFY = "rectify", "整改"
    RECTIFY_DONE = "rectify_done", "整改完成"
    FEEDBACK = "feedback", "反馈申请人"
    REPORT = "report", "报送报告单"

    @classmethod
    def parse(cls, text: str) -> StepKind:
        """A step named on the command line: `rectify-done` or `rectify_done`."""
        return cls(text.strip().lower().replace("-", "_"))


class Finding(LabelledEnum):
    VALID = "valid", "情况属实"
    NO_BASIS = "no_basis", "诉求无政策依据"
    WRONG = "wrong", "误评"
    MALICIOUS = "malicious", "恶意差评"

    @property
    def appealable(self) -> bool:
        return self in (Finding.WRONG, Finding.MALICIOUS)


class RectifyMode(LabelledEnum):
    NOW = "now", "立行立改"
    LEDGER = "ledger", "列入台账限期整改"
    EXPLAIN = "explain", "解释说明"


_F = FollowUpStatus
FOLLOWUP_TRANSITIONS: Transitions[FollowUpStatus, StepKind] = Transitions.of(
    "工单",
    [
        # an unreached callback is recorded and leaves the state as it was
        (_F.OPEN, StepKind.CALLBACK, (_F.CALLED_BACK, _F.OPEN)),
        (_F.CALLED_BACK, StepKind.CALLBACK, _F.CALLED_BACK),
        (_F.CALLED_BACK, StepKind.VERIFY, _F.VERIFIED),
        (_F.VERIFIED, StepKind.RECTIFY, (_F.RECTIFIED, _F.RECTIFYING)),
        (_F.VERIFIED, StepKind.APPEAL, _F.APPEALING),
        (_F.APPEALING, StepKind.REVIEW, (_F.NOT_ADOPTED, _F.VERIFIED)),
        (_F.RECTIFYING, StepKind.RECTIFY_DONE, _F.RECTIFIED),
        (_F.RECTIFIED, StepKind.FEEDBACK, _F.CLOSED),
        (_F.NOT_ADOPTED, StepKind.FEEDBACK, _F.CLOSED),
        (_F.RECTIFIED, StepKind.REPORT, _F.RECTIFIED),
        (_F.NOT_ADOPTED, StepKind.REPORT, _F.NOT_ADOPTED),
        (_F.CLOSED, StepKind.REPORT, _F.CLOSED),
    ],
)


def next_steps(status: FollowUpStatus | str, finding: str | None = None) -> tuple[StepKind, ...]:
    """The steps a person may take now (the enabled buttons): the transition table's,
    less 申诉 after a finding that cannot be appealed (情况属实, 无政策依据)."""
    steps = FOLLOWUP_TRANSITIONS.allowed(FollowUpStatus(status))
    if FollowUpStatus(status) is FollowUpStatus.VERIFIED and not (
            finding and Finding(finding).appealable):
        steps = tuple(s for s in steps if s is not StepKind.APPEAL)
    return steps


CHANNEL_LABELS = {"window_pad": "窗口评价器", "soft_pad": "窗口评价屏", "online": "网上补充评价"}


@dataclass(frozen=True)
class Policy:
    """Deadlines in working days (Dezhou 5 and 5; Taiyuan 10; Sichuan 15)."""

    rectify_days: int = 5
    report_days: int = 5
    due_soon_days: int = 1


@dataclass(frozen=True)
class Deadlines:
    """What the follow-up's clock needs to know."""

    status: FollowUpStatus
    rectify_due: date | None
    rectified: bool
    report_due: date | None
    reported: bool


def followup_sla(d: Deadlines, today: date, calendar: WorkCalendar, policy: Policy) -> SlaView:
    """Against the deadline that matters now: rectification, then the report."""
    settled = d.rectified or d.status is FollowUpStatus.NOT_ADOPTED
    if not settled and d.status is not FollowUpStatus.CLOSED:
        due, what = d.rectify_due, "整改"
    elif not d.reported and d.report_due is not None:
        due, what = d.report_due, "报告单"
    else:
        return SlaView(Sla.DONE, "已办结" if d.status is FollowUpStatus.CLOSED else "已报送")
    if due is None:
        return SlaView(Sla.OK, "")
    return working_day_sla(due, today, calendar, soon_days=policy.due_soon_days, what=what)
