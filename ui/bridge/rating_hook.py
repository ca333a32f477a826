"""The teller window's part of 好差评, kept out of teller_window.py: the 请评价 key
(F8; F7 is 办结), the optional rating after each accepted case, and the small
"差评待回访 N" label. The teller is told whether the applicant rated, never how.

`make_pad(rt, devices, hub)` picks the pad for a window: the device hub's pad
driver when there is one, the software pad when `pad_port = "soft"` (or the demo
without hardware), else a pad driver on the configured port.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from counter_app.runtime import Runtime
from counter_app.services import followup
from counter_app.services.rating_pad import (
    PadRatingService,
    RatingPad,
    RequestRefused,
    SessionEnded,
    SessionStarted,
)
from ui.style import BAD, MUTED

log = logging.getLogger(__name__)
RATE_KEY = "F8"


class RatingHook(QObject):
    event = Signal(object)  # service events, re-emitted on the GUI thread

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.service: PadRatingService | None = None
        self.label = QLabel("")
        self.label.setToolTip("本人经办的差评中尚未回访的件数")
        self.event.connect(self._on_event)
        QShortcut(QKeySequence(RATE_KEY), window, activated=self.request)
        menu = window.menuBar().addMenu("评价(&R)")
        for text, slot in ((f"请评价\t{RATE_KEY}", self.request), ("取消评价", self.cancel)):
            action = QAction(text, window)  # the key is the QShortcut above
            action.triggered.connect(slot)
            menu.addAction(action)

    # -- wiring ---------------------------------------------------------------------

    def attach(self, service: PadRatingService) -> None:
        self.service = service
        service.add_listener(self.event.emit)

    def detach(self) -> None:
        if self.service is not None:
            self.service.stop()
            self.service = None

    # -- actions --------------------------------------------------------------------

    def request(self) -> None:
        """请评价: the ticket being served, else the case just accepted."""
        w: Any = self.window
        if self.service is None:
            w.status.showMessage(
                "未连接评价器（配置 pad_port，或 pad_port = \"soft\" 使用软件评价器）", 8000
            )
            return
        ticket = getattr(getattr(w, "queue", None), "current_ticket_id", None)
        last = getattr(w, "last_submitted", None)
        if ticket:
            self.service.request_for_ticket(ticket)
        elif last is not None:
            self.service.request_for_case(last.result.case_no)
        else:
            w.status.showMessage("没有可评价的服务：请先叫号或受理办件", 8000)

    def cancel(self) -> None:
        if self.service is not None:
            self.service.cancel()

    def after_submit(self, result: Any) -> None:
        """Ask for the rating by itself once a case is accepted (setting rating_auto)."""
        w: Any = self.window
        if self.service is None or not w.rt.settings.rating_auto:
            return
        if result.status in ("accepted", "complete"):
            ticket = getattr(getattr(w, "queue", None), "current_ticket_id", None)
            if ticket:
                self.service.request_for_ticket(ticket, trigger="auto")
            else:
                self.service.request_for_case(result.case_no, trigger="auto")

    def refresh_count(self) -> None:
        w: Any = self.window
        rt: Runtime = w.rt
        user_id = w.user.id

        def count() -> int:
            with rt.uow() as session:
                return followup.awaiting_callback(session, rt.settings.hall_code, user_id)

        w.runner.run(count, self._show_count)

    def _show_count(self, n: int) -> None:
        self.label.setText(f"差评待回访 {n}" if n else "")
        self.label.setStyleSheet(f"color: {BAD if n else MUTED}; font-weight: bold;")

    def _on_event(self, event: object) -> None:
        w: Any = self.window
        if isinstance(event, SessionStarted):
            w.status.showMessage(f"评价器已显示：{event.business}，请申请人评价", 15000)
        elif isinstance(event, SessionEnded):
            text = "申请人已评价，谢谢" if event.rated else f"本次未评价（{event.cause}）"
            w.status.showMessage(text, 8000)
            if event.followup_opened:
                self.refresh_count()
        elif isinstance(event, RequestRefused):
            w.status.showMessage(event.message, 8000)


def make_pad(rt: Runtime, devices: str, hub: Any = None,
             parent: QWidget | None = None) -> tuple[RatingPad | None, QWidget | None]:
    """(pad, its screen if it is the software pad)."""
    port = (rt.settings.pad_port or "").strip()
    if port != "soft" and hub is not None and getattr(hub, "pad", None) is not None:
        return hub.pad, None
    if devices == "none" and port != "soft":
        return None, None
    if port == "soft" or (not port and devices == "simulated"):
        from counter_app.services.soft_pad import SoftPad
        from ui.windows.soft_pad import SoftPadWindow

        pad = SoftPad()
        header = f"{rt.settings.hall_name} · {rt.settings.window_no}号窗口"
        return pad, SoftPadWindow(pad, header, parent)
    if port and hub is None:  # no hub wiring: own the driver
        from devices.pad.driver import PadDriver

        try:
            return PadDriver(port).start(), None
        except ValueError as exc:
            log.error("pad port %r: %s", port, exc)
    return None, None
