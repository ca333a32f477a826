"""Evaluation pad protocol v1 (pad-protocol.md): framing, CRC and messages.

```
STX  LEN_HI LEN_LO  SEQ  CMD  PAYLOAD…  CRC_HI CRC_LO  ETX
0x02 ── 2 bytes ──  1 B  1 B  LEN-2 B   ─ 2 bytes ─    0x03
```
LEN = len(SEQ+CMD+PAYLOAD), 2…1026. CRC-16/CCITT-FALSE over LEN_HI…last payload byte.
Pure code: `FrameDecoder` takes bytes and the time they arrived, never raises on
garbage and never blocks; `decode_message` turns a frame into a typed message or None.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

STX: Final = 0x02
ETX: Final = 0x03
MIN_LEN: Final = 2
MAX_LEN: Final = 1026
FIELD_SEP: Final = b"\x1f"
PROTOCOL_VERSION: Final = "1"


class Cmd(IntEnum):
    ACK = 0x06
    NAK = 0x15
    HELLO = 0x10
    SHOW_IDLE = 0x11
    SHOW_SERVING = 0x12
    RATE_REQUEST = 0x20
    RATE_CANCEL = 0x21
    SET_CLOCK = 0x30
    INFO = 0x90
    RATING = 0xA0
    RATING_TIMEOUT = 0xA1
    RATING_CANCELLED = 0xA2
    HEARTBEAT = 0xB0
    BUTTON = 0xB1


class NakReason(IntEnum):
    CRC = 0x01
    LENGTH = 0x02
    UNKNOWN_COMMAND = 0x03
    BUSY = 0x04
    BAD_PAYLOAD = 0x05


LEVELS: Final[dict[int, str]] = {
    5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意",
}

REASON_BITS: Final[tuple[str, ...]] = (
    "服务态度差",
    "办事效率低、等候时间长",
    "未一次性告知",
    "材料要求多、重复提交",
    "办事指南不清晰",
    "多次跑动",
    "系统或设备故障",
    "环境设施差",
    "不公正、不廉洁",
    "其他",
)

BUTTON_HELP: Final = 0x01
BUTTONS: Final[dict[int, str]] = {BUTTON_HELP: "求助"}


def crc16_ccitt_false(data: bytes, crc: int = 0xFFFF) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, xorout 0.

    The standard library's `binascii.crc_hqx` is exactly this CRC with the init
    passed in (check value 0x29B1 for b"123456789")."""
    return binascii.crc_hqx(data, crc)


def reasons_from_mask(mask: int) -> list[str]:
    return [text for bit, text in enumerate(REASON_BITS) if mask & (1 << bit)]


def mask_from_reasons(reasons: list[str]) -> int:
    return sum(1 << REASON_BITS.index(r) for r in reasons if r in REASON_BITS)


# ---- frames -----------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    seq: int
    cmd: int
    payload: bytes = b""


@dataclass(frozen=True)
class BadFrame:
    """A frame that was dropped; `seq` when it could be read (for a NAK)."""

    reason: NakReason
    seq: int | None = None


def encode_frame(frame: Frame) -> bytes:
    length = 2 + len(frame.payload)
    if length > MAX_LEN:
        raise ValueError(f"payload too long: {len(frame.payload)} bytes")
    body = length.to_bytes(2, "big") + bytes([frame.seq & 0xFF, frame.cmd & 0xFF]) + frame.payload
    return bytes([STX]) + body + crc16_ccitt_false(body).to_bytes(2, "big") + bytes([ETX])


