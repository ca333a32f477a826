"""Rules of the hall queue (叫号), no I/O: categories, numbers, the order in which
tickets are called, recall limits, the no-show window and where a reactivated
ticket rejoins.

Glossary: ticket 号票 (one visit), category 业务类别 (letter prefix), window 窗口,
call 叫号, recall 重呼, no-show 过号, reactivate 过号激活, transfer 转移,
park 挂起, pause 暂停服务, priority 优先 (老年人, 军人, 残疾人 …).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from counter_app.domain.clock import local
from counter_app.domain.transitions import LabelledEnum, Transitions

DEFAULT_CATEGORIES: dict[str, str] = {
    "A": "就业创业",
    "B": "社会保险",
    "C": "人事人才",
    "D": "劳动关系",
    "E": "社保卡",
}
PRIORITY_REASONS = ("老年人", "军人", "残疾人", "孕妇", "其他")
PAUSE_REASONS = ("休息", "业务咨询", "会议", "系统故障", "其他")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PREFIX = re.compile(r"^[A-Z]{1,2}$")


class QueueError(Exception):
    """A queue action that cannot be done; the message is Chinese, for the teller."""


class TicketStatus(LabelledEnum):
    WAITING = "waiting", "等候"
    SERVING = "serving", "办理中"  # called to a window
    PARKED = "parked", "挂起"
    NO_SHOW = "no_show", "过号"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已取消"


class TicketAction(LabelledEnum):
    CALL = "call", "叫号"
    RECALL = "recall", "重呼"
    NO_SHOW = "no_show", "过号"
    REACTIVATE = "reactivate", "过号激活"
    TRANSFER = "transfer", "转移"
    PARK = "park", "挂起"
    UNPARK = "unpark", "取回"
    DONE = "done", "办结"
    CANCEL = "cancel", "取消"


_T = TicketStatus
#: A done ticket with a return goes back to waiting at its first window.
TICKET_TRANSITIONS: Transitions[TicketStatus, TicketAction] = Transitions.of(
    "号票",
    [
        (_T.WAITING, TicketAction.CALL, _T.SERVING),
        (_T.SERVING, TicketAction.RECALL, _T.SERVING),
        (_T.SERVING, TicketAction.NO_SHOW, _T.NO_SHOW),
        (_T.NO_SHOW, TicketAction.REACTIVATE, _T.WAITING),
        (_T.SERVING, TicketAction.TRANSFER, _T.WAITING),
        (_T.SERVING, TicketAction.PARK, _T.PARKED),
        (_T.PARKED, TicketAction.UNPARK, _T.SERVING),
        (_T.SERVING, TicketAction.DONE, (_T.DONE, _T.WAITING)),
        (_T.WAITING, TicketAction.CANCEL, _T.CANCELLED),
    ],
)


class TransactionOutcome(LabelledEnum):
    """How one stretch of service at a window ended ("" while it runs)."""

    OPEN = "", "办理中"
    DONE = "done", "办结"
    TRANSFER = "transfer", "转移"
    NO_SHOW = "no_show", "过号"
    PARK = "park", "挂起"


class OutcomeCode(LabelledEnum):
    """What came of one stretch of service (办结 F7 asks for it; a digit chooses):
    stored on the transaction with a CHECK, counted in the statistics."""

    COMPLETED = "completed", "办结"
    INFORMED = "informed", "一次性告知"
    REJECTED = "rejected", "不予受理"
    REFERRED = "referred", "转办"
    CONSULTED = "consulted", "咨询"
    NO_PAPERS = "no_papers", "未带材料"
    OTHER = "other", "其他"

    @property
    def digit(self) -> str:
        return str(list(OutcomeCode).index(self) + 1)

    @classmethod
    def parse(cls, text: str) -> OutcomeCode:
        """A code from its digit (1–7), its value (completed) or its label (办结)."""
        token = str(text).strip()
        for code in cls:
            if token in (code.digit, code.value, code.label):
                return code
        known = "、".join(f"{c.digit} {c.label}" for c in cls)
        raise QueueError(f"没有办理结果 {token}（可选：{known}）")


def outcome_refusal(code: OutcomeCode | None, note: str) -> str:
    """Why an outcome cannot be stored as given ("" if it can)."""
    if code is OutcomeCode.OTHER and not note.strip():
        return "办理结果为“其他”时请填写说明"
    if len(note.strip()) > 255:
        return "说明不能超过 255 个字"
    return ""


class StillServing(QueueError):
    """Call next (or a walk-in) while a ticket is served, without naming that ticket
    as the one to finish: the teller is asked first (a stale confirmation names
    another ticket and is refused the same way)."""

    def __init__(self, number: str, ticket_id: int, window_no: str) -> None:
        super().__init__(
            f"{window_no}号窗口正在办理 {number}：请确认结束本次服务后再叫下一位"
        )
        self.number, self.ticket_id, self.window_no = number, ticket_id, window_no


class ServingElsewhere(QueueError):
    """One teller, one window: the teller still holds a ticket at another window."""

    def __init__(self, number: str, window_no: str) -> None:
        super().__init__(
            f"您在 {window_no} 号窗口还有在办的号 {number}：请先在 {window_no} 号窗口"
            "办结、转移或过号，再到本窗口叫号"
        )
        self.number, self.window_no = number, window_no


@dataclass(frozen=True)
class Category:
    prefix: str
    name: str


def parse_categories(value: Mapping[str, str] | str) -> tuple[Category, ...]:
    """Categories from the settings: a TOML table {A = "就业创业"} or "A=就业创业,B=…"."""
    if isinstance(value, str):
        pairs: list[tuple[str, str]] = []
        for part in re.split(r"[,，;；]", value):
            if part.strip():
                prefix, sep, name = part.partition("=")
                if not sep:
                    raise ValueError(f"业务类别格式应为 字母=名称: {part.strip()}")
                pairs.append((prefix, name))
    else:
        pairs = list(value.items())
    out: list[Category] = []
    for prefix, name in pairs:
        prefix, name = str(prefix).strip().upper(), str(name).strip()
        if not _PREFIX.match(prefix):
            raise ValueError(f"业务类别前缀应为一到两个大写字母: {prefix}")
        if not name:
            raise ValueError(f"业务类别 {prefix} 缺少名称")
        if any(c.prefix == prefix for c in out):
            raise ValueError(f"业务类别前缀重复: {prefix}")
        out.append(Category(prefix, name))
    if not out:
        raise ValueError("至少需要一个业务类别")
    return tuple(out)


@dataclass(frozen=True)
class QueueRules:
    categories: tuple[Category, ...] = field(
        default_factory=lambda: parse_categories(DEFAULT_CATEGORIES)
    )
    recall_max: int = 3
    recall_gap_seconds: int = 30  # a recall only after this gap since the last call
    no_show_minutes: int = 30
    rejoin_behind: int = 3
    walk_in_category: str = ""  # "" = the window's first category
    priority_run: int = 0  # 0: priority always first; N: one ordinary after N priority
    priority_age: int = 70  # 0: no automatic priority by age
    number_digits: int = 3

    def category(self, prefix: str) -> Category:
        prefix = prefix.strip().upper()
        for c in self.categories:
            if c.prefix == prefix:
                return c
        known = "、".join(f"{c.prefix} {c.name}" for c in self.categories)
        raise QueueError(f"没有业务类别 {prefix}（可选：{known}）")

    def category_name(self, prefix: str) -> str:
        return next((c.name for c in self.categories if c.prefix == prefix), prefix)

    def window_categories(self, spec: str | None) -> tuple[str, ...]:
        """The prefixes a window serves: "AB" / "A,B" / "" (all)."""
        if not spec or not spec.strip():
            return tuple(c.prefix for c in self.categories)
        known = {c.prefix for c in self.categories}
        letters: list[str] = []
        for token in re.split(r"[,，\s]+", spec.strip().upper()):
            letters += [token] if token in known or not token else list(token)  # "ABC"
        for p in letters:
            if p:
                self.category(p)
        return tuple(dict.fromkeys(p for p in letters if p))

    def missed_note(self) -> str:
        """The note on the slip about missed numbers."""
        return (
            f"过号请到咨询台激活，{self.no_show_minutes}分钟内有效，"
            f"激活后顺延{self.rejoin_behind}位办理"
        )


def format_number(prefix: str, seq: int, digits: int = 3) -> str:
    """A012: the prefix and the day's sequence, zero-padded (wider past 999)."""
    return f"{prefix}{seq:0{digits}d}"


