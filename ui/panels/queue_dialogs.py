"""The queue strip's questions, answered by keys: F1 on a served visit asks before
ending it (Enter ends it and calls the next, Esc keeps serving), F7 办结 asks what
came of it (a digit, an optional note), F4 转移 lists windows and categories by
number. Each carries the ticket it was asked for, so a late answer cannot act on
another ticket, and owns the F-keys while open (a burst of F1 neither answers nor
stacks it: ui.bridge.keys)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.queue import Category, OutcomeCode, outcome_refusal
from ui.bridge.keys import owns_function_keys

if TYPE_CHECKING:  # (the services import SQLAlchemy: not before the window shows)
    from counter_app.services.queue import TicketView
    from counter_app.services.queue_views import WindowCall

HINT_STYLE = "color: #4b5563;"
ERROR_STYLE = "color: #c62828;"
_DIGIT_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(10)}


def _minutes(seconds: int | None) -> str:
    if not seconds:
        return "不到 1 分钟"
    return f"{seconds // 60} 分钟" if seconds >= 60 else f"{seconds} 秒"


class _KeyDialog(QDialog):
    """A small modal question that owns the F-keys while it is open."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        owns_function_keys(self)
        self.layout_ = QVBoxLayout(self)
        self.error = QLabel("")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if Qt.Key.Key_F1 <= event.key() <= Qt.Key.Key_F12:
            self.error.setText("请先回答本对话框：Enter 确认，Esc 取消")
            return
        super().keyPressEvent(event)

    def _ok_cancel(self, ok_text: str) -> QHBoxLayout:
        """The dialog's buttons: `ok_text` (Enter) tries to accept, 取消 (Esc) rejects."""
        self.ok = QPushButton(ok_text)
        self.ok.setDefault(True)
        self.ok.clicked.connect(self._try_accept)  # type: ignore[attr-defined]
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        buttons.addWidget(cancel)
        return buttons


