"""The evaluation pad driver (host side of pad protocol v1).

Rating sessions, one visit one rating:

- `open_session(case_no, business, timeout_s)` returns a new session id at once; the
  RATE_REQUEST goes out on the driver thread. Opening a session while another is
  open cancels the old one first (NotRated "cancelled").
- Each session ends exactly once, with `RatingReceived` (level 1–5 and the reason
  texts) or `NotRated` with its cause: the pad reported a timeout, the session was
  cancelled, or the pad was lost (no good frame for `offline_after_s`, or no result
  by the session deadline while the pad was offline).
- A RATING for a session already ended, or never opened, or with a level outside
  1–5 is acknowledged and ignored (logged), so a pad resending after a lost ACK never
  counts twice.
- A pulled cable does not end a session by itself: the driver reopens the port, says
  HELLO, and re-sends what the pad may have missed (the open RATE_REQUEST, the last
  SHOW_* screen). A pad that rated while the cable was out delivers its RATING then.
- But a pad may also have lost that press (the protocol lets it drop a RATING after
  its retries; a USB pad loses power with the cable): then the re-sent RATE_REQUEST
  asks the applicant again, and the level that comes back is a second answer. The
  host cannot tell which, so the event that ends a session says whether its request
  was sent again after a link loss (`reasked_after_link_loss`, `reasks`: how many
  times), for the record of that rating.

Status: ONLINE once a good frame came from the pad; OFFLINE with a reason when the port
is gone, when a frame went unacknowledged after all retries, or after
`offline_after_s` without any good frame (the pad sends HEARTBEAT every 5 s).
"""

from __future__ import annotations

import itertools
import logging
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from devices.base import DeviceEvent, DeviceState, SerialDeviceDriver, on_driver_thread
from devices.pad.codec import (
    BUTTONS,
    LEVELS,
    Button,
    Frame,
    Heartbeat,
    Hello,
    Info,
    Message,
    RateCancel,
    RateRequest,
    Rating,
    RatingCancelled,
    RatingTimeout,
    SetClock,
    ShowIdle,
    ShowServing,
    reasons_from_mask,
)
from devices.pad.codec import FrameDecoder as PadFrameDecoder
from devices.pad.link import ReliableLink

log = logging.getLogger(__name__)


class NotRatedCause(StrEnum):
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"
    PAD_LOST = "pad_lost"

    @property
    def label(self) -> str:
        return _CAUSE_LABELS[self.value]


_CAUSE_LABELS = {"timeout": "超时未评价", "cancelled": "已取消", "pad_lost": "评价器离线"}


@dataclass(frozen=True)
class RatingReceived(DeviceEvent):
    session_id: int
    level: int
    reasons: list[str] = field(default_factory=list)
    reasons_mask: int = 0
    #: The RATE_REQUEST went out again after the pad was lost (pulled cable, no ACK,
    #: no heartbeat) while this session was open: the level may be a second answer.
    reasked_after_link_loss: bool = False
    reasks: int = 0  # how many times it was sent again so

    @property
    def level_name(self) -> str:
        return LEVELS.get(self.level, "")

    @property
    def bad(self) -> bool:
        return self.level <= 2


@dataclass(frozen=True)
class NotRated(DeviceEvent):
    session_id: int
    cause: NotRatedCause
    detail: str = ""
    reasked_after_link_loss: bool = False  # as on RatingReceived
    reasks: int = 0


@dataclass(frozen=True)
class ButtonPressed(DeviceEvent):
    code: int
    name: str


@dataclass(frozen=True)
class PadInfoReceived(DeviceEvent):
    info: Info


@dataclass(frozen=True)
class PadStatus(DeviceEvent):
    """The pad's own state from its heartbeat (sent when it changes)."""

    screen_ok: bool
    rating_open: bool


@dataclass
class PadTimings:
    """Protocol timings; the defaults are the spec's, tests shorten them."""

    ack_timeout_s: float = 0.3
    max_retries: int = 3
    gap_timeout_s: float = 0.5
    offline_after_s: float = 15.0
    #: How long after the pad's own timeout the host still waits for its answer.
    session_grace_s: float = 5.0


@dataclass
class _Session:
    session_id: int
    case_no: str
    business: str
    timeout_s: int
    opened_at: float
    confirmed: bool = False  # the pad ACKed the RATE_REQUEST on this connection
    asked: int = 0  # RATE_REQUESTs queued for it (not counting protocol retransmissions)

    @property
    def request(self) -> RateRequest:
        return RateRequest(self.session_id, self.timeout_s, self.case_no, self.business)


