"""The hall display (`counter-app display`): the latest call large, the number at
every window, recent calls, and how many wait per category. Calls are spoken
("请 A012 号到 3 号窗口办理") where a speech engine exists. Updates come from
HallWatch (LISTEN/NOTIFY or data_version), within a second of a call anywhere."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.queue import Hall
from counter_app.services.queue_views import HallSnapshot, WindowCall
from ui.bridge.hall_watch import HallWatch
from ui.bridge.speech import Speaker
from ui.context import AppContext
from ui.panels.hall_header import HallHeader

log = logging.getLogger(__name__)
HIGHLIGHT_MS = 8000
COLUMNS = 4
HINT = "请留意叫号，听到号码请到对应窗口办理"

DISPLAY_STYLE = """
#display { background: #0b2a4a; }
#head { background: #08203a; border-bottom: 3px solid #d4a017; }
#hall { color: white; font-size: 40px; font-weight: bold; }
#clock { color: #dbe6f3; font-size: 32px; }
#latest { color: #ffd54f; font-size: 84px; font-weight: bold; }
#latestHint { color: #9fb6cf; font-size: 26px; }
#card { background: #123a63; border: 2px solid #1f4f80; border-radius: 10px; }
#card[hot="true"] { background: #7a1f1f; border: 3px solid #ffd54f; }
#cardWindow { color: #dbe6f3; font-size: 34px; }
#cardNumber { color: white; font-size: 92px; font-weight: bold; }
#cardNumber[idle="true"] { color: #6f8aa8; font-size: 48px; font-weight: normal; }
#cardCategory { color: #9fb6cf; font-size: 28px; }
#side { background: #0e3257; border-left: 2px solid #1f4f80; }
#sideTitle { color: #ffd54f; font-size: 32px; font-weight: bold; }
#recent { color: white; font-size: 40px; }
#foot { background: #08203a; border-top: 2px solid #1f4f80; }
#waiting { color: white; font-size: 30px; }
#note { color: #9fb6cf; font-size: 22px; }
"""


class WindowCard(QFrame):
    def __init__(self, window_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setMinimumHeight(230)
        self.window_no = window_no
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(0)
        self.title = QLabel(f"{window_no} 号窗口")
        self.title.setObjectName("cardWindow")
        self.number = QLabel("—")
        self.number.setObjectName("cardNumber")
        self.category = QLabel("")
        self.category.setObjectName("cardCategory")
        for w in (self.title, self.number, self.category):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(w)

    def show_call(self, call: WindowCall) -> None:
        if call.paused:
            text, idle, sub = "暂停服务", True, call.pause_reason
        elif call.number:
            text, idle, sub = call.number, False, call.category_name
        else:
            text, idle, sub = "空闲", True, ""
        self.number.setText(text)
        self.number.setProperty("idle", "true" if idle else "false")
        self.category.setText(sub)
        _repolish(self.number)

    def set_hot(self, hot: bool) -> None:
        self.setProperty("hot", "true" if hot else "false")
        _repolish(self)


def _repolish(w: QWidget) -> None:
    w.style().unpolish(w)
    w.style().polish(w)


class DisplayWindow(QWidget):
    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        speaker: Speaker | None = None,
        watch: bool = True,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        rt = self.rt = ctx.rt
        self.hall = Hall.of(rt.settings, rt.deps.clock)
        self.setObjectName("display")
        self.setWindowTitle("快办柜台 · 叫号显示屏")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(DISPLAY_STYLE)
        self.speaker = speaker or Speaker(self)
        if not self.speaker.available:
            log.info("hall display without voice: %s", self.speaker.reason)
        self.snapshot: HallSnapshot | None = None
        self.cards: dict[str, WindowCard] = {}
        self._announced: int | None = None
        self._hot: dict[str, QTimer] = {}
        self._build()
        self.watch = HallWatch(rt, self)
        self.watch.changed.connect(self.show_snapshot)
        self.watch.failed.connect(self._failed)
        if watch:
            self.watch.start()

    # -- layout -------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)

        self.header = HallHeader(
            self.rt.settings.hall.name, self.rt.deps.clock, seconds=True, margins=(32, 14)
        )
        self.clock = self.header.clock
        root.addWidget(self.header)

        body = QHBoxLayout()
        body.setSpacing(0)
        main = QVBoxLayout()
        main.setContentsMargins(32, 20, 32, 20)
        main.setSpacing(16)
        self.latest = QLabel("欢迎光临")
        self.latest.setObjectName("latest")
        self.latest.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.latest_hint = QLabel(HINT)
        self.latest_hint.setObjectName("latestHint")
        self.latest_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        main.addWidget(self.latest)
        main.addWidget(self.latest_hint)
        self.grid = QGridLayout()
        self.grid.setSpacing(16)
        main.addLayout(self.grid)
        main.addStretch(1)
        body.addLayout(main, 3)

        side = QFrame()
        side.setObjectName("side")
        side.setMinimumWidth(440)
        sl = QVBoxLayout(side)
        sl.setContentsMargins(28, 20, 28, 20)
        title = QLabel("最近呼叫")
        title.setObjectName("sideTitle")
        sl.addWidget(title)
        self.recent = QLabel("")
        self.recent.setObjectName("recent")
        self.recent.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.recent.setTextFormat(Qt.TextFormat.RichText)
        sl.addWidget(self.recent, 1)
        body.addWidget(side, 1)
        root.addLayout(body, 1)

        foot = QFrame()
        foot.setObjectName("foot")
        fl = QVBoxLayout(foot)
        fl.setContentsMargins(32, 10, 32, 10)
        self.waiting = QLabel("")
        self.waiting.setObjectName("waiting")
        self.waiting.setTextFormat(Qt.TextFormat.RichText)
        self.note = QLabel(self.hall.rules.missed_note())
        self.note.setObjectName("note")
        fl.addWidget(self.waiting)
        fl.addWidget(self.note)
        root.addWidget(foot)

    # -- data ------------------------------------------------------------------------
    def show_snapshot(self, snap: HallSnapshot) -> None:
        self.snapshot = snap
        self.latest_hint.setText(HINT)
        self._show_windows(snap)
        self._show_recent(snap)
        names = {c.prefix: c.name for c in snap.categories}
        parts = [
            f"{names.get(p, p)}&nbsp;<b style='color:#ffd54f'>{n}</b>&nbsp;人"
            for p, n in snap.waiting.items()
        ]
        self.waiting.setText(
            f"等候人数：<b style='color:#ffd54f'>{snap.waiting_total}</b>&nbsp;人"
            "&nbsp;&nbsp;｜&nbsp;&nbsp;" + "&nbsp;&nbsp;&nbsp;".join(parts)
        )
        self._announce(snap)

    def _show_windows(self, snap: HallSnapshot) -> None:
        for call in snap.windows:
            card = self.cards.get(call.window_no)
            if card is None:
                card = WindowCard(call.window_no)
                self.cards[call.window_no] = card
                self._relayout()
            card.show_call(call)

    def _relayout(self) -> None:
        order = sorted(self.cards, key=lambda w: (len(w), w))
        for i, window_no in enumerate(order):
            self.grid.addWidget(self.cards[window_no], i // COLUMNS, i % COLUMNS)

    def _show_recent(self, snap: HallSnapshot) -> None:
        rows = []
        for i, e in enumerate(snap.recent):
            colour = "#ffd54f" if i == 0 else "white"
            again = "<span style='font-size:26px'>（重呼）</span>" if e.kind == "recall" else ""
            rows.append(
                f"<tr style='color:{colour}'><td style='padding-right:28px'>{e.number}</td>"
                f"<td align='right'>{e.window_no}</td><td>&nbsp;号窗口{again}</td></tr>"
            )
        table = f"<table cellspacing='0' cellpadding='6'>{''.join(rows)}</table>"
        self.recent.setText(table if rows else "<span style='color:#6f8aa8'>暂无</span>")

    def _announce(self, snap: HallSnapshot) -> None:
        if snap.recent:
            newest = snap.recent[0]
            self.latest.setText(newest.announcement)
        if self._announced is None:  # first look: show, don't speak the past
            self._announced = snap.recent[0].id if snap.recent else 0
            return
        fresh = [e for e in reversed(snap.recent) if e.id > self._announced]
        for e in fresh:
            self.speaker.say(e.announcement)
            self._highlight(e.window_no)
        if fresh:
            self._announced = fresh[-1].id

    def _highlight(self, window_no: str) -> None:
        card = self.cards.get(window_no)
        if card is None:
            return
        card.set_hot(True)
        timer = self._hot.get(window_no)
        if timer is None:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda w=window_no: self._cool(w))
            self._hot[window_no] = timer
        timer.start(HIGHLIGHT_MS)

    def _cool(self, window_no: str) -> None:
        card = self.cards.get(window_no)
        if card is not None:
            card.set_hot(False)

    def _failed(self, message: str) -> None:
        self.latest_hint.setText(message)

    def window_number(self, window_no: str) -> str:
        card = self.cards.get(window_no)
        return card.number.text() if card else ""

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.watch.stop()
        super().closeEvent(event)
