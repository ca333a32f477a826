"""Keyboard-wedge scanners at the teller's window: a scanner "types" the electronic
social-security card's code into whatever field has the focus. This filter watches
the window's key presses, tells a scanner's burst from a person typing (the pure
`devices.scanner.wedge.WedgeDetector`), takes the burst back out of the field, eats
its Enter, and hands the code over to be resolved."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from devices.scanner.wedge import WedgeDetector


class WedgeFilter(QObject):
    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, detector: WedgeDetector | None = None):
        super().__init__(parent)
        self.detector = detector or WedgeDetector()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if obj is not QApplication.focusWidget():
            return False  # the same key again, propagating to a parent
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        key = "Enter" if enter else event.text()
        hit = self.detector.feed(key, time.monotonic())
        if hit is None:
            return False
        self._take_back(hit.text)
        self.scanned.emit(hit.text)
        return True  # the scanner's Enter must not submit or choose anything

    @staticmethod
    def _take_back(text: str) -> None:
        field = QApplication.focusWidget()
        if isinstance(field, QLineEdit) and field.text().endswith(text):
            field.setText(field.text()[: -len(text)])