class FrameDecoder:
    """Stream decoder with resync.

    It hunts for STX, reads LEN and waits for the rest, which may come in pieces with
    gaps of up to `gap_timeout` seconds; after a longer gap the half frame is dropped.
    A bad frame (LEN out of range, bad CRC, no ETX) is dropped and the hunt restarts at
    the byte after its STX, so garbage and half frames never stop the link.

    `lookahead`: while waiting for a long frame, a complete frame with a good CRC
    further on in the buffer shows that the STX we wait on was noise; it is dropped
    at once instead of after the gap timeout (faster resync after garbage).
    """

    def __init__(self, gap_timeout: float = 0.5, *, lookahead: bool = True) -> None:
        self.gap_timeout = gap_timeout
        self.lookahead = lookahead
        self._buf = bytearray()
        self._last_rx = 0.0

    def reset(self) -> None:
        self._buf.clear()

    @property
    def pending(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes, now: float) -> list[Frame | BadFrame]:
        out: list[Frame | BadFrame] = []
        if self._buf and now - self._last_rx > self.gap_timeout:
            self._expire(out)
        if data:
            self._buf += data
            self._last_rx = now
        self._scan(out)
        return out

    def poll(self, now: float) -> list[Frame | BadFrame]:
        """Call now and then: drops a half frame after the gap timeout."""
        out: list[Frame | BadFrame] = []
        if self._buf and now - self._last_rx > self.gap_timeout:
            self._expire(out)
        return out

    def _expire(self, out: list[Frame | BadFrame]) -> None:
        # Everything in the buffer is old: drop half frames one STX at a time and
        # keep whatever whole frames were behind them.
        while self._buf:
            if self._buf[0] == STX:
                del self._buf[0]
            self._scan(out)
            if self._buf and self._buf[0] == STX and not self._complete_at(0):
                continue
            break
        if self._buf and not self._complete_at(0):
            self._buf.clear()

    def _complete_at(self, i: int) -> bool:
        buf = self._buf
        if len(buf) < i + 3:
            return False
        length = int.from_bytes(buf[i + 1 : i + 3], "big")
        return len(buf) >= i + 6 + length

    def _check_at(self, i: int) -> Frame | BadFrame | None:
        """The frame starting at buf[i] (an STX), a BadFrame, or None if incomplete."""
        buf = self._buf
        if len(buf) < i + 3:
            return None
        length = int.from_bytes(buf[i + 1 : i + 3], "big")
        if not MIN_LEN <= length <= MAX_LEN:
            return BadFrame(NakReason.LENGTH)
        end = i + 3 + length + 3  # STX, LEN, body, CRC, ETX
        if len(buf) < end:
            return None
        seq = buf[i + 3]
        if buf[end - 1] != ETX:
            return BadFrame(NakReason.LENGTH, seq)
        body = bytes(buf[i + 1 : end - 3])
        if crc16_ccitt_false(body) != int.from_bytes(buf[end - 3 : end - 1], "big"):
            return BadFrame(NakReason.CRC, seq)
        return Frame(seq, buf[i + 4], bytes(buf[i + 5 : end - 3]))

    def _scan(self, out: list[Frame | BadFrame]) -> None:
        buf = self._buf
        while buf:
            start = buf.find(STX)
            if start < 0:
                buf.clear()
                return
            if start:
                del buf[:start]
            result = self._check_at(0)
            if result is None:
                if self.lookahead and self._later_frame():
                    del buf[0]
                    continue
                return
            if isinstance(result, BadFrame):
                out.append(result)
                del buf[0]
                continue
            out.append(result)
            del buf[: 6 + 2 + len(result.payload)]

    def _later_frame(self) -> bool:
        buf = self._buf
        i = buf.find(STX, 1)
        while i >= 0:
            if isinstance(self._check_at(i), Frame):
                return True
            i = buf.find(STX, i + 1)
        return False


# ---- messages ---------------------------------------------------------------------


@dataclass(frozen=True)
class Ack:
    seq: int  # the SEQ being acknowledged


@dataclass(frozen=True)
class Nak:
    seq: int
    reason: int


@dataclass(frozen=True)
class Hello:
    pass


@dataclass(frozen=True)
class ShowIdle:
    window_no: str
    teller_name: str
    staff_no: str
    hall_name: str


@dataclass(frozen=True)
class ShowServing:
    queue_no: str
    business: str


@dataclass(frozen=True)
class RateRequest:
    session_id: int
    timeout_s: int
    case_no: str
    business: str


@dataclass(frozen=True)
class RateCancel:
    session_id: int


@dataclass(frozen=True)
class SetClock:
    timestamp: str  # YYYYMMDDhhmmss


@dataclass(frozen=True)
class Info:
    vendor: str
    model: str
    firmware: str
    serial_no: str
    protocol_version: str


@dataclass(frozen=True)
class Rating:
    session_id: int
    level: int
    reasons_mask: int = 0


@dataclass(frozen=True)
class RatingTimeout:
    session_id: int


@dataclass(frozen=True)
class RatingCancelled:
    session_id: int


@dataclass(frozen=True)
class Heartbeat:
    status: int

    @property
    def screen_ok(self) -> bool:
        return bool(self.status & 0x01)

    @property
    def rating_open(self) -> bool:
        return bool(self.status & 0x02)


@dataclass(frozen=True)
class Button:
    code: int


Message = (
    Ack | Nak | Hello | ShowIdle | ShowServing | RateRequest | RateCancel | SetClock | Info
    | Rating | RatingTimeout | RatingCancelled | Heartbeat | Button
)

_TEXT_COUNTS = {ShowIdle: 4, ShowServing: 2, Info: 5}