def rank_of(at: datetime) -> int:
    """A ticket's place in the queue: microseconds since the epoch of the time taken."""
    delta = at - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def priority_for(birth: date | None, today: date, rules: QueueRules) -> str:
    """The automatic priority reason for a card holder ("" if none)."""
    if birth is None or rules.priority_age <= 0:
        return ""
    return "老年人" if age_on(birth, today) >= rules.priority_age else ""


def ordinary_turn(priority_run: int, rules: QueueRules) -> bool:
    """Whether the window's next call should prefer an ordinary ticket: after
    `rules.priority_run` priority calls in a row (0: never, priority always first)."""
    return rules.priority_run > 0 and priority_run >= rules.priority_run


def recall_refusal(recalls: int, last_called_at: datetime | None, now: datetime,
                   rules: QueueRules) -> str:
    """Why a recall is not allowed now ("" if it is)."""
    if recalls >= rules.recall_max:
        return f"已重呼{recalls}次，达到上限；请按过号处理"
    if last_called_at is not None:
        gap = (now - last_called_at).total_seconds()
        if gap < rules.recall_gap_seconds:
            wait = int(rules.recall_gap_seconds - gap) + 1
            at = last_called_at + timedelta(seconds=rules.recall_gap_seconds)
            return (f"刚刚呼叫过：{wait} 秒后（{local(at):%H:%M:%S} 起）可再重呼"
                    f"（两次呼叫至少间隔 {rules.recall_gap_seconds} 秒）")
    return ""


