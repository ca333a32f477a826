"""The teller window's part of 好差评, kept out of the window: the 请评价 key (F8; F7 is
办结), the optional rating after each accepted case, and a small label saying where
the rating stands. The teller is told whether the applicant rated, never how, and
nothing about bad ratings (callbacks are the supervisor's: design.md, domain.md §4).

`make_pad(rt, devices, hub)` picks the pad for a window: the device hub's pad
driver when there is one, the software pad when `pad_port = "soft"` (or the demo
without hardware), else a pad driver on the configured port.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from counter_app.config import Settings
from ui.bridge.keys import function_key
from ui.context import AppContext
from ui.style import MUTED, OK

if TYPE_CHECKING:  # (it imports SQLAlchemy: not before the window shows)
    from counter_app.infra.pad_session import PadRatingService, RatingPad

log = logging.getLogger(__name__)
RATE_KEY = "F8"


class RatingHost(Protocol):
    """What the hook needs from the window it serves."""

    @property
    def settings(self) -> Settings: ...

    def current_ticket_id(self) -> int | None:
        """The queue ticket being served, if any."""

    def last_case_no(self) -> str | None:
        """The case accepted last at this window, if any."""

    def show_message(self, text: str, good: bool = False) -> None:
        """Tell the teller, somewhere visible in the window."""


class RatingHook(QObject):
    event = Signal(object)  # service events, re-emitted on the GUI thread

    def __init__(self, window: QMainWindow, host: RatingHost) -> None:
        super().__init__(window)
        self.host = host
        self.service: PadRatingService | None = None
        self.pending = False  # the pad is attached once the database is open (demo)
        self.label = QLabel("")
        self.label.setToolTip("评价器状态：只显示是否评价，不显示评价结果")
        self.event.connect(self._on_event)
        # F8 in the window and in every dialog opened from it (the papers preview…)
        function_key(window, RATE_KEY, self.request)
        menu = window.menuBar().addMenu("评价(&R)")
        for text, slot in ((f"请评价\t{RATE_KEY}", self.request), ("取消评价", self.cancel)):
            action = QAction(text, window)  # the key is the QShortcut above
            action.triggered.connect(slot)
            menu.addAction(action)

    # -- wiring ---------------------------------------------------------------------

    def loading(self) -> None:
        """Said until `attach`: the pad is connected once the database is open."""
        self.pending = True
        self._state("评价器正在加载…", MUTED)

    def no_pad(self) -> None:
        """No pad after all (after `loading`): F8 says how to set one up."""
        if self.pending:
            self.pending = False
            self.label.setText("")

    def attach(self, service: PadRatingService) -> None:
        self.pending = False
        self.service = service
        service.add_listener(self.event.emit)
        self._state("评价器就绪", MUTED)

    def detach(self) -> None:
        """Stop listening (the service itself is stopped by whoever started it)."""
        if self.service is not None:
            self.service.remove_listener(self.event.emit)
            self.service = None

    # -- actions --------------------------------------------------------------------

    def request(self) -> None:
        """请评价: the ticket being served, else the case just accepted."""
        if self.service is None and self.pending:
            self.host.show_message("评价器正在加载，请稍候再按 F8")
            return
        if self.service is None:
            self.host.show_message(
                "未连接评价器（配置 pad_port，或 pad_port = \"soft\" 使用软件评价器）"
            )
            return
        ticket = self.host.current_ticket_id()
        case_no = self.host.last_case_no()
        if ticket:
            self.service.request_for_ticket(ticket)
        elif case_no:
            self.service.request_for_case(case_no)
        else:
            self.host.show_message("没有可评价的服务：请先叫号或受理办件")

    def cancel(self) -> None:
        if self.service is not None:
            self.service.cancel()

    def after_submit(self, result: Any) -> None:
        """Ask for the rating by itself once a case is accepted (setting rating_auto)."""
        if self.service is None or not self.host.settings.ratings.auto:
            return
        if result.status in ("accepted", "complete"):
            ticket = self.host.current_ticket_id()
            if ticket:
                self.service.request_for_ticket(ticket, trigger="auto")
            else:
                self.service.request_for_case(result.case_no, trigger="auto")

    def _state(self, text: str, colour: str) -> None:
        self.label.setText(text)
        self.label.setStyleSheet(f"color: {colour}; font-weight: bold;")

    def _on_event(self, event: object) -> None:
        from counter_app.infra.pad_session import RequestRefused, SessionEnded, SessionStarted

        if isinstance(event, SessionStarted):
            self._state("评价中…", OK)
            self.host.show_message(f"评价器已显示：{event.business}，请申请人评价", good=True)
        elif isinstance(event, SessionEnded):
            text = "申请人已评价，谢谢" if event.rated else f"本次未评价（{event.cause}）"
            self._state("已评价" if event.rated else "未评价", MUTED)
            self.host.show_message(text, good=event.rated)
        elif isinstance(event, RequestRefused):
            self.host.show_message(event.message)


def make_pad(ctx: AppContext, devices: str,
             parent: QWidget | None = None) -> tuple[RatingPad | None, QWidget | None]:
    """(pad, its screen if it is the software pad). A pad made here is stopped with
    the application (`ctx.on_stop`)."""
    rt, hub = ctx.rt, ctx.hub
    port = (rt.settings.devices.pad_port or "").strip()
    if port != "soft" and hub is not None and getattr(hub, "pad", None) is not None:
        return hub.pad, None
    if devices == "none" and port != "soft":
        return None, None
    if port == "soft" or (not port and devices == "simulated"):
        from counter_app.infra.soft_pad import SoftPad
        from ui.windows.soft_pad import SoftPadWindow

        pad = SoftPad()
        ctx.on_stop(pad.stop)
        header = f"{rt.settings.hall.name} · {rt.settings.hall.window_no}号窗口"
        return pad, SoftPadWindow(pad, header, parent)
    if port and hub is None:  # no hub wiring: own the driver
        from devices.pad.driver import PadDriver

        try:
            driver = PadDriver(port).start()
        except ValueError as exc:
            log.error("pad port %r: %s", port, exc)
            return None, None
        ctx.on_stop(driver.stop)
        return driver, None
    return None, None
