"""A simulated evaluation pad (pad protocol v1, pad side) on a pseudo-terminal.

Behaviour: answers HELLO with INFO, shows SHOW_* screens, opens a rating on
RATE_REQUEST and "presses" a level after `press_delay_s` (levels from `levels`, in
turn; None: nobody presses and the pad reports RATING_TIMEOUT), answers RATE_CANCEL,
sends HEARTBEAT every `heartbeat_s`. A RATING that went unacknowledged after all
retries is kept and sent again as soon as the host is heard from (any good frame:
the HELLO after a reconnect, an ACK of a heartbeat), as a pad should not lose a
rating. With `keep_results=False` it is dropped instead, as the protocol allows (and
as a pad that loses power with its USB cable does): the pad then forgets it answered
that session, and a repeated RATE_REQUEST asks the applicant again.

Fault knobs: `lost_ack_rate` (ACKs lost in both directions: the pad drops its own ACKs
and ignores the host's, so both ends see retransmissions and duplicate SEQs),
`bad_crc_rate` (frames sent with a corrupted CRC), `pull_cable_after` (pull the cable
right after sending that many RATINGs, for `pull_seconds`), plus garbage, split
frames and line rate from `LineFaults`/`PtySimulator`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from devices.pad.codec import (
    Ack,
    Button,
    Cmd,
    Frame,
    FrameDecoder,
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
)
from devices.pad.link import ReliableLink
from devices.pty_sim import LineFaults, PtySimulator

DEFAULT_INFO = Info("快办模拟", "PAD-SIM-1", "1.0.0", "SIM0001", "1")


@dataclass
class _OpenRating:
    session_id: int
    deadline: float
    press_at: float | None


class PadSimulator(PtySimulator):
    name = "pad"

    def __init__(
        self,
        *,
        baud: int = 9600,
        faults: LineFaults | None = None,
        levels: Sequence[int] | None = (5,),
        bad_reasons_mask: int = 0b11,
        press_delay_s: float = 1.0,
        heartbeat_s: float = 5.0,
        lost_ack_rate: float = 0.0,
        bad_crc_rate: float = 0.0,
        pull_cable_after: int | None = None,
        pull_seconds: float = 2.0,
        keep_results: bool = True,
        ack_timeout_s: float = 0.3,
        max_retries: int = 3,
        gap_timeout_s: float = 0.5,
        info: Info = DEFAULT_INFO,
        path: str | None = None,
        paced: bool = True,
    ) -> None:
        super().__init__(baud=baud, faults=faults, path=path, paced=paced)
        self.levels = list(levels) if levels else []
        self.bad_reasons_mask = bad_reasons_mask
        self.press_delay_s = press_delay_s
        self.heartbeat_s = heartbeat_s
        self.lost_ack_rate = lost_ack_rate
        self.bad_crc_rate = bad_crc_rate
        self.pull_cable_after = pull_cable_after
        self.pull_seconds = pull_seconds
        self.keep_results = keep_results
        self.info = info
        self.decoder = FrameDecoder(gap_timeout_s)
        self.link = ReliableLink(
            self._write_frame, ack_timeout=ack_timeout_s, max_retries=max_retries,
            on_give_up=self._gave_up,
        )
        if lost_ack_rate:
            self.link.ack_filter = lambda frame: self.rng.random() >= self.lost_ack_rate
        self.current: _OpenRating | None = None
        self.answered: set[int] = set()
        self.parked: list[Message] = []
        self.display: ShowIdle | ShowServing | None = None
        self.clock: str | None = None
        self._next_level = 0
        self._next_heartbeat = 0.0
        # What happened, for tests and the technician.
        self.ratings_sent: list[Rating] = []
        self.requests_seen: list[RateRequest] = []
        self.acks_dropped = 0
        self.results_dropped: list[Message] = []  # with keep_results=False

    # ---- knobs (any thread) -------------------------------------------------------

    def press(self, level: int, reasons_mask: int = 0) -> None:
        """A person presses a level now (for the open rating, if any)."""
        with self.lock:
            if self.current is not None:
                self._rate(self.current.session_id, level, reasons_mask, time.monotonic())

    def press_button(self, code: int = 0x01) -> None:
        with self.lock:
            self.link.send(Button(code), time.monotonic())

    # ---- line -------------------------------------------------------------------------

    def _write_frame(self, data: bytes) -> None:
        if self.bad_crc_rate and self.rng.random() < self.bad_crc_rate:
            data = data[:-3] + bytes([data[-3] ^ 0xFF]) + data[-2:]
        self.send_frame(data)

    def on_cable_pulled(self) -> None:
        self.decoder.reset()

    def on_bytes(self, data: bytes) -> None:
        now = time.monotonic()
        for item in self.decoder.feed(data, now):
            if (
                isinstance(item, Frame)
                and item.cmd == Cmd.ACK
                and self.lost_ack_rate
                and self.rng.random() < self.lost_ack_rate
            ):
                self.acks_dropped += 1
                continue  # the host's ACK got lost on the line
            if isinstance(item, Frame):
                self._resume(now)  # the host is there (even an ACK of a heartbeat says so)
            message = self.link.receive(item, now)
            if message is not None:
                self._handle(message, now)

    def _gave_up(self, message: Message) -> None:
        if isinstance(message, Rating | RatingTimeout | RatingCancelled):
            if self.keep_results:
                self.parked.append(message)
            else:
                self.results_dropped.append(message)
                self.answered.discard(message.session_id)

    def _resume(self, now: float) -> None:
        """The host is back: send the results it has not acknowledged."""
        parked, self.parked = self.parked, []
        for message in reversed(parked):
            self.link.send_first(message, now)

    # ---- behaviour ------------------------------------------------------------------

    def _handle(self, message: Message, now: float) -> None:
        match message:
            case Hello():
                self.link.send(self.info, now)
            case ShowIdle() | ShowServing():
                self.display = message
            case SetClock(stamp):
                self.clock = stamp
            case RateRequest(sid, timeout, _, _):
                self.requests_seen.append(message)
                if sid in self.answered or (self.current and self.current.session_id == sid):
                    return  # the host asks again for a rating it has (or will get)
                press_at = now + self.press_delay_s if self.levels else None
                self.current = _OpenRating(sid, now + timeout, press_at)
            case RateCancel(sid):
                if self.current is not None and self.current.session_id == sid:
                    self.current = None
                    self.answered.add(sid)
                    self.link.send(RatingCancelled(sid), now)
            case Ack():
                pass

    def _rate(self, sid: int, level: int, mask: int, now: float) -> None:
        rating = Rating(sid, level, mask if level <= 2 else 0)
        self.current = None
        self.answered.add(sid)
        self.ratings_sent.append(rating)
        self.link.send(rating, now)
        if (
            self.pull_cable_after is not None
            and self.cable_pulls == 0
            and len(self.ratings_sent) >= self.pull_cable_after
        ):
            self.pull_cable(self.pull_seconds)

    def on_tick(self, now: float) -> None:
        for item in self.decoder.poll(now):
            message = self.link.receive(item, now)
            if message is not None:
                self._handle(message, now)
        self.link.poll(now)
        if now >= self._next_heartbeat:
            self._next_heartbeat = now + self.heartbeat_s
            status = 0x01 | (0x02 if self.current else 0)
            self.link.send(Heartbeat(status), now)
        current = self.current
        if current is None:
            return
        if current.press_at is not None and now >= current.press_at:
            level = self.levels[self._next_level % len(self.levels)]
            self._next_level += 1
            self._rate(current.session_id, level, self.bad_reasons_mask, now)
        elif now >= current.deadline:
            self.current = None
            self.answered.add(current.session_id)
            self.link.send(RatingTimeout(current.session_id), now)


def parse_levels(text: str) -> list[int]:
    """`5` or `5,4,1` → levels in turn (CLI helper). Raises ValueError in Chinese."""
    try:
        levels = [int(part) for part in text.replace("，", ",").split(",") if part.strip()]
    except ValueError:
        raise ValueError(f"评价等级无效: {text}") from None
    if not levels or any(not 1 <= level <= 5 for level in levels):
        raise ValueError(f"评价等级须为 1–5: {text}")
    return levels


__all__ = ["DEFAULT_INFO", "PadSimulator", "parse_levels"]
