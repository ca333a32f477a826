"""A case's life, no I/O: the states of a case and of its sub-items, the channels
it comes through, and the one transition table of each.

A case (办件) is accepted as one (打包受理) and split to the responsible units
(拆包分办); its status follows from its sub-items (`status_from_items`) except for
the states the window or the sweep decides: 待补正 (一次性告知), 不予受理, 终止办理
(a 容缺 promise broken) and 视为撤回 (a 补正 never answered).

Glossary: case 办件, sub-item 子事项, bundle 一件事, supplement 一次性告知/补正,
tolerated 容缺, terminated 终止办理, withdrawn 视为撤回.
"""

from __future__ import annotations

from collections.abc import Iterable

from counter_app.domain.transitions import LabelledEnum, Transitions

#: 即办: minutes from receiving the materials to completion.
INSTANT_MINUTES = 30


class CaseStatus(LabelledEnum):
    ACCEPTED = "accepted", "已受理"  # sub-items with the back office
    COMPLETE = "complete", "已办结"
    RETURNED = "returned", "已退回"  # a sub-item was sent back to the front desk
    SUPPLEMENT = "supplement", "待补正"  # 一次性告知, waiting for materials
    REJECTED = "rejected", "不予受理"
    TERMINATED = "terminated", "终止办理"  # a 容缺 promise was broken
    WITHDRAWN = "withdrawn", "视为撤回"  # a 补正 was not answered in time

    @property
    def is_open(self) -> bool:
        """Still with the back office (deadlines run)."""
        return self in (CaseStatus.ACCEPTED, CaseStatus.RETURNED)

    @property
    def was_accepted(self) -> bool:
        """受理 happened (papers say 受理时间); otherwise only 收件."""
        return self not in (CaseStatus.SUPPLEMENT, CaseStatus.REJECTED, CaseStatus.WITHDRAWN)

    @property
    def is_final(self) -> bool:
        """Nothing more happens to the case (the provincial 办结 record is due)."""
        return self in (CaseStatus.COMPLETE, CaseStatus.REJECTED, CaseStatus.TERMINATED,
                        CaseStatus.WITHDRAWN)


class CaseAction(LabelledEnum):
    ITEMS_DONE = "items_done", "全部办结"
    ITEM_RETURNED = "item_returned", "退回子事项"
    ITEM_REOPENED = "item_reopened", "重新办理"
    ITEM_DONE = "item_done", "办结子事项"
    SUPPLY = "supply", "补交材料"
    MATERIALS_COMPLETE = "materials_complete", "补齐材料受理"
    WITHDRAW = "withdraw", "视为撤回"
    TERMINATE = "terminate", "终止办理"


_OPEN = (CaseStatus.ACCEPTED, CaseStatus.RETURNED)
CASE_TRANSITIONS: Transitions[CaseStatus, CaseAction] = Transitions.of(
    "办件",
    [
        *[(s, CaseAction.ITEM_DONE, (CaseStatus.ACCEPTED, CaseStatus.RETURNED)) for s in _OPEN],
        *[(s, CaseAction.ITEMS_DONE, CaseStatus.COMPLETE) for s in _OPEN],
        *[(s, CaseAction.ITEM_RETURNED, CaseStatus.RETURNED) for s in _OPEN],
        (CaseStatus.RETURNED, CaseAction.ITEM_REOPENED, (CaseStatus.ACCEPTED, CaseStatus.RETURNED)),
        *[(s, CaseAction.SUPPLY, s) for s in _OPEN],
        (CaseStatus.SUPPLEMENT, CaseAction.SUPPLY, CaseStatus.SUPPLEMENT),
        (CaseStatus.SUPPLEMENT, CaseAction.MATERIALS_COMPLETE, CaseStatus.ACCEPTED),
        (CaseStatus.SUPPLEMENT, CaseAction.WITHDRAW, CaseStatus.WITHDRAWN),
        *[(s, CaseAction.TERMINATE, CaseStatus.TERMINATED) for s in _OPEN],
    ],
)


