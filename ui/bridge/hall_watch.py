"""Follow the hall from a worker thread and hand each new snapshot to the GUI thread.

The thread blocks in hall_events' listener (PostgreSQL LISTEN/NOTIFY, SQLite
data_version polling), re-reads the hall when it may have changed and at least
every `idle_refresh` seconds, and emits `changed` only when the hall's version
moved. The signal is delivered on the GUI thread (queued), so widgets update there.
"""

from __future__ import annotations

import logging
import threading
import time

from PySide6.QtCore import QObject, Signal

from counter_app.runtime import Runtime
from counter_app.services import hall_events
from counter_app.services.queue import Hall
from counter_app.services.queue_views import HallSnapshot, hall_snapshot

log = logging.getLogger(__name__)


class HallWatch(QObject):
    changed = Signal(object)  # HallSnapshot
    failed = Signal(str)  # Chinese message, e.g. the database is unreachable

    def __init__(
        self,
        rt: Runtime,
        hall: Hall,
        parent: QObject | None = None,
        *,
        idle_refresh: float = 5.0,
        recent: int = 8,
    ) -> None:
        super().__init__(parent)
        self.rt, self.hall = rt, hall
        self.idle_refresh, self.recent = idle_refresh, recent
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._version: int | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="hall-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=3)

    def snapshot(self) -> HallSnapshot:
        with self.rt.uow() as session:
            return hall_snapshot(session, self.hall, self.recent)

    def _run(self) -> None:
        listener = None
        last_read = 0.0
        changed = True
        while not self._stop.is_set():
            try:
                if listener is None:
                    listener = hall_events.open_listener(self.rt.engine, self.hall.code)
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
                self.failed.emit(f"无法读取排队数据：{exc}")
                if listener is not None:
                    listener.close()
                    listener = None
                self._stop.wait(2.0)
        if listener is not None:
            listener.close()
