"""The teller's queue strip: 叫号 F1, 重呼 F2, 过号 F3, 转移 F4, 暂停 F6, 办结 F7,
and the ticket being served with its wait. All database work runs on the window's
TaskRunner; the keys work anywhere in the teller window."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QWidget,
)

from counter_app.domain.queue import PAUSE_REASONS, QueueError
from counter_app.runtime import Runtime
from counter_app.services.queue import Hall
from counter_app.services.queue_views import WindowView
from counter_app.usecases import queue
from counter_app.usecases.errors import user_message
from ui.bridge.tasks import TaskRunner
from ui.context import AppContext

log = logging.getLogger(__name__)
REFRESH_MS = 15_000

PANEL_STYLE = """
#queuePanel { background: #eaf1fb; border: 1px solid #c9d7ea; border-radius: 4px; }
#queueTicket { font-size: 15px; font-weight: bold; color: #0b4f9c; }
#queueTicket[idle="true"] { color: #6b7280; font-weight: normal; }
#queueMessage { color: #c62828; }
"""


def _minutes(seconds: int | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds // 60} 分钟" if seconds >= 60 else f"{seconds} 秒"


class TransferDialog(QDialog):
    def __init__(self, hall: Hall, window_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("转移")
        form = QFormLayout(self)
        self.window = QLineEdit()
        self.window.setPlaceholderText("窗口号，可不填")
        self.category = QComboBox()
        self.category.addItem("（不变）", "")
        for c in hall.rules.categories:
            self.category.addItem(f"{c.prefix} {c.name}", c.prefix)
        self.back = QCheckBox(f"办完后回到 {window_no} 号窗口")
        self.back.setChecked(True)
        form.addRow("转到窗口", self.window)
        form.addRow("转到业务", self.category)
        form.addRow("", self.back)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str | None, str | None, bool]:
        return (
            self.window.text().strip() or None,
            self.category.currentData() or None,
            self.back.isChecked(),
        )


class QueuePanel(QFrame):
    ticket_changed = Signal(object)  # TicketView | None

    def __init__(
        self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.rt, self.user = ctx.rt, ctx.actor
        rt = self.rt
        self.hall = Hall.of(rt.settings, rt.deps.clock)
        self.window_no = rt.settings.hall.window_no
        self.categories = rt.settings.queue.window_categories
        self.view: WindowView | None = None
        self.busy = False
        self.setObjectName("queuePanel")
        self.setStyleSheet(PANEL_STYLE)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("F1", "叫号", self.call_next),
            ("F2", "重呼", self.recall),
            ("F3", "过号", self.no_show),
            ("F4", "转移", self.ask_transfer),
            ("F6", "暂停", self.toggle_pause),
            ("F7", "办结", self.done),
        ):
            button = QPushButton(f"{text} {key}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            layout.addWidget(button)
            self.buttons[key] = button
            # Application-wide: the keys also work while a papers preview has the
            # focus (a modal dialog still blocks them).
            QShortcut(QKeySequence(key), self, activated=slot,
                      context=Qt.ShortcutContext.ApplicationShortcut)
        more = QPushButton("更多")
        more.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        menu = QMenu(more)
        menu.addAction("挂起当前号", self.park)
        menu.addAction("取回挂起的号…", self.ask_unpark)
        menu.addAction("指定号码呼叫…", self.ask_call_number)
        menu.addAction("过号激活…", self.ask_reactivate)
        more.setMenu(menu)
        layout.addWidget(more)
        layout.addSpacing(12)
        self.ticket_label = QLabel("")
        self.ticket_label.setObjectName("queueTicket")
        self.waiting_label = QLabel("")
        self.message = QLabel("")
        self.message.setObjectName("queueMessage")
        layout.addWidget(self.ticket_label)
        layout.addSpacing(12)
        layout.addWidget(self.waiting_label)
        layout.addStretch(1)
        layout.addWidget(self.message)
        self._show(None)

        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(REFRESH_MS)
        self.refresh()

    # -- state ------------------------------------------------------------------------
    @property
    def current_ticket_id(self) -> int | None:
        return self.view.ticket.id if self.view and self.view.ticket else None

    @property
    def current_number(self) -> str:
        return self.view.ticket.number if self.view and self.view.ticket else ""

    def refresh(self) -> None:
        window_no = self.window_no
        self.ctx.call(lambda rt: queue.window_state(rt, window_no), self._show,
                      self._log_failure, runner=self.runner)

    def _show(self, view: WindowView | None) -> None:
        before = self.current_ticket_id
        self.view = view
        t = view.ticket if view else None
        if view is not None and view.paused:
            reason = f"（{view.pause_reason}）" if view.pause_reason else ""
            text = f"已暂停服务{reason}，按 F6 恢复"
        elif t is not None:
            prio = f" · 优先({t.priority_reason})" if t.priority else ""
            holder = f" · {t.holder}" if t.holder else ""
            cases = f" · 已受理 {len(view.cases)} 件" if view and view.cases else ""
            text = (
                f"当前 {t.number} · 等候 {_minutes(t.wait_seconds)} · {t.category_name}"
                f"{prio}{holder}{cases}"
            )
        else:
            text = "当前无在办号，按 F1 叫号"
        self.ticket_label.setText(text)
        self.ticket_label.setProperty("idle", "false" if t and not view.paused else "true")
        self.ticket_label.style().unpolish(self.ticket_label)
        self.ticket_label.style().polish(self.ticket_label)
        waiting = f"排队 {view.waiting} 人" if view else ""
        if view and view.parked:
            waiting += f" · 挂起 {'、'.join(view.parked)}"
        self.waiting_label.setText(waiting)
        self.buttons["F6"].setText("恢复 F6" if view and view.paused else "暂停 F6")
        if self.current_ticket_id != before:
            self.ticket_changed.emit(t)

    # -- actions ------------------------------------------------------------------------
    def _act(
        self, fn: Callable[[Runtime], Any], done_text: Callable[[Any], str] | None = None
    ) -> None:
        """Run one queue use case off the GUI thread, then show the window's state."""
        if self.busy:
            return
        self.busy = True
        self.message.setText("")
        window_no = self.window_no

        def work(rt: Runtime) -> tuple[Any, WindowView]:
            return fn(rt), queue.window_state(rt, window_no)

        def ok(pair: tuple[Any, WindowView]) -> None:
            self.busy = False
            result, view = pair
            self._show(view)
            if done_text is not None:
                self.message.setStyleSheet("color: #1b7f3b;")
                self.message.setText(done_text(result))

        def failed(exc: BaseException) -> None:
            self.busy = False
            self.message.setStyleSheet("")
            if not isinstance(exc, QueueError):
                self._log_failure(exc)
            self.message.setText(user_message(exc))

        self.ctx.call(work, ok, failed, runner=self.runner)

    def _log_failure(self, exc: BaseException) -> None:
        log.error("queue panel: %s", getattr(exc, "__traceback_text__", exc))

    def _here(self) -> queue.AtWindow:
        return queue.AtWindow(self.user, self.window_no)

    def call_next(self) -> None:
        cmd = queue.CallNext(self.user, self.window_no, self.categories or None)
        self._act(lambda rt: queue.call_next(rt, cmd),
                  lambda called: "无人等候" if called is None else called.announcement)

    def recall(self) -> None:
        cmd = self._here()
        self._act(lambda rt: queue.recall(rt, cmd),
                  lambda c: f"重呼 {c.ticket.number}（第 {c.ticket.recalls} 次）")

    def no_show(self) -> None:
        cmd = self._here()
        self._act(lambda rt: queue.no_show(rt, cmd), lambda t: f"{t.number} 已过号")

    def done(self) -> None:
        cmd = queue.Finish(self.user, self.window_no)
        self._act(lambda rt: queue.finish(rt, cmd),
                  lambda t: f"{t.number} 已办结" if t.status == "done"
                  else f"{t.number} 已回原窗口排队")

    def park(self) -> None:
        cmd = self._here()
        self._act(lambda rt: queue.park(rt, cmd), lambda t: f"{t.number} 已挂起")

    def unpark(self, number: str) -> None:
        cmd = queue.CallNumber(self.user, self.window_no, number)
        self._act(lambda rt: queue.unpark(rt, cmd), lambda c: c.announcement)

    def call_number(self, number: str) -> None:
        cmd = queue.CallNumber(self.user, self.window_no, number)
        self._act(lambda rt: queue.call_number(rt, cmd), lambda c: c.announcement)

    def reactivate(self, number: str) -> None:
        cmd = queue.Reactivate(self.user, number)
        self._act(lambda rt: queue.reactivate(rt, cmd),
                  lambda t: f"{t.ticket.number} 已激活，前面 {t.waiting_ahead} 人")

    def transfer(self, to_window: str | None, to_category: str | None, back: bool = True) -> None:
        cmd = queue.Transfer(self.user, self.window_no, to_window, to_category, back)
        self._act(lambda rt: queue.transfer(rt, cmd), lambda t: f"{t.number} 已转移")

    def pause(self, reason: str) -> None:
        cmd = queue.Pause(self.user, self.window_no, reason)
        self._act(lambda rt: queue.pause(rt, cmd), lambda _r: "已暂停服务")

    def resume(self) -> None:
        cmd = self._here()
        self._act(lambda rt: queue.resume(rt, cmd), lambda _r: "已恢复服务")

    # -- dialogs --------------------------------------------------------------------------
    def ask_transfer(self) -> None:
        if not self.current_number:
            self.message.setText("当前没有在办的号")
            return
        dialog = TransferDialog(self.hall, self.window_no, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.transfer(*dialog.values())

    def toggle_pause(self) -> None:
        if self.view is not None and self.view.paused:
            self.resume()
            return
        reason, ok = QInputDialog.getItem(self, "暂停服务", "暂停原因：", list(PAUSE_REASONS), 0,
                                          False)
        if ok:
            self.pause(reason)

    def _ask_number(self, title: str, choices: tuple[str, ...] = ()) -> str:
        if choices:
            number, ok = QInputDialog.getItem(self, title, "号码：", list(choices), 0, True)
        else:
            number, ok = QInputDialog.getText(self, title, "号码：")
        return number.strip().upper() if ok else ""

    def ask_unpark(self) -> None:
        number = self._ask_number("取回挂起的号", self.view.parked if self.view else ())
        if number:
            self.unpark(number)

    def ask_call_number(self) -> None:
        number = self._ask_number("指定号码呼叫")
        if number:
            self.call_number(number)

    def ask_reactivate(self) -> None:
        number = self._ask_number("过号激活")
        if number:
            self.reactivate(number)