class PadDriver(SerialDeviceDriver):
    kind = "pad"
    default_baud = 9600
    _CLOSED_MEMORY = 4096

    def __init__(
        self,
        port: str,
        baud: int | None = None,
        *,
        timings: PadTimings | None = None,
        sync_clock: bool = True,
        **kwargs: object,
    ) -> None:
        super().__init__(port, baud, **kwargs)
        self.timings = timings or PadTimings()
        self.sync_clock = sync_clock
        self.info: Info | None = None
        self._ids = itertools.count(secrets.randbits(30) + 1)
        self._ids_lock = threading.Lock()
        self._sessions: dict[int, _Session] = {}
        self._closed: OrderedDict[int, None] = OrderedDict()
        self._display: ShowIdle | ShowServing | None = None
        self._decoder = PadFrameDecoder(self.timings.gap_timeout_s)
        self._link = ReliableLink(
            self._write,
            ack_timeout=self.timings.ack_timeout_s,
            max_retries=self.timings.max_retries,
            on_give_up=self._peer_gone,
            on_acked=self._acknowledged,
        )
        self._pad_online = False
        self._last_good_rx = time.monotonic()
        self._heartbeat: tuple[bool, bool] | None = None

    # ---- public API (any thread) -------------------------------------------------

    def open_session(
        self, case_no: str, business: str, timeout_s: int = 60, session_id: int | None = None
    ) -> int:
        """Ask the pad for a rating of this visit; returns the session id."""
        if not 10 <= timeout_s <= 255:
            raise ValueError("评价超时须在 10–255 秒之间")
        if session_id is None:
            with self._ids_lock:
                session_id = next(self._ids) & 0xFFFFFFFF
        elif not 0 <= session_id <= 0xFFFFFFFF:
            raise ValueError("评价会话号须为 4 字节无符号整数")
        sid = session_id
        self.call_soon(lambda: self._open(sid, case_no, business, timeout_s))
        return sid

    def cancel_session(self, session_id: int) -> None:
        self.call_soon(lambda: self._cancel(session_id, "柜员取消评价"))

    def show_idle(self, window_no: str, teller_name: str, staff_no: str, hall_name: str) -> None:
        self.call_soon(lambda: self._show(ShowIdle(window_no, teller_name, staff_no, hall_name)))

    def show_serving(self, queue_no: str, business: str) -> None:
        self.call_soon(lambda: self._show(ShowServing(queue_no, business)))

    def set_clock(self, when: datetime | None = None) -> None:
        stamp = (when or datetime.now()).strftime("%Y%m%d%H%M%S")
        self.call_soon(lambda: self._send(SetClock(stamp)))

    def hello(self) -> None:
        self.call_soon(lambda: self._send(Hello()))

    @property
    def stats(self) -> dict[str, int]:
        return {
            "retransmissions": self._link.retransmissions,
            "duplicates": self._link.duplicates,
            "bad_frames": self._link.bad_frames,
        }

    # ---- commands (driver thread) ------------------------------------------------------

    @on_driver_thread
    def _send(self, message: Message) -> None:
        if self.connected:
            self._link.send(message, time.monotonic())

    def _open(self, sid: int, case_no: str, business: str, timeout_s: int) -> None:
        if sid in self._sessions or sid in self._closed:
            # One visit, one rating: a session id is never used twice.
            self._emit(NotRated(self.name, sid, NotRatedCause.CANCELLED, "评价会话号已使用过"))
            return
        for old in list(self._sessions):
            self._cancel(old, "新的评价请求取代了未完成的评价")
        session = _Session(sid, case_no, business, timeout_s, time.monotonic())
        self._sessions[sid] = session
        if self.connected:
            self._ask(session, time.monotonic())

    def _ask(self, session: _Session, now: float) -> None:
        """Queue the session's RATE_REQUEST; a second one is a re-ask after a link loss
        (it is only sent again when the pad came back: `_came_online`)."""
        if session.asked:
            log.info("pad session %s asked again after the link was lost", session.session_id)
        session.asked += 1
        self._link.send(session.request, now)

    def _cancel(self, sid: int, detail: str) -> None:
        if sid not in self._sessions:
            return
        self._link.discard(lambda m: isinstance(m, RateRequest) and m.session_id == sid)
        self._end(sid, NotRated(self.name, sid, NotRatedCause.CANCELLED, detail))
        self._send(RateCancel(sid))

    def _show(self, message: ShowIdle | ShowServing) -> None:
        self._display = message
        self._send(message)

    def _end(self, sid: int, event: RatingReceived | NotRated) -> None:
        session = self._sessions.pop(sid, None)
        if session is not None and session.asked > 1:
            event = replace(event, reasked_after_link_loss=True, reasks=session.asked - 1)
        self._closed[sid] = None
        while len(self._closed) > self._CLOSED_MEMORY:
            self._closed.popitem(last=False)
        self._emit(event)

    # ---- connection ---------------------------------------------------------------------

    def _on_connected(self) -> None:
        self._decoder.reset()
        self._link.clear()
        self._pad_online = False
        for session in self._sessions.values():
            session.confirmed = False
        self._set_status(DeviceState.OFFLINE, "端口已打开, 等待评价器应答")
        self._link.send(Hello(), time.monotonic())

    def _on_disconnected(self, reason: str) -> None:
        self._pad_online = False
        self._link.clear()
        self._decoder.reset()

    def _peer_gone(self, message: Message) -> None:
        log.info("pad did not acknowledge %s", type(message).__name__)
        if isinstance(message, RateRequest) and message.session_id in self._sessions:
            self._sessions[message.session_id].confirmed = False
        self._pad_online = False
        if self.connected:
            self._set_status(DeviceState.OFFLINE, "评价器无应答")

    def _came_online(self, now: float) -> None:
        self._pad_online = True
        self._set_status(DeviceState.ONLINE)
        # Re-send what the pad may have missed while it was away.
        if self.sync_clock:
            self._link.send(SetClock(datetime.now().strftime("%Y%m%d%H%M%S")), now)
        if self._display is not None:
            self._link.send(self._display, now)
        pending = {m.session_id for m in self._link.pending if isinstance(m, RateRequest)}
        for session in self._sessions.values():
            if not session.confirmed and session.session_id not in pending:
                self._ask(session, now)

    # ---- I/O (driver thread) ----------------------------------------------------------

    @on_driver_thread
    def _tick(self) -> None:
        data = self._read_available()
        now = time.monotonic()
        items = self._decoder.feed(data, now) if data else self._decoder.poll(now)
        for item in items:
            message = self._link.receive(item, now)
            if not isinstance(item, Frame):
                continue
            self._last_good_rx = now
            if not self._pad_online:
                self._came_online(now)
            if message is not None:
                self._handle(message)
        self._link.poll(now)

    def _acknowledged(self, message: Message) -> None:
        if isinstance(message, RateRequest) and message.session_id in self._sessions:
            self._sessions[message.session_id].confirmed = True

    def _on_idle(self) -> None:
        now = time.monotonic()
        t = self.timings
        silent_for = now - self._last_good_rx
        if self._pad_online and silent_for > t.offline_after_s:
            self._pad_online = False
            self._set_status(
                DeviceState.OFFLINE, f"评价器超过 {t.offline_after_s:g} 秒无心跳"
            )
        for session in list(self._sessions.values()):
            lost_for = now - max(session.opened_at, self._last_good_rx)
            if not self._pad_online and lost_for >= t.offline_after_s:
                self._end(
                    session.session_id,
                    NotRated(self.name, session.session_id, NotRatedCause.PAD_LOST,
                             "评价过程中评价器离线"),
                )
            elif now >= session.opened_at + session.timeout_s + t.session_grace_s:
                cause = NotRatedCause.TIMEOUT if self._pad_online else NotRatedCause.PAD_LOST
                self._end(
                    session.session_id,
                    NotRated(self.name, session.session_id, cause, "评价器未在时限内报告结果"),
                )

    def _on_stopped(self) -> None:
        for sid in list(self._sessions):
            self._end(sid, NotRated(self.name, sid, NotRatedCause.CANCELLED, "评价器驱动已停止"))

    def _handle(self, message: Message) -> None:
        match message:
            case Info():
                self.info = message
                self._emit(PadInfoReceived(self.name, message))
            case Rating(sid, level, mask):
                if sid not in self._sessions:
                    if sid not in self._closed:
                        log.warning("rating for unknown session %s ignored", sid)
                    return
                if level not in LEVELS:
                    log.warning("rating level %s outside 1–5 ignored (session %s)", level, sid)
                    return
                reasons = reasons_from_mask(mask) if level <= 2 else []
                self._end(sid, RatingReceived(self.name, sid, level, reasons, mask))
            case RatingTimeout(sid):
                if sid in self._sessions:
                    self._end(sid, NotRated(self.name, sid, NotRatedCause.TIMEOUT, "申请人未评价"))
            case RatingCancelled(sid):
                if sid in self._sessions:
                    self._end(sid, NotRated(self.name, sid, NotRatedCause.CANCELLED, "评价器取消"))
            case Heartbeat():
                state = (message.screen_ok, message.rating_open)
                if state != self._heartbeat:
                    self._heartbeat = state
                    self._emit(PadStatus(self.name, *state))
            case Button(code):
                self._emit(ButtonPressed(self.name, code, BUTTONS.get(code, f"按键 {code}")))
            case _:
                log.debug("pad sent %s; ignored", message)
