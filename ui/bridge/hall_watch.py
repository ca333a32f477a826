"""Follow the hall from a worker thread and tell the GUI thread when it changed.

`HallListenerThread` blocks in the hall listener (PostgreSQL LISTEN/NOTIFY, SQLite
data_version polling) and emits `woke` when the hall may have changed; the
supervisor view reloads on it. `HallWatch` (the display, the kiosk) re-reads the
hall's snapshot itself when woken and at least every `idle_refresh` seconds, and
emits `changed` only when the hall's version moved. Signals are delivered on the
GUI thread (queued), so widgets update there.
"""

from __future__ import annotations

import logging
import threading
import time

from PySide6.QtCore import QObject, Signal

from counter_app.runtime import Runtime
from counter_app.services.queue_views import HallSnapshot
from counter_app.usecases import queue

log = logging.getLogger(__name__)


class _Worker(QObject):
    """A daemon thread with a stop flag."""

    name = "hall-worker"

    def __init__(self, rt: Runtime, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rt = rt
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=3)

    def _run(self) -> None:
        raise NotImplementedError


class HallListenerThread(_Worker):
    woke = Signal()
    name = "hall-listener"

    def _run(self) -> None:
        try:
            listener = queue.open_hall_listener(self.rt)
        except Exception:
            log.exception("no hall listener; the view refreshes on its timer only")
            return
        try:
            while not self._stop.is_set():
                if listener.wait(1.0):
                    self.woke.emit()
        finally:
            listener.close()


class HallWatch(_Worker):
    changed = Signal(object)  # HallSnapshot
    failed = Signal(str)  # Chinese message, e.g. the database is unreachable
    name = "hall-watch"

    def __init__(
        self,
        rt: Runtime,
        parent: QObject | None = None,
        *,
        idle_refresh: float = 5.0,
        recent: int = 8,
    ) -> None:
        super().__init__(rt, parent)
        self.idle_refresh, self.recent = idle_refresh, recent
        self._version: int | None = None

    def snapshot(self) -> HallSnapshot:
        return queue.hall_snapshot(self.rt, self.recent)

    def _run(self) -> None:
        listener = None
        last_read = 0.0
        changed = True
        while not self._stop.is_set():
            try:
                if listener is None:
                    listener = queue.open_hall_listener(self.rt)
                    changed = True
                if changed or time.monotonic() - last_read >= self.idle_refresh:
                    last_read = time.monotonic()
                    snap = self.snapshot()
                    if snap.version != self._version:
                        self._version = snap.version
                        self.changed.emit(snap)
                changed = listener.wait(0.5)
            except Exception as exc:  # keep watching; say so on the screen
                log.warning("hall watch: %s", exc)
                self.failed.emit("无法读取排队数据，正在重试…")
                if listener is not None:
                    listener.close()
                    listener = None
                self._stop.wait(2.0)
        if listener is not None:
            listener.close()
