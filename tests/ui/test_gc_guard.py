"""Python's collector runs on the GUI thread only (ui/bridge/gc_guard.py): garbage in
reference cycles made and dropped on a worker thread — which would let a Qt object be
destroyed there and deadlock against the GUI thread — is collected on the GUI thread."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from ui.bridge.gc_guard import collect_on_gui_thread


class Cycle(QObject):
    freed_on: list[str] = []

    def __init__(self) -> None:
        super().__init__()
        self.me = self  # a reference cycle: only the collector frees it

    def __del__(self) -> None:
        Cycle.freed_on.append(threading.current_thread().name)


def test_cycles_dropped_on_a_worker_are_collected_on_the_gui_thread(qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    collect_on_gui_thread(qapp)
    assert not gc.isenabled()
    Cycle.freed_on.clear()

    def work() -> None:
        for _ in range(3000):  # far past generation 0's threshold
            Cycle()
            [[] for _ in range(5)]

    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join()
    assert Cycle.freed_on == []  # nothing collected on the worker
    qtbot.waitUntil(lambda: len(Cycle.freed_on) == 3000, timeout=10_000)
    assert set(Cycle.freed_on) == {threading.main_thread().name}
