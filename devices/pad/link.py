"""The reliability rules of pad protocol v1, shared by the host driver and the pad
simulator (both ends keep the same rules).

- Every frame but ACK/NAK is acknowledged at once (ACK payload: its SEQ).
- Stop-and-wait sender: one frame in flight; no ACK within `ack_timeout` → the same
  frame (same SEQ) again, up to `max_retries` times; then the peer counts as gone
  (`on_give_up`). A NAK for the frame in flight resends it at once (busy: on the timer).
- A frame carrying the SEQ just accepted from the peer is ACKed again and not acted
  on twice. ACK/NAK carry a SEQ of their own but are never "accepted" for this rule.
- SEQ counts 0…255 and wraps, separately on each side.

No threads and no clock of its own: the owner passes `now` and a `write` function,
which makes the rules testable without a line.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from devices.pad.codec import (
    Ack,
    BadFrame,
    Cmd,
    Frame,
    Message,
    Nak,
    NakReason,
    decode_message,
    encode_frame,
    encode_message,
    is_known_command,
)

log = logging.getLogger(__name__)


@dataclass
class _Outgoing:
    frame: Frame
    message: Message
    attempts: int = 0
    sent_at: float = 0.0


class ReliableLink:
    def __init__(
        self,
        write: Callable[[bytes], None],
        *,
        ack_timeout: float = 0.3,
        max_retries: int = 3,
        on_give_up: Callable[[Message], None] | None = None,
        on_acked: Callable[[Message], None] | None = None,
        nak_bad_frames: bool = True,
    ) -> None:
        self._write = write
        self.ack_timeout = ack_timeout
        self.max_retries = max_retries
        self.on_give_up = on_give_up
        self.on_acked = on_acked
        self.nak_bad_frames = nak_bad_frames
        self.tx_seq = 0
        self.last_accepted: int | None = None
        self._queue: deque[_Outgoing] = deque()
        self._inflight: _Outgoing | None = None
        # Counters for diagnostics and tests.
        self.retransmissions = 0
        self.duplicates = 0
        self.bad_frames = 0
        #: Hook to drop frames on purpose (simulated lost ACKs): return False to drop.
        self.ack_filter: Callable[[Frame], bool] | None = None

    # ---- sending ----------------------------------------------------------------

    def _next_seq(self) -> int:
        seq = self.tx_seq
        self.tx_seq = (self.tx_seq + 1) & 0xFF
        return seq

    def send(self, message: Message, now: float) -> None:
        """Queue a message that needs an ACK."""
        self._queue.append(_Outgoing(self._frame(message), message))
        self.poll(now)

    def send_first(self, message: Message, now: float) -> None:
        """Queue a message ahead of the others (after the one in flight)."""
        self._queue.appendleft(_Outgoing(self._frame(message), message))
        self.poll(now)

    def _frame(self, message: Message) -> Frame:
        cmd, payload = encode_message(message)
        return Frame(self._next_seq(), cmd, payload)

    def _send_control(self, message: Ack | Nak) -> None:
        cmd, payload = encode_message(message)
        frame = Frame(self._next_seq(), cmd, payload)
        if self.ack_filter is not None and not self.ack_filter(frame):
            return
        self._write(encode_frame(frame))

    def _transmit(self, item: _Outgoing, now: float) -> None:
        item.attempts += 1
        item.sent_at = now
        if item.attempts > 1:
            self.retransmissions += 1
        self._write(encode_frame(item.frame))

    def poll(self, now: float) -> None:
        """Retransmit or give up on the frame in flight; start the next one."""
        item = self._inflight
        if item is not None and now - item.sent_at >= self.ack_timeout:
            if item.attempts > self.max_retries:
                self._inflight = None
                if self.on_give_up is not None:
                    self.on_give_up(item.message)
            else:
                self._transmit(item, now)
        if self._inflight is None and self._queue:
            self._inflight = self._queue.popleft()
            self._transmit(self._inflight, now)

    @property
    def idle(self) -> bool:
        return self._inflight is None and not self._queue

    @property
    def pending(self) -> list[Message]:
        items = ([self._inflight] if self._inflight else []) + list(self._queue)
        return [i.message for i in items]

    def clear(self) -> None:
        """Forget everything unsent or unacknowledged (the line went away)."""
        self._queue.clear()
        self._inflight = None

    def discard(self, predicate: Callable[[Message], bool]) -> None:
        """Drop queued (not in-flight) messages the predicate picks."""
        self._queue = deque(i for i in self._queue if not predicate(i.message))

    # ---- receiving --------------------------------------------------------------

    def receive(self, item: Frame | BadFrame, now: float) -> Message | None:
        """Handle one decoded frame: ACK it, settle ACK/NAK, drop duplicates.
        Returns the message to act on, or None."""
        if isinstance(item, BadFrame):
            self.bad_frames += 1
            if self.nak_bad_frames and item.seq is not None:
                self._send_control(Nak(item.seq, item.reason))
            return None
        frame = item
        message = decode_message(frame)
        if frame.cmd in (Cmd.ACK, Cmd.NAK):
            if message is not None:
                self._settle(message, now)  # type: ignore[arg-type]
            return None
        if message is None:
            reason = (
                NakReason.BAD_PAYLOAD if is_known_command(frame.cmd) else NakReason.UNKNOWN_COMMAND
            )
            self._send_control(Nak(frame.seq, reason))
            return None
        self._send_control(Ack(frame.seq))
        if frame.seq == self.last_accepted:
            self.duplicates += 1
            return None
        self.last_accepted = frame.seq
        return message

    def _settle(self, message: Ack | Nak, now: float) -> None:
        item = self._inflight
        if item is None or message.seq != item.frame.seq:
            return  # a late ACK for something already settled
        if isinstance(message, Ack):
            self._inflight = None
            if self.on_acked is not None:
                self.on_acked(item.message)
            self.poll(now)
        elif message.reason != NakReason.BUSY:
            if item.attempts > self.max_retries:
                self.poll(now + self.ack_timeout)  # counts as a timeout: give up
            else:
                self._transmit(item, now)
