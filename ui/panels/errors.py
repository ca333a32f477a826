"""What is wrong with an application, shown without pushing the form out of view: one
summary line (the first problem and how many there are) and the full list folded
under it, opened with its button or Ctrl+E; the list scrolls inside a fixed height."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.style import BAD

LIST_MAX_HEIGHT = 110  # px: about five lines, then it scrolls


class ErrorList(QWidget):
    toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messages: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        self.summary = QLabel("")
        self.summary.setObjectName("error")
        self.summary.setWordWrap(True)
        self.toggle = QToolButton()
        self.toggle.setCheckable(True)
        self.toggle.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.toggle.toggled.connect(self._fold)
        row.addWidget(self.summary, 1)
        row.addWidget(self.toggle)
        layout.addLayout(row)
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setStyleSheet(f"color: {BAD}; padding-left: 12px;")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.details)
        self.scroll.setMaximumHeight(LIST_MAX_HEIGHT)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.scroll)
        self.show_text("")

    # the accept panel's message is this summary line (tests read `.text()`)
    def text(self) -> str:
        return self.summary.text()

    def setText(self, text: str) -> None:  # noqa: N802  # a QLabel's name, kept
        self.show_text(text)

    def clear(self) -> None:
        self.show_text("")

    def show_text(self, text: str) -> None:
        """A plain message (正在提交…, a failure): one line, nothing to fold."""
        self.messages = []
        self.summary.setText(text)
        self.toggle.setVisible(False)
        self.scroll.setVisible(False)
        self.setVisible(bool(text))

    def show_errors(self, messages: list[str]) -> None:
        """请更正: the first problem on the summary line, all of them in the list."""
        self.messages = list(messages)
        if not messages:
            self.show_text("")
            return
        more = f"（共 {len(messages)} 项）" if len(messages) > 1 else ""
        self.summary.setText(f"请更正：{messages[0]}{more}")
        self.details.setText("\n".join(f"{n}. {m}" for n, m in enumerate(messages, 1)))
        self.toggle.setVisible(len(messages) > 1)
        self.setVisible(True)
        self._fold(self.toggle.isChecked())

    def flip(self) -> None:
        if not self.toggle.isHidden():
            self.toggle.setChecked(not self.toggle.isChecked())

    def _fold(self, open_: bool) -> None:
        self.toggle.setText("收起 Ctrl+E" if open_ else "全部 Ctrl+E")
        self.scroll.setVisible(open_ and len(self.messages) > 1)
        self.toggled.emit(open_)