class ConfirmNextDialog(_KeyDialog):
    """F1 (or Shift+F1) while a ticket is served: end it and call the next?"""

    def __init__(self, ticket: TicketView, served_seconds: int | None, walk_in: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__("结束本次服务？", parent)
        self.ticket_id, self.number = ticket.id, ticket.number
        what = "接待无号现场办理的人" if walk_in else "叫下一位"
        question = QLabel(
            f"正在办理 <b>{ticket.number}</b>（{ticket.category_name}，"
            f"已办理 {_minutes(served_seconds)}）。<br>结束本次服务并{what}？"
        )
        question.setTextFormat(Qt.TextFormat.RichText)
        question.setWordWrap(True)
        hint = QLabel("Enter 结束并继续　　Esc 继续办理（不叫号）")
        hint.setStyleSheet(HINT_STYLE)
        buttons = QHBoxLayout()
        self.yes = QPushButton(f"结束 {ticket.number} 并{what}")
        self.no = QPushButton("继续办理")
        self.yes.setDefault(True)
        self.yes.clicked.connect(self.accept)
        self.no.clicked.connect(self.reject)
        buttons.addStretch(1)
        buttons.addWidget(self.yes)
        buttons.addWidget(self.no)
        for w in (question, hint, self.error):
            self.layout_.addWidget(w)
        self.layout_.addLayout(buttons)
        self.setMinimumWidth(420)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().showEvent(event)
        self.yes.setFocus()


class OutcomeDialog(_KeyDialog):
    """F7 办结: what came of this stretch of service (digit 1–7) and a note."""

    def __init__(self, ticket: TicketView, preselect: OutcomeCode | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"办结 {ticket.number}", parent)
        self.ticket_id, self.number = ticket.id, ticket.number
        title = QLabel(f"办结 <b>{ticket.number}</b>（{ticket.category_name}）：按数字选择办理结果")
        title.setTextFormat(Qt.TextFormat.RichText)
        self.codes = QListWidget()
        for code in OutcomeCode:
            item = QListWidgetItem(f"{code.digit}  {code.label}")
            item.setData(Qt.ItemDataRole.UserRole, code.value)
            self.codes.addItem(item)
        self.codes.setMinimumHeight(7 * 24)
        if preselect is not None:
            self.codes.setCurrentRow(list(OutcomeCode).index(preselect))
        self.note = QLineEdit()
        self.note.setMaxLength(255)
        self.note.setPlaceholderText("说明（可不填；选“其他”时必填）")
        hint = QLabel("数字选结果　Tab 写说明　Enter 办结　Esc 取消")
        hint.setStyleSheet(HINT_STYLE)
        buttons = self._ok_cancel("办结")
        for w in (title, self.codes, self.note, hint, self.error):
            self.layout_.addWidget(w)
        self.layout_.addLayout(buttons)
        self.setMinimumWidth(420)
        self.setTabOrder(self.codes, self.note)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().showEvent(event)
        self.codes.setFocus()

    @property
    def outcome(self) -> OutcomeCode | None:
        # the selection, not the current row: a list that takes the focus makes its
        # first row current by itself, and Enter must not mean 办结 unasked
        items = self.codes.selectedItems()
        return OutcomeCode(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        digit = _DIGIT_KEYS.get(Qt.Key(event.key()))
        if digit is not None and not self.note.hasFocus() and 1 <= digit <= len(OutcomeCode):
            self.codes.setCurrentRow(digit - 1)
            self.error.setText("")
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._try_accept()
            return
        super().keyPressEvent(event)

    def _try_accept(self) -> None:
        code = self.outcome
        if code is None:
            self.error.setText("请按数字 1–7 选择办理结果")
            self.codes.setFocus()
            return
        refusal = outcome_refusal(code, self.note.text())
        if refusal:
            self.error.setText(refusal)
            self.note.setFocus()
            return
        self.accept()


@dataclass(frozen=True)
class TransferChoice:
    to_window: str | None
    to_category: str | None
    back: bool


class TransferDialog(_KeyDialog):
    """F4 转移: the hall's other windows and the categories, numbered; a digit (two
    in quick succession past 9) chooses, 0 switches 办完后回本窗口, Enter confirms."""

    def __init__(self, ticket: TicketView, window_no: str, windows: Sequence[WindowCall],
                 categories: Sequence[Category], parent: QWidget | None = None) -> None:
        super().__init__(f"转移 {ticket.number}", parent)
        self.ticket_id, self.number, self.window_no = ticket.id, ticket.number, window_no
        self.targets: list[tuple[str | None, str | None]] = []
        self.list = QListWidget()
        for w in windows:
            if w.window_no == window_no:
                continue
            state = ("暂停服务" if w.paused else f"在办 {w.number}" if w.number else "空闲")
            self._add(f"{w.window_no}号窗口（{state}）", (w.window_no, None))
        for c in categories:
            if c.prefix == ticket.category:
                continue
            self._add(f"业务 {c.prefix} {c.name}（排队等候）", (None, c.prefix))
        self.back = True
        self.back_label = QLabel("")
        self._show_back()
        title = QLabel(f"把 <b>{ticket.number}</b> 转到：按数字选择")
        title.setTextFormat(Qt.TextFormat.RichText)
        hint = QLabel("数字选去处　0 切换办完后是否回本窗口　Enter 转移　Esc 取消")
        hint.setStyleSheet(HINT_STYLE)
        buttons = self._ok_cancel("转移")
        for w in (title, self.list, self.back_label, hint, self.error):
            self.layout_.addWidget(w)
        self.layout_.addLayout(buttons)
        self.setMinimumWidth(460)
        self._typed, self._typed_at = "", 0.0

    def _add(self, text: str, target: tuple[str | None, str | None]) -> None:
        self.targets.append(target)
        self.list.addItem(f"{len(self.targets)}  {text}")

    def _show_back(self) -> None:
        mark = "☑" if self.back else "☐"
        self.back_label.setText(f"{mark} 办完后回到 {self.window_no} 号窗口（按 0 切换）")

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().showEvent(event)
        self.list.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        digit = _DIGIT_KEYS.get(Qt.Key(event.key()))
        now = time.monotonic()
        fresh = bool(self._typed) and now - self._typed_at < 1.0
        if digit == 0 and not (fresh and int(self._typed + "0") <= len(self.targets)):
            self.back = not self.back
            self._show_back()
            return
        if digit is not None:
            typed = (self._typed if now - self._typed_at < 1.0 else "") + str(digit)
            if not 1 <= int(typed) <= len(self.targets):
                typed = str(digit)
            self._typed, self._typed_at = typed, now
            if 1 <= int(typed) <= len(self.targets):
                self.list.setCurrentRow(int(typed) - 1)
                self.error.setText("")
            return
        self._typed = ""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._try_accept()
            return
        super().keyPressEvent(event)

    def choice(self) -> TransferChoice | None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.targets):
            return None
        to_window, to_category = self.targets[row]
        return TransferChoice(to_window, to_category, self.back)

    def _try_accept(self) -> None:
        if self.choice() is None:
            self.error.setText("请按数字选择转到的窗口或业务")
            return
        self.accept()
