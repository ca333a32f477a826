"""The sweep in the background: every running window applies the overdue rules
(容缺 promise broken → 终止办理, 补正 unanswered → 视为撤回) every few minutes, so the
state changes by itself even when nobody runs `counter-app case sweep`.

Many windows sweeping at once is safe: the sweep is idempotent and each case is
taken with FOR UPDATE SKIP LOCKED (services.lifecycle). A failed pass (the database
away for a moment) is logged and tried again at the next one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from counter_app.domain.roles import Actor
from counter_app.runtime import Runtime
from counter_app.usecases import cases

log = logging.getLogger(__name__)


class Sweeper:
    """A daemon thread calling `usecases.cases.sweep` every `interval` seconds (the
    first pass a few seconds after start, so a window opens without waiting)."""

    def __init__(self, rt: Runtime, *, interval: float | None = None, first_delay: float = 5.0,
                 actor: Actor | None = None,
                 on_change: Callable[[cases.Swept], None] | None = None) -> None:
        self.rt = rt
        self.interval = interval if interval is not None else rt.settings.cases.sweep_minutes * 60
        self.first_delay = first_delay
        self.actor = actor or Actor.system("到期办件检查", rt.settings.hall.window_no)
        self.on_change = on_change
        self.passes = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Sweeper:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="case-sweeper", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run_once(self) -> cases.Swept | None:
        try:
            done = cases.sweep(self.rt, cases.Sweep(self.actor))
        except Exception:  # the database may be away for a moment: next pass
            log.exception("case sweep failed")
            return None
        finally:
            self.passes += 1
        if (done.terminated or done.withdrawn) and self.on_change is not None:
            self.on_change(done)
        return done

    def _run(self) -> None:
        if self._stop.wait(self.first_delay):
            return
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.interval)
