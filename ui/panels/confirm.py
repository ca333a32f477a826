"""Small keyboard dialogs that ask before something that cannot be undone.

`ConfirmDialog`: a question, an optional note; Enter confirms, Esc cancels.
`ReasonDialog`: numbered preset reasons (a digit picks one) plus free text; Enter
confirms, Esc cancels.

Both open window-modal without blocking (`open()`), and say what was decided through
a signal, so the window behind never runs a nested event loop (and tests drive them
with keys like any other widget).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.style import BAD, MUTED


def give_back_focus(dialog: QDialog) -> None:
    """The window behind is active again when the question closes (some window
    managers leave no window active, and the window's keys would go nowhere)."""
    parent = dialog.parentWidget()
    if parent is not None:
        parent.window().activateWindow()


class ConfirmDialog(QDialog):
    """Ask once; `confirmed(note)` when the person presses Enter."""

    confirmed = Signal(str)

    def __init__(self, title: str, question: str, parent: QWidget | None = None, *,
                 note_label: str = "", ok_text: str = "确定", detail: str = "") -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        self.question = QLabel(question)
        self.question.setStyleSheet("font-size: 15px; font-weight: bold;")
        layout.addWidget(self.question)
        if detail:
            more = QLabel(detail)
            more.setStyleSheet(f"color: {MUTED};")
            layout.addWidget(more)
        self.note: QLineEdit | None = None
        if note_label:
            layout.addWidget(QLabel(note_label))
            self.note = QLineEdit()
            self.note.setMaxLength(200)
            self.note.setPlaceholderText("可不填，直接按 Enter")
            layout.addWidget(self.note)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.ok = QPushButton(f"{ok_text} Enter")
        self.ok.setObjectName("primary")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.accept)
        cancel = QPushButton("取消 Esc")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons.addWidget(self.ok)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.setMinimumWidth(max(420, self.question.sizeHint().width() + 40))
        self.first_focus: QWidget = self.note or self.ok
        self.first_focus.setFocus()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().showEvent(event)
        self.activateWindow()  # the keys go to the question, whatever the window manager
        self.first_focus.setFocus()

    def accept(self) -> None:
        note = self.note.text().strip() if self.note is not None else ""
        super().accept()
        self.confirmed.emit(note)

    def done(self, result: int) -> None:
        super().done(result)
        give_back_focus(self)


class ReasonDialog(QDialog):
    """Choose a preset reason by its number (or the arrows), or write one; a note
    may be added to a preset. `chosen(reason)` on Enter."""

    chosen = Signal(str)

    def __init__(self, title: str, question: str, presets: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.presets = list(presets)[:9]
        layout = QVBoxLayout(self)
        head = QLabel(question)
        head.setStyleSheet("font-weight: bold;")
        layout.addWidget(head)
        layout.addWidget(QLabel("按数字选择原因，↑↓ 移动；也可按 0 或 Tab 自行填写"))
        self.list = QListWidget()
        for n, text in enumerate(self.presets, start=1):
            self.list.addItem(f"{n}. {text}")
        self.list.addItem("0. 其他原因（在下面填写）")
        self.list.setCurrentRow(0)
        rows = self.list.count()
        self.list.setMinimumHeight(self.list.sizeHintForRow(0) * rows + 8)
        self.list.setMinimumWidth(self.list.sizeHintForColumn(0) + 30)
        layout.addWidget(self.list)
        layout.addWidget(QLabel("补充说明（选“其他原因”时必填）"))
        self.text = QLineEdit()
        self.text.setMaxLength(200)
        layout.addWidget(self.text)
        self.error = QLabel("")
        self.error.setStyleSheet(f"color: {BAD};")
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.ok = QPushButton("确定 Enter")
        self.ok.setObjectName("primary")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.accept)
        cancel = QPushButton("取消 Esc")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons.addWidget(self.ok)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.list.installEventFilter(self)
        self.list.setFocus()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().showEvent(event)
        self.activateWindow()  # the keys go to the question, whatever the window manager
        self.list.setFocus()

    @property
    def other_row(self) -> int:
        return len(self.presets)

    def reason(self) -> str:
        row = self.list.currentRow()
        note = self.text.text().strip()
        if 0 <= row < len(self.presets):
            return f"{self.presets[row]}：{note}" if note else self.presets[row]
        return note

    def eventFilter(self, watched, event) -> bool:  # type: ignore[no-untyped-def]  # noqa: N802
        """Digits in the list pick a reason (0: write one)."""
        if watched is self.list and isinstance(event, QKeyEvent) \
                and event.type() == QKeyEvent.Type.KeyPress:
            text = event.text()
            if text.isdigit() and len(text) == 1:
                n = int(text)
                if n == 0:
                    self.list.setCurrentRow(self.other_row)
                    self.text.setFocus()
                    return True
                if n <= len(self.presets):
                    self.list.setCurrentRow(n - 1)
                    return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        reason = self.reason()
        if not reason:
            self.error.setText("请选择或填写原因")
            self.text.setFocus()
            return
        super().accept()
        self.chosen.emit(reason)

    def done(self, result: int) -> None:
        super().done(result)
        give_back_focus(self)
