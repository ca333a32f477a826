"""Run the evaluation pad for one window: open a rating session when the teller
presses 请评价 (or by itself after a case is accepted), store whatever comes back.

Qt-free. One worker thread does all database work, in order; pad events arrive on
the driver's thread and are only queued here. The pad is anything with the
`RatingPad` methods: the serial `devices.pad.PadDriver`, or the software pad (a
second screen facing the applicant) that emits the same events.

What the teller's screen is told (`SessionEnded`): rated or not, and the cause when
not — never the level pressed (the pad faces the applicant, not the teller).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from counter_app.domain.rating import (
    NotRatedCause,
    RatingChannel,
    RatingError,
    RatingInput,
    Reason,
    from_pad_level,
    reasons_from_labels,
)
from counter_app.domain.roles import Actor
from counter_app.runtime import Runtime
from counter_app.services.ratings import AlreadyRecorded, Recorded, SessionView
from counter_app.usecases import ratings as rating_ops
from devices.base import DeviceEvent
from devices.pad.driver import NotRated, RatingReceived
from devices.pad.driver import NotRatedCause as PadCause

log = logging.getLogger(__name__)

#: How often a result is retried when the database is away, and how long apart.
STORE_RETRIES = 20
STORE_RETRY_SECONDS = 3.0
NO_REASON_NOTE = "（评价器未上报差评原因）"


class RatingPad(Protocol):
    def open_session(self, case_no: str, business: str, timeout_s: int = 60,
                     session_id: int | None = None) -> int: ...

    def cancel_session(self, session_id: int) -> None: ...

    def add_listener(self, callback: Callable[[DeviceEvent], None]) -> None: ...

    def remove_listener(self, callback: Callable[[DeviceEvent], None]) -> None: ...


@dataclass(frozen=True)
class SessionStarted:
    session_id: int
    visit_key: str
    business: str


@dataclass(frozen=True)
class SessionEnded:
    """Whether the applicant rated, never how (the pad faces the applicant)."""

    session_id: int
    visit_key: str
    rated: bool
    cause: str  # Chinese label when not rated, "" when rated


@dataclass(frozen=True)
class RequestRefused:
    message: str  # Chinese, for the status bar


ServiceEvent = SessionStarted | SessionEnded | RequestRefused

_CAUSES = {
    PadCause.TIMEOUT: NotRatedCause.TIMEOUT,
    PadCause.CANCELLED: NotRatedCause.CANCELLED,
    PadCause.PAD_LOST: NotRatedCause.PAD_OFFLINE,
}


class PadRatingService:
    def __init__(
        self,
        rt: Runtime,
        pad: RatingPad,
        *,
        actor: Actor,
        window_no: str | None = None,
        timeout_s: int | None = None,
        channel: RatingChannel = RatingChannel.WINDOW_PAD,
        on_event: Callable[[ServiceEvent], None] | None = None,
    ) -> None:
        self.rt = rt
        self.pad = pad
        self.actor = actor
        self.window_no = window_no or rt.settings.hall.window_no
        self.timeout_s = max(10, min(255, int(timeout_s or rt.settings.ratings.timeout_s)))
        self.channel = channel
        self._listeners: list[Callable[[ServiceEvent], None]] = [on_event] if on_event else []
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._idle = threading.Condition()
        self._pending = 0
        self._thread: threading.Thread | None = None
        self._current: SessionView | None = None
        self.stored: list[Recorded] = []  # what this service stored (tests, logs)

    # ---- life ------------------------------------------------------------------------

    def start(self) -> PadRatingService:
        if self._thread is not None:
            return self
        self.pad.add_listener(self._on_pad_event)
        self._thread = threading.Thread(target=self._run, name="rating-pad", daemon=True)
        self._thread.start()
        self._submit(self._close_stale)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.pad.remove_listener(self._on_pad_event)
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout)
        self._thread = None

    def add_listener(self, callback: Callable[[ServiceEvent], None]) -> None:
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[ServiceEvent], None]) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every queued request and result has been handled (tests)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    @property
    def current(self) -> SessionView | None:
        return self._current

    # ---- requests (any thread) ------------------------------------------------------

    def request_for_case(self, case_no: str, *, trigger: str = "key") -> None:
        self._submit(lambda: self._open(self._ask(case_no=case_no, trigger=trigger)))

    def request_for_ticket(self, ticket_id: int, *, trigger: str = "key") -> None:
        self._submit(lambda: self._open(self._ask(ticket_id=ticket_id, trigger=trigger)))

    def _ask(self, **visit: object) -> rating_ops.AskRating:
        return rating_ops.AskRating(self.actor, self.window_no, channel=self.channel,
                                    **visit)  # type: ignore[arg-type]

    def cancel(self) -> None:
        """The teller cancels the open rating (the pad reports it back as cancelled)."""
        current = self._current
        if current is not None:
            self.pad.cancel_session(current.pad_session_id)

    # ---- worker ----------------------------------------------------------------------

    def _submit(self, job: Callable[[], None]) -> None:
        with self._idle:
            self._pending += 1
        self._jobs.put(job)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                job()
            except Exception:
                log.exception("rating job failed")
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _emit(self, event: ServiceEvent) -> None:
        for callback in list(self._listeners):
            try:
                callback(event)
            except Exception:
                log.exception("rating listener failed")

    def _close_stale(self) -> None:
        closed = rating_ops.close_stale_sessions(self.rt, self.window_no)
        if closed:
            log.info("%d rating sessions left open by a previous run closed", closed)

    def _open(self, ask: rating_ops.AskRating) -> None:
        try:
            view = rating_ops.ask_rating(self.rt, ask)
        except (RatingError, PermissionError) as exc:
            self._emit(RequestRefused(str(exc)))
            return
        self._current = view
        try:
            self.pad.open_session(view.case_no or view.queue_no, view.business,
                                  self.timeout_s, session_id=view.pad_session_id)
        except Exception as exc:  # the pad refused: the session ends unrated at once
            log.warning("pad refused session %s: %s", view.id, exc)
            self._store_not_rated(view.id, NotRatedCause.CANCELLED, "评价器拒绝了本次评价")
            return
        self._emit(SessionStarted(view.id, view.visit_key, view.business))

    # ---- pad events (driver thread → worker) -----------------------------------------

    def _on_pad_event(self, event: DeviceEvent) -> None:
        if isinstance(event, RatingReceived):
            self._submit(lambda: self._store_rating(event, 0))
        elif isinstance(event, NotRated):
            cause = _CAUSES.get(event.cause, NotRatedCause.CANCELLED)
            self._submit(lambda: self._store_not_rated(event.session_id, cause, event.detail,
                                                       reasked=_reasked(event)))

    def _session_id(self, pad_session_id: int) -> int:
        return pad_session_id  # the pad's id is the session row's id (see SessionView)

    def _store_rating(self, event: RatingReceived, attempt: int) -> None:
        level = from_pad_level(event.level)
        reasons = tuple(reasons_from_labels(event.reasons)) if level.is_bad else ()
        comment = ""
        if level.is_bad and not reasons:
            reasons, comment = (Reason.OTHER,), NO_REASON_NOTE
        rating = RatingInput(level, reasons, comment)
        sid = self._session_id(event.session_id)
        try:
            done = rating_ops.record_rating(self.rt, rating_ops.RecordRating(
                sid, rating, event.reasons_mask, _reasked(event)))
        except AlreadyRecorded:
            log.info("rating for session %s already stored; repeat ignored", sid)
            return
        except RatingError as exc:
            log.warning("rating for session %s not stored: %s", sid, exc)
            return
        except Exception:
            self._retry(lambda: self._store_rating(event, attempt + 1), attempt, sid)
            return
        self._ended(done)

    def _store_not_rated(self, sid: int, cause: NotRatedCause, detail: str,
                         attempt: int = 0, reasked: bool = False) -> None:
        try:
            done = rating_ops.record_not_rated(
                self.rt, rating_ops.RecordNotRated(sid, cause, detail, reasked))
        except AlreadyRecorded:
            return
        except RatingError as exc:
            log.warning("not-rated for session %s not stored: %s", sid, exc)
            return
        except Exception:
            self._retry(lambda: self._store_not_rated(sid, cause, detail, attempt + 1, reasked),
                        attempt, sid)
            return
        self._ended(done)

    def _retry(self, job: Callable[[], None], attempt: int, sid: int) -> None:
        log.exception("storing the result of session %s failed (attempt %d)", sid, attempt + 1)
        if attempt + 1 >= STORE_RETRIES:
            log.error("result of rating session %s given up after %d attempts", sid, attempt + 1)
            return
        with self._idle:
            self._pending += 1  # the timer's job counts as pending until it has run
        timer = threading.Timer(STORE_RETRY_SECONDS, lambda: self._resubmit(job))
        timer.daemon = True
        timer.start()

    def _resubmit(self, job: Callable[[], None]) -> None:
        self._jobs.put(job)  # already counted as pending by _retry

    def _ended(self, done: Recorded) -> None:
        self.stored.append(done)
        if self._current is not None and self._current.id == done.session_id:
            self._current = None
        self._emit(
            SessionEnded(done.session_id, done.visit_key, done.rated,
                         done.cause.label if done.cause else "")
        )


def _reasked(event: DeviceEvent) -> bool:
    """Whether the pad driver had to ask again after its link dropped."""
    return bool(getattr(event, "reasked_after_link_loss", False))
