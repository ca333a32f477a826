"""Python's cyclic garbage collector, run on the GUI thread only.

Left automatic, a collection starts on whichever thread happens to allocate — often a
TaskRunner worker — and may destroy a Qt object that was part of a reference cycle
there. Its destructor takes Qt's signal lock and then waits for the GIL, while the GUI
thread, holding the GIL, waits for that lock: the window freezes for good (seen as a
hung test: a worker in QObject::~QObject, the GUI thread in QObject::connect). The
usual remedy for PySide/PyQt programs (Anki's aqt does the same): switch automatic
collection off and collect from a GUI-thread timer, generation by generation, as
often as the thresholds would have."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return


def collect_on_gui_thread(app: QObject) -> GuiThreadCollector:
    """Install once per application (ui/app.py; the tests' QApplication too)."""
    existing = app.findChild(GuiThreadCollector)
    if existing is not None:
        gc.disable()
        return existing
    return GuiThreadCollector(app)
