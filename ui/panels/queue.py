"""The teller's queue strip: 叫号 F1 (Shift+F1 无号现场办理), 重呼 F2, 过号 F3,
转移 F4, 暂停 F6, 办结 F7, 到达 F11, and the ticket being served with its wait. All
database work runs on the window's TaskRunner; the keys work anywhere in the teller
window and its dialogs (ui.bridge.keys: no auto-repeat, debounced).

F1 on a served visit asks first (queue_dialogs.ConfirmNextDialog) and the call names
the ticket the teller confirmed: the use case refuses any other (StillServing), so a
stale or doubled confirmation never ends another visit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QWidget,
)

from counter_app.domain.clock import local
from counter_app.domain.queue import PAUSE_REASONS, OutcomeCode, QueueError, StillServing
from counter_app.runtime import Runtime
from ui.bridge.keys import function_key, owns_function_keys
from ui.bridge.tasks import TaskRunner
from ui.context import AppContext
from ui.lazy import lazy_module
from ui.panels.elided import ElidedLabel
from ui.panels.queue_dialogs import ConfirmNextDialog, OutcomeDialog, TransferDialog

if TYPE_CHECKING:
    from counter_app.services import queue_views
    from counter_app.services.queue import Hall
    from counter_app.services.queue_views import WindowView
    from counter_app.usecases import errors, queue
else:  # SQLAlchemy and the services: loaded by the worker that first runs a use case
    errors = lazy_module("counter_app.usecases.errors")
    queue = lazy_module("counter_app.usecases.queue")

log = logging.getLogger(__name__)
LOADING = "正在加载…"
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


class QueuePanel(QFrame):
    ticket_changed = Signal(object)  # TicketView | None

    def __init__(
        self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.rt, self.user = ctx.rt, ctx.actor
        rt = self.rt
        self._hall: Hall | None = None
        self.window_no = rt.settings.hall.window_no
        self.categories = rt.settings.queue.window_categories
        self.view: WindowView | None = None
        self.busy = False
        self.setObjectName("queuePanel")
        self.setStyleSheet(PANEL_STYLE)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        self.buttons: dict[str, QPushButton] = {}
        self.keys: list[tuple[str, Callable[[], None]]] = []
        for key, text, slot in (
            ("F1", "叫号", self.call_next),
            ("F2", "重呼", self.recall),
            ("F3", "过号", self.no_show),
            ("F4", "转移", self.ask_transfer),
            ("F6", "暂停", self.toggle_pause),
            ("F7", "办结", self.done),
            ("F11", "到达", self.arrive),
        ):
            button = QPushButton(f"{text} {key}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            layout.addWidget(button)
            self.buttons[key] = button
            self.keys.append((key, slot))
        self.keys.append(("Shift+F1", self.walk_in))
        self.function_keys = None  # bound to the window once shown (ui.bridge.keys)
        more = QPushButton("更多")
        more.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        menu = QMenu(more)
        menu.addAction("无号现场办理\tShift+F1", self.walk_in)
        menu.addAction("挂起当前号", self.park)
        menu.addAction("取回挂起的号…", self.ask_unpark)
        menu.addAction("指定号码呼叫…", self.ask_call_number)
        menu.addAction("过号激活…", self.ask_reactivate)
        more.setMenu(menu)
        layout.addWidget(more)
        layout.addSpacing(12)
        self.ticket_label = ElidedLabel("")
        self.ticket_label.setObjectName("queueTicket")
        self.waiting_label = QLabel("")
        self.message = ElidedLabel("")
        self.message.setObjectName("queueMessage")
        # the strip gives way on a narrow screen (1280 px) instead of widening the
        # window past it: the two long texts end in "…" (whole in their tooltips)
        self.message.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.ticket_label, 3)
        layout.addSpacing(12)
        layout.addWidget(self.waiting_label)
        layout.addWidget(self.message, 2)
        self._show(None)
        self.loaded = False  # until the first state comes from the database
        self.ticket_label.setText(LOADING)

        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(REFRESH_MS)
        self.refresh()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().showEvent(event)
        if self.function_keys is None:  # the window and every dialog opened from it
            for key, slot in self.keys:
                self.function_keys = function_key(self.window(), key, slot)

    # -- state ------------------------------------------------------------------------
    @property
    def hall(self) -> Hall:
        """The hall's queue rules (made on first use: the transfer dialog's categories)."""
        if self._hall is None:
            from counter_app.services.queue import Hall

            self._hall = Hall.of(self.rt.settings, self.rt.deps.clock)
        return self._hall

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
        self.loaded = True
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
            arrived = " · 已到达" if t.arrived_at else " · 待到达确认(F11)"
            text = (
                f"当前 {t.number} · 等候 {_minutes(t.wait_seconds)} · {t.category_name}"
                f"{prio}{holder}{cases}{arrived}"
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
            self.message.setText(errors.user_message(exc))
            if isinstance(exc, StillServing):
                self.refresh()  # the strip was out of date: show who is served

        self.ctx.call(work, ok, failed, runner=self.runner)

    def _log_failure(self, exc: BaseException) -> None:
        log.error("queue panel: %s", getattr(exc, "__traceback_text__", exc))

    def _here(self) -> queue.AtWindow:
        return queue.AtWindow(self.user, self.window_no)

    def _served_seconds(self) -> int | None:
        t = self.view.ticket if self.view else None
        if t is None or t.called_at is None:
            return None
        return max(0, int((self.rt.deps.clock() - t.called_at).total_seconds()))

    def _confirm_end(self, walk_in: bool = False) -> int | None | bool:
        """The ticket to finish before calling: None when nobody is served here, its
        id when the teller confirmed ending it, False when they keep serving."""
        t = self.view.ticket if self.view else None
        if t is None:
            return None
        self.confirm = ConfirmNextDialog(t, self._served_seconds(), walk_in, self)
        try:
            if self.confirm.exec() != QDialog.DialogCode.Accepted:
                self.message.setStyleSheet("")
                self.message.setText(f"继续办理 {t.number}")
                return False
            return self.confirm.ticket_id
        finally:
            self.confirm.deleteLater()
            self.confirm = None
            self._keys_back()

    confirm: ConfirmNextDialog | None = None

    def call_next(self) -> None:
        if self.busy:
            return
        finish = self._confirm_end()
        if finish is False:
            return
        cmd = queue.CallNext(self.user, self.window_no, self.categories or None,
                             finish_current=finish)
        self._act(lambda rt: queue.call_next(rt, cmd),
                  lambda called: "无人等候" if called is None else called.announcement)

    def walk_in(self) -> None:
        if self.busy:
            return
        finish = self._confirm_end(walk_in=True)
        if finish is False:
            return
        cmd = queue.WalkIn(self.user, self.window_no, finish_current=finish)
        self._act(lambda rt: queue.walk_in(rt, cmd),
                  lambda c: f"无号现场办理：已建 {c.ticket.number}（{c.ticket.category_name}）")

    def arrive(self) -> None:
        if not self.current_number:
            self.message.setText("当前没有在办的号")
            return
        cmd = self._here()
        self._act(lambda rt: queue.arrive(rt, cmd),
                  lambda t: f"{t.number} 已到达（{local(t.arrived_at):%H:%M:%S}）")

    def recall(self) -> None:
        cmd = self._here()
        self._act(lambda rt: queue.recall(rt, cmd),
                  lambda c: f"重呼 {c.ticket.number}（第 {c.ticket.recalls} 次）")

    def no_show(self) -> None:
        cmd = self._here()
        self._act(lambda rt: queue.no_show(rt, cmd), lambda t: f"{t.number} 已过号")

    outcome_dialog: OutcomeDialog | None = None

    def done(self) -> None:
        """办结 F7: asks what came of the visit (digit) and a note, then ends it."""
        t = self.view.ticket if self.view else None
        if self.busy:
            return
        if t is None:
            self.message.setText("当前没有在办的号")
            return
        preselect = OutcomeCode.COMPLETED if self.view and self.view.cases else None
        self.outcome_dialog = dialog = OutcomeDialog(t, preselect, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            self.finish(dialog.outcome, dialog.note.text(), dialog.ticket_id)
        finally:
            dialog.deleteLater()
            self.outcome_dialog = None
            self._keys_back()

    def finish(self, outcome: OutcomeCode | None, note: str = "",
               ticket_id: int | None = None) -> None:
        cmd = queue.Finish(self.user, self.window_no, note, outcome, ticket_id)
        label = f"（{outcome.label}）" if outcome else ""
        self._act(lambda rt: queue.finish(rt, cmd),
                  lambda t: f"{t.number} 已办结{label}" if t.status == "done"
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
    transfer_dialog: TransferDialog | None = None

    def ask_transfer(self) -> None:
        """转移 F4: the hall's windows (read off the GUI thread) and categories, by digit."""
        t = self.view.ticket if self.view else None
        if t is None:
            self.message.setText("当前没有在办的号")
            return
        if self.busy:
            return
        self.busy = True

        def loaded(snapshot: queue_views.HallSnapshot) -> None:
            self.busy = False
            self.transfer_dialog = dialog = TransferDialog(
                t, self.window_no, snapshot.windows, self.hall.rules.categories, self)
            try:
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    return
                choice = dialog.choice()
                if choice is not None:
                    self.transfer(choice.to_window, choice.to_category, choice.back)
            finally:
                dialog.deleteLater()
                self.transfer_dialog = None
                self._keys_back()

        def failed(exc: BaseException) -> None:
            self.busy = False
            self.message.setText(errors.user_message(exc))

        self.ctx.call(queue.hall_snapshot, loaded, failed, runner=self.runner)

    def toggle_pause(self) -> None:
        if self.view is not None and self.view.paused:
            self.resume()
            return
        dialog = QInputDialog(self)
        owns_function_keys(dialog)
        dialog.setWindowTitle("暂停服务")
        dialog.setLabelText("暂停原因：")
        dialog.setComboBoxItems(list(PAUSE_REASONS))
        dialog.setComboBoxEditable(False)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.pause(dialog.textValue())
        dialog.deleteLater()
        self._keys_back()

    def _keys_back(self) -> None:
        """After a question, the keys belong to the window again (without a window
        manager, or with some, nothing else gives it back the focus)."""
        window = self.window()
        window.activateWindow()
        window.raise_()

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