def reactivation_refusal(no_show_at: datetime | None, now: datetime, rules: QueueRules) -> str:
    """Why a 过号 ticket cannot be reactivated now ("" if it can)."""
    if no_show_at is None:
        return "该号未过号"
    if (now - no_show_at).total_seconds() > rules.no_show_minutes * 60:
        return f"过号已超过{rules.no_show_minutes}分钟，请重新取号"
    return ""


def rejoin_rank(waiting_ranks: Sequence[int], behind: int, now_rank: int) -> int:
    """Rank of a reactivated ticket: behind the first `behind` people waiting (in
    queue order), or at the end if fewer are waiting."""
    ranks = sorted(waiting_ranks)
    if behind <= 0:
        return ranks[0] - 1 if ranks else now_rank
    if len(ranks) <= behind:
        return max(now_rank, ranks[-1] + 1) if ranks else now_rank
    before, after = ranks[behind - 1], ranks[behind]
    # A tie goes to the older ticket (lower id), which a reactivated ticket is.
    return (before + after) // 2 if after - before > 1 else after


def transfer_rank(place: str, taken_rank: int, now_rank: int, head_rank: int | None) -> int:
    """Where a transferred ticket goes: first, last, or by the time it was taken."""
    if place == "first":
        return min(head_rank - 1 if head_rank is not None else now_rank, taken_rank)
    if place == "last":
        return now_rank
    if place == "taken":
        return taken_rank
    raise QueueError(f"转移位置应为 first/last/taken: {place}")


def seconds_between(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, round((end - start).total_seconds()))


def announcement(number: str, window_no: str) -> str:
    """What the hall display says: 请 A012 号到 3 号窗口办理."""
    return f"请 {number} 号到 {window_no} 号窗口办理"
