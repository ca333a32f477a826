"""Input widgets of the teller's form, built for the keyboard.

`DateLine` is the one date field of the window: a line edit that takes a date typed in
one go (`19880901`, `1988-09-01`, `1988年9月1日` … see ui.panels.date_text), lets Tab
leave and Ctrl+A select like any text field, and says in Chinese what is wrong with an
impossible date. A QDateEdit took dates section by section and trapped the keyboard.

`NumberedCombo` shows its answers numbered (`1 正常退休`, `2 特殊工种…`) so a digit
chooses, and ignores the mouse wheel unless it has the focus: scrolling the page over
a combo must never change an answer (two notches once turned 正常退休 into 病退)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from ui.panels.date_text import HINT, DateTextError, parse_date
from ui.style import BAD

INVALID_STYLE = f"border: 2px solid {BAD};"


class DateLine(QLineEdit):
    """A date typed as text; `value()` is the ISO date or "" (empty or not a date)."""

    problem_changed = Signal(str)  # the Chinese message, "" once the date is good

    def __init__(self, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.problem = ""
        self.setPlaceholderText(HINT)
        self.setMaxLength(20)
        self.editingFinished.connect(self.normalise)
        self.textChanged.connect(self._edited)

    def value(self) -> str:
        text = self.text().strip()
        if not text:
            return ""
        try:
            return parse_date(text, self._today()).isoformat()
        except DateTextError:
            return ""

    def set_value(self, iso: str) -> None:
        self.setText(iso)
        self.normalise()

    def normalise(self) -> None:
        """On leaving: show the date as yyyy-MM-dd, or say why it is no date."""
        text = self.text().strip()
        if not text:
            self._set_problem("")
            return
        try:
            found = parse_date(text, self._today())
        except DateTextError as exc:
            self._set_problem(str(exc))
            return
        self._set_problem("")
        if found.isoformat() != self.text():
            self.blockSignals(True)  # the same date, written the usual way
            self.setText(found.isoformat())
            self.blockSignals(False)

    def _edited(self, text: str) -> None:
        if self.problem and len(text.strip()) >= 8:
            self.normalise()  # a corrected date clears the message as it is typed

    def _set_problem(self, message: str) -> None:
        if message == self.problem:
            return
        self.problem = message
        self.setStyleSheet(INVALID_STYLE if message else "")
        self.setToolTip(message)
        self.problem_changed.emit(message)


class NumberedCombo(QComboBox):
    """Answers numbered from 1 (an empty first entry stays unnumbered); a digit key
    chooses, the wheel turns it only while it has the focus."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # no focus from the wheel
        self._numbered = 0

    def add_answer(self, label: str, data: object) -> None:
        if label:
            self._numbered += 1
            label = f"{self._numbered} {label}"
        self.addItem(label, data)

    def clear(self) -> None:
        self._numbered = 0
        super().clear()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if self.hasFocus() or self.view().isVisible():
            super().wheelEvent(event)
        else:
            event.ignore()  # the page scrolls instead

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        text = event.text()
        if text.isdigit() and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            wanted = int(text)
            for index in range(self.count()):
                if self.itemText(index).startswith(f"{wanted} "):
                    self.setCurrentIndex(index)
                    event.accept()
                    return
        super().keyPressEvent(event)