class SubItemStatus(LabelledEnum):
    HELD = "held", "待补齐材料"  # 一次性告知: not routed until the materials are complete
    PENDING = "pending", "办理中"
    WAITING = "waiting", "待前置事项"  # 分段办理: its prerequisite is not done yet
    DONE = "done", "已办结"
    RETURNED = "returned", "已退回"
    STOPPED = "stopped", "已终止"  # the case was terminated, withdrawn or not accepted


class SubItemAction(LabelledEnum):
    ROUTE = "route", "分送办理"  # the materials became complete: 拆包分办
    COMPLETE = "complete", "办结"
    RETURN = "return", "退回"
    REOPEN = "reopen", "重新办理"
    START = "start", "开始办理"  # the prerequisite is done
    STOP = "stop", "终止"


SUB_ITEM_TRANSITIONS: Transitions[SubItemStatus, SubItemAction] = Transitions.of(
    "子事项",
    [
        (SubItemStatus.PENDING, SubItemAction.COMPLETE, SubItemStatus.DONE),
        (SubItemStatus.PENDING, SubItemAction.RETURN, SubItemStatus.RETURNED),
        (SubItemStatus.RETURNED, SubItemAction.REOPEN, SubItemStatus.PENDING),
        (SubItemStatus.WAITING, SubItemAction.START, SubItemStatus.PENDING),
        (SubItemStatus.HELD, SubItemAction.ROUTE, (SubItemStatus.PENDING, SubItemStatus.WAITING)),
        *[(s, SubItemAction.STOP, SubItemStatus.STOPPED)
          for s in (SubItemStatus.HELD, SubItemStatus.PENDING, SubItemStatus.WAITING,
                    SubItemStatus.RETURNED)],
    ],
)


def status_from_items(items: Iterable[SubItemStatus | str]) -> CaseStatus:
    """An accepted case's status as its sub-items make it: all done → 已办结, any
    returned → 已退回, else 已受理."""
    states = {SubItemStatus(s) for s in items}
    if states and states == {SubItemStatus.DONE}:
        return CaseStatus.COMPLETE
    if SubItemStatus.RETURNED in states:
        return CaseStatus.RETURNED
    return CaseStatus.ACCEPTED


class CaseChannel(LabelledEnum):
    """How an application reached the hall."""

    WINDOW = "window", "窗口"
    ONLINE = "online", "网上"
    SELF_SERVICE = "selfservice", "自助终端"



class PaperKind(LabelledEnum):
    """The papers of a case (文书), with the short mark of their document number."""

    RECEIPT = "receipt", "受理通知书（回执）"
    SUPPLEMENT = "supplement", "一次性告知书"
    TOLERANCE = "tolerance", "容缺受理通知书及承诺书"
    CREDIT = "credit", "信用承诺书"
    REJECTION = "rejection", "不予受理通知书"
    COMPLETION = "completion", "办结通知（业务办理确认单）"

    @property
    def mark(self) -> str:
        """受字〔2026〕第…号: the character of the document number."""
        return _MARKS[self]


_MARKS = {
    PaperKind.RECEIPT: "受",
    PaperKind.SUPPLEMENT: "补",
    PaperKind.TOLERANCE: "容",
    PaperKind.CREDIT: "信",
    PaperKind.REJECTION: "不",
    PaperKind.COMPLETION: "结",
}


def papers_for(
    status: CaseStatus | str, *, tolerated: bool, pays_money: bool
) -> tuple[PaperKind, ...]:
    """The papers that make sense for a case in this state."""
    status = CaseStatus(status)
    if status is CaseStatus.REJECTED:
        return (PaperKind.REJECTION,)
    if status in (CaseStatus.SUPPLEMENT, CaseStatus.WITHDRAWN):
        return (PaperKind.SUPPLEMENT,)
    docs = [PaperKind.RECEIPT]
    if tolerated:
        docs.append(PaperKind.TOLERANCE)
    if pays_money:
        docs.append(PaperKind.CREDIT)
    if status is CaseStatus.COMPLETE:
        docs.append(PaperKind.COMPLETION)
    return tuple(docs)
