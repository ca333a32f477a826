"""The software pad: a second screen facing the applicant stands in for the
hardware evaluation pad in halls without one.

It speaks the pad driver's language (open_session / cancel_session / listeners, and
the same `RatingReceived` / `NotRated` events), so `PadRatingService` drives either
without knowing which. The screen itself (ui/soft_pad_window.py) only shows the
prompt it is given and calls `press`; the rules live here: one session at a time,
a new request cancels the open one, a session ends exactly once (rating, timeout or
cancel), and reasons are required after a bad level, as on the hardware.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from devices.base import DeviceEvent
from devices.pad.codec import LEVELS, REASON_BITS, mask_from_reasons
from devices.pad.driver import NotRated, NotRatedCause, RatingReceived

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prompt:
    """What the applicant's screen shows; None when idle."""

    session_id: int
    case_no: str
    business: str
    timeout_s: int


class SoftPad:
    name = "soft_pad"
    levels = LEVELS  # 5 非常满意 … 1 非常不满意, as the pad numbers them
    reasons = REASON_BITS

    def __init__(self) -> None:
        self._listeners: list[Callable[[DeviceEvent], None]] = []
        self._screens: list[Callable[[Prompt | None], None]] = []
        self._lock = threading.Lock()
        self._current: Prompt | None = None
        self._timer: threading.Timer | None = None
        self._ids = itertools.count(1)

    # -- the driver side -------------------------------------------------------------

    def add_listener(self, callback: Callable[[DeviceEvent], None]) -> None:
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[DeviceEvent], None]) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def open_session(self, case_no: str, business: str, timeout_s: int = 60,
                     session_id: int | None = None) -> int:
        if not 10 <= timeout_s <= 255:
            raise ValueError("评价超时须在 10–255 秒之间")
        sid = session_id if session_id is not None else next(self._ids)
        with self._lock:
            old = self._current
            self._end_locked()
            self._current = Prompt(sid, case_no, business, timeout_s)
            self._timer = threading.Timer(timeout_s, self._timed_out, args=(sid,))
            self._timer.daemon = True
            self._timer.start()
        if old is not None:
            self._emit(NotRated(self.name, old.session_id, NotRatedCause.CANCELLED,
                                "新的评价请求取代了未完成的评价"))
        self._show(self._current)
        return sid

    def cancel_session(self, session_id: int) -> None:
        if self._finish(session_id):
            self._emit(NotRated(self.name, session_id, NotRatedCause.CANCELLED, "柜员取消评价"))

    def stop(self) -> None:
        current = self._current
        if current is not None:
            self.cancel_session(current.session_id)

    # -- the screen side -----------------------------------------------------------------

    def add_screen(self, callback: Callable[[Prompt | None], None]) -> None:
        self._screens.append(callback)

    @property
    def current(self) -> Prompt | None:
        return self._current

    def press(self, level: int, reasons: list[str] | None = None) -> bool:
        """The applicant's choice; False when nothing is open (e.g. it timed out)."""
        if level not in LEVELS:
            raise ValueError(f"评价等级须为 1–5: {level}")
        reasons = list(reasons or []) if level <= 2 else []
        if level <= 2 and not reasons:
            raise ValueError("请选择不满意的原因")
        current = self._current
        if current is None or not self._finish(current.session_id):
            return False
        self._emit(RatingReceived(self.name, current.session_id, level, reasons,
                                  mask_from_reasons(reasons)))
        return True

    # -- internals -----------------------------------------------------------------------

    def _timed_out(self, sid: int) -> None:
        if self._finish(sid):
            self._emit(NotRated(self.name, sid, NotRatedCause.TIMEOUT, "申请人未评价"))

    def _finish(self, sid: int) -> bool:
        """End the session if it is the open one; exactly one caller wins."""
        with self._lock:
            if self._current is None or self._current.session_id != sid:
                return False
            self._end_locked()
        self._show(None)
        return True

    def _end_locked(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._current = None

    def _emit(self, event: DeviceEvent) -> None:
        for callback in list(self._listeners):
            try:
                callback(event)
            except Exception:
                log.exception("soft pad listener failed")

    def _show(self, prompt: Prompt | None) -> None:
        for screen in list(self._screens):
            try:
                screen(prompt)
            except Exception:
                log.exception("soft pad screen failed")
