"""The window's message line, right under the queue strip: what just happened
(已读取身份证, 评价器已显示, 申请人已评价, 已提交 …) where the teller looks, not only
in the status bar at the bottom edge for a few seconds."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from ui.style import ACCENT, BAD, OK, WARN


class MessageKind(StrEnum):
    INFO = "info"
    OK = "ok"
    WARN = "warn"
    ERROR = "error"


COLOURS = {
    MessageKind.INFO: (ACCENT, "#e8f0fb"),
    MessageKind.OK: (OK, "#e7f5ec"),
    MessageKind.WARN: (WARN, "#fff4e0"),
    MessageKind.ERROR: (BAD, "#fdecea"),
}
#: How long a message stays; a problem stays until the next message.
KEEP_MS = {MessageKind.INFO: 20_000, MessageKind.OK: 30_000, MessageKind.WARN: 60_000}


class MessageLine(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(" ", parent)
        self.setObjectName("messageLine")
        self.setWordWrap(False)
        self.kind = MessageKind.INFO
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_message)
        self.clear_message()

    def show_message(self, text: str, kind: MessageKind | str = MessageKind.INFO) -> None:
        self.kind = MessageKind(kind)
        fg, bg = COLOURS[self.kind]
        self.setStyleSheet(
            f"QLabel#messageLine {{ color: {fg}; background: {bg}; font-weight: bold;"
            f" padding: 3px 8px; border-radius: 3px; }}"
        )
        self.setText(text)
        self.setToolTip(text)
        self._timer.stop()
        if self.kind in KEEP_MS:
            self._timer.start(KEEP_MS[self.kind])

    def clear_message(self) -> None:
        self.setStyleSheet("QLabel#messageLine { padding: 3px 8px; }")
        self.setText(" ")