def _fields(payload: bytes, count: int) -> list[str] | None:
    try:
        parts = payload.decode("utf-8").split("\x1f") if payload else [""]
    except UnicodeDecodeError:
        return None
    if len(parts) != count:
        return None
    return parts


def _join(*parts: str) -> bytes:
    return FIELD_SEP.join(p.replace("\x1f", " ").encode("utf-8") for p in parts)


def _u32(value: int) -> bytes:
    return (value & 0xFFFFFFFF).to_bytes(4, "big")


def encode_message(message: Message) -> tuple[int, bytes]:
    """(CMD, payload) of a message."""
    match message:
        case Ack(seq):
            return Cmd.ACK, bytes([seq & 0xFF])
        case Nak(seq, reason):
            return Cmd.NAK, bytes([seq & 0xFF, reason & 0xFF])
        case Hello():
            return Cmd.HELLO, b""
        case ShowIdle(a, b, c, d):
            return Cmd.SHOW_IDLE, _join(a, b, c, d)
        case ShowServing(a, b):
            return Cmd.SHOW_SERVING, _join(a, b)
        case RateRequest(sid, timeout, case_no, business):
            if not 10 <= timeout <= 255:
                raise ValueError("timeout must be 10–255 s")
            return Cmd.RATE_REQUEST, _u32(sid) + bytes([timeout]) + _join(case_no, business)
        case RateCancel(sid):
            return Cmd.RATE_CANCEL, _u32(sid)
        case SetClock(ts):
            return Cmd.SET_CLOCK, ts.encode("ascii")
        case Info(a, b, c, d, e):
            return Cmd.INFO, _join(a, b, c, d, e)
        case Rating(sid, level, mask):
            reasons = (mask & 0xFFFF).to_bytes(2, "big")
            return Cmd.RATING, _u32(sid) + bytes([level & 0xFF]) + reasons
        case RatingTimeout(sid):
            return Cmd.RATING_TIMEOUT, _u32(sid)
        case RatingCancelled(sid):
            return Cmd.RATING_CANCELLED, _u32(sid)
        case Heartbeat(status):
            return Cmd.HEARTBEAT, bytes([status & 0xFF])
        case Button(code):
            return Cmd.BUTTON, bytes([code & 0xFF])
    raise TypeError(f"not a pad message: {message!r}")


def decode_message(frame: Frame) -> Message | None:
    """The typed message of a frame; None for an unknown command or a bad payload
    (`is_known_command` tells which, for the NAK reason)."""
    p = frame.payload
    cmd = frame.cmd
    if cmd == Cmd.ACK:
        return Ack(p[0]) if len(p) == 1 else None
    if cmd == Cmd.NAK:
        return Nak(p[0], p[1]) if len(p) == 2 else None
    if cmd == Cmd.HELLO:
        return Hello() if not p else None
    if cmd in (Cmd.SHOW_IDLE, Cmd.SHOW_SERVING, Cmd.INFO):
        kind = {Cmd.SHOW_IDLE: ShowIdle, Cmd.SHOW_SERVING: ShowServing, Cmd.INFO: Info}[Cmd(cmd)]
        parts = _fields(p, _TEXT_COUNTS[kind])
        return kind(*parts) if parts is not None else None
    if cmd == Cmd.RATE_REQUEST:
        if len(p) < 5 or not 10 <= p[4] <= 255:
            return None
        parts = _fields(p[5:], 2)
        if parts is None:
            return None
        return RateRequest(int.from_bytes(p[:4], "big"), p[4], parts[0], parts[1])
    if cmd in (Cmd.RATE_CANCEL, Cmd.RATING_TIMEOUT, Cmd.RATING_CANCELLED):
        if len(p) != 4:
            return None
        kind4 = {
            Cmd.RATE_CANCEL: RateCancel,
            Cmd.RATING_TIMEOUT: RatingTimeout,
            Cmd.RATING_CANCELLED: RatingCancelled,
        }[Cmd(cmd)]
        return kind4(int.from_bytes(p, "big"))
    if cmd == Cmd.SET_CLOCK:
        if len(p) != 14 or not p.isdigit():
            return None
        return SetClock(p.decode("ascii"))
    if cmd == Cmd.RATING:
        if len(p) != 7:
            return None
        return Rating(int.from_bytes(p[:4], "big"), p[4], int.from_bytes(p[5:7], "big"))
    if cmd == Cmd.HEARTBEAT:
        return Heartbeat(p[0]) if len(p) == 1 else None
    if cmd == Cmd.BUTTON:
        return Button(p[0]) if len(p) == 1 else None
    return None


def is_known_command(cmd: int) -> bool:
    return cmd in Cmd._value2member_map_
