"""The evaluation pad (评价器), protocol v1 of pad-protocol.md.

Parts: `codec` (CRC-16/CCITT-FALSE, framing with resync, typed messages), `link`
(ACK, retransmission, duplicate SEQ: the rules both ends keep), `driver`
(`PadDriver`: rating sessions, heartbeat, reconnects), `simulator` (`PadSimulator`).
"""

from devices.pad.driver import (
    ButtonPressed,
    NotRated,
    NotRatedCause,
    PadDriver,
    PadInfoReceived,
    PadStatus,
    PadTimings,
    RatingReceived,
)

__all__ = [
    "ButtonPressed",
    "NotRated",
    "NotRatedCause",
    "PadDriver",
    "PadInfoReceived",
    "PadStatus",
    "PadTimings",
    "RatingReceived",
]
