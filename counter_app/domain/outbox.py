"""The outbox's rules, no I/O: a row's states, and what an answer from the remote
system means for it.

- 2xx, and 409 (the receiver already has this key): delivered;
- 5xx, 408, 425, 429, timeouts, refused connections: retry later;
- any other 4xx: parked for the supervisor (retrying would not help).
"""

from __future__ import annotations

from counter_app.domain.transitions import LabelledEnum, Transitions


class OutboxStatus(LabelledEnum):
    PENDING = "pending", "待发送"
    DELIVERED = "delivered", "已送达"
    PARKED = "parked", "已搁置"


class Verdict(LabelledEnum):
    """What an attempt to send means for the row."""

    DELIVERED = "delivered", "送达"
    RETRY = "retry", "稍后重试"
    PARK = "park", "搁置"
    REQUEUE = "requeue", "重新发送"


OUTBOX_TRANSITIONS: Transitions[OutboxStatus, Verdict] = Transitions.of(
    "上报记录",
    [
        (OutboxStatus.PENDING, Verdict.DELIVERED, OutboxStatus.DELIVERED),
        (OutboxStatus.PENDING, Verdict.RETRY, OutboxStatus.PENDING),
        (OutboxStatus.PENDING, Verdict.PARK, OutboxStatus.PARKED),
        (OutboxStatus.PARKED, Verdict.REQUEUE, OutboxStatus.PENDING),
    ],
)


def classify(status: int | None) -> Verdict:
    """The verdict of an HTTP answer (None: no answer came)."""
    if status is None:
        return Verdict.RETRY
    if 200 <= status < 300 or status == 409:
        return Verdict.DELIVERED
    if status >= 500 or status in (408, 425, 429):
        return Verdict.RETRY
    return Verdict.PARK
