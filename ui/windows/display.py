"""The hall display (`counter-app display`): the latest call large, the number at
every window, recent calls, and how many wait per category. Calls are spoken
("请 A零零五 号到 三 号窗口办理", `ui.bridge.speech`) with the hall's template and
repeat count; without a voice the screen says so. Updates come from HallWatch
(LISTEN/NOTIFY or data_version), within a second of a call anywhere.

The screen is filled whatever the number of windows: every text is drawn as large
as its box allows (`FitLabel`), the window cards share the space left under the
current call (columns chosen for the screen's shape), and the side column gives
its height to the recent calls and the waiting counts."""

from __future__ import annotations

import logging
import math
from datetime import datetime

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.announce import Announcement, announce
from counter_app.services.queue import Hall
from counter_app.services.queue_views import CallEvent, HallSnapshot, WindowCall
from ui.bridge.hall_watch import HallWatch
from ui.bridge.speech import NO_VOICE, Speaker
from ui.context import AppContext
from ui.panels.hall_header import HallHeader

log = logging.getLogger(__name__)
HIGHLIGHT_MS = 8000
RECENT_ROWS = 6
SPACING = 14
CARD_ASPECT = 1.7  # width / height a window card looks best at
HINT = "请留意叫号，听到号码请到对应窗口办理"

GOLD = "#ffd54f"
DISPLAY_STYLE = f"""
#display {{ background: #0b2a4a; }}
#head {{ background: #08203a; border-bottom: 3px solid #d4a017; }}
#hall {{ color: white; font-weight: bold; }}
#clock {{ color: #dbe6f3; }}
#hero {{ background: #0f3860; border: 2px solid #1f4f80; border-radius: 14px; }}
#heroNumber {{ color: {GOLD}; font-weight: bold; }}
#heroWindow {{ color: white; font-weight: bold; }}
#heroLine {{ color: #9fb6cf; }}
#card {{ background: #123a63; border: 2px solid #1f4f80; border-radius: 10px; }}
#card[hot="true"] {{ background: #1d5a94; border: 4px solid {GOLD}; }}
#cardWindow {{ color: #dbe6f3; }}
#cardNumber {{ color: white; font-weight: bold; }}
#card[hot="true"] #cardNumber {{ color: {GOLD}; }}
#cardNumber[idle="true"] {{ color: #6f8aa8; font-weight: normal; }}
#cardCategory {{ color: #9fb6cf; }}
#side {{ background: #0e3257; border-left: 2px solid #1f4f80; }}
#sideTitle {{ color: {GOLD}; font-weight: bold; }}
#recentNumber, #recentWindow {{ color: white; }}
#recentNumber[first="true"], #recentWindow[first="true"] {{ color: {GOLD}; }}
#waitName {{ color: #dbe6f3; }}
#waitCount {{ color: {GOLD}; font-weight: bold; }}
#waitTotal {{ color: white; }}
#foot {{ background: #08203a; border-top: 2px solid #1f4f80; }}
#note {{ color: #9fb6cf; }}
#voiceNote {{ color: #ffcc80; }}
#voiceNote[quiet="true"] {{ color: #6f8aa8; }}
"""


class FitLabel(QLabel):
    """A one-line label whose text is drawn as large as its box allows (between
    `smallest` and `largest` pixels): the layout sizes the box, the text follows.
    Labels of one `group` (a list, e.g. the rows of a table) share the size the
    tightest of them allows, so a column does not jump between sizes."""

    def __init__(self, text: str = "", *, largest: int = 200, smallest: int = 12,
                 fill: float = 0.92, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter,
                 group: list[FitLabel] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.largest, self.smallest, self.fill = largest, smallest, fill
        self.group = group if group is not None else [self]
        if self not in self.group:
            self.group.append(self)
        self.best = largest  # the size this label alone allows
        self.setAlignment(align)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(1, 1)
        self._fitted: tuple[str, int, int] | None = None

    def sizeHint(self) -> QSize:  # noqa: N802 - the box comes from the layout
        return QSize(40, self.smallest + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(1, 1)

    def setText(self, text: str) -> None:  # noqa: N802
        if text != self.text():
            super().setText(text)
            self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def pixel_size(self) -> int:
        return self.font().pixelSize()

    def _fit(self) -> None:
        text, w, h = self.text(), self.width(), self.height()
        if self._fitted != (text, w, h):
            self._fitted = (text, w, h)
            self.best = self._largest_fitting(text or " ", w * self.fill, h * self.fill)
        shared = min((lb.best for lb in self.group if lb.text() or lb is self), default=self.best)
        for label in self.group:
            if label.font().pixelSize() != shared:
                font = QFont(label.font())
                font.setPixelSize(shared)
                label.setFont(font)

    def _largest_fitting(self, text: str, room_w: float, room_h: float) -> int:
        font = QFont(self.font())
        low, high = self.smallest, max(self.smallest, min(self.largest, int(room_h)))
        while low < high:
            mid = (low + high + 1) // 2
            font.setPixelSize(mid)
            m = QFontMetrics(font)
            if m.horizontalAdvance(text) <= room_w and m.height() <= room_h:
                low = mid
            else:
                high = mid - 1
        return low


def _repolish(w: QWidget) -> None:
    w.style().unpolish(w)
    w.style().polish(w)


def best_columns(n: int, width: float, height: float, aspect: float = CARD_ASPECT) -> int:
    """How many columns give `n` cards the largest size at `aspect` in the area."""
    best, best_size = 1, -1.0
    for cols in range(1, max(1, n) + 1):
        rows = math.ceil(n / cols)
        cell_w, cell_h = width / cols, height / rows
        size = min(cell_w / aspect, cell_h)  # the height a card of that shape gets
        if size > best_size + 0.5:
            best, best_size = cols, size
    return best


class WindowCard(QFrame):
    def __init__(self, window_no: str, parent: QWidget | None = None, *,
                 groups: tuple[list[FitLabel], list[FitLabel], list[FitLabel]] | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.window_no = window_no
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(0)
        titles, numbers, categories = groups or ([], [], [])
        self.title = FitLabel(f"{window_no} 号窗口", largest=72, group=titles)
        self.title.setObjectName("cardWindow")
        self.number = FitLabel("—", largest=300, group=numbers)
        self.number.setObjectName("cardNumber")
        self.category = FitLabel("", largest=48, group=categories)
        self.category.setObjectName("cardCategory")
        layout.addWidget(self.title, 22)
        layout.addWidget(self.number, 56)
        layout.addWidget(self.category, 22)

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
        _repolish(self.number)


class CardGrid(QWidget):
    """The window cards in rows, as many per row as make them largest in this box;
    a shorter last row is stretched across (no empty slots left on the screen)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.rows = QVBoxLayout(self)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(SPACING)
        self.cards: list[WindowCard] = []
        self.columns = 0

    def set_cards(self, cards: list[WindowCard]) -> None:
        self.cards = cards
        self.columns = 0
        self._arrange()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        n = len(self.cards)
        if not n:
            return
        cols = best_columns(n, max(self.width(), 1), max(self.height(), 1))
        if cols == self.columns:
            return
        self.columns = cols
        while (item := self.rows.takeAt(0)) is not None:
            row = item.layout()
            while row is not None and row.takeAt(0) is not None:
                pass
            if row is not None:
                row.deleteLater()
        cards = iter(self.cards)
        for size in _row_sizes(n, cols):
            row = QHBoxLayout()
            row.setSpacing(SPACING)
            self.rows.addLayout(row, 1)
            for _ in range(size):
                card = next(cards)
                row.addWidget(card, 1)
                card.show()  # the layout would show it only at the next turn of the loop


def _row_sizes(n: int, cols: int) -> list[int]:
    """Cards per row: full rows first, the remainder last (7 in 3 columns: 3, 3, 1)."""
    rows = math.ceil(n / cols)
    return [min(cols, n - r * cols) for r in range(rows)]


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
        self.template = rt.settings.display.announce_template
        self.setObjectName("display")
        self.setWindowTitle("快办柜台 · 叫号显示屏")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(DISPLAY_STYLE)
        self.snapshot: HallSnapshot | None = None
        self.cards: dict[str, WindowCard] = {}
        self._announced: int | None = None
        # per window, the call last said or seen at the first look: (number, called at)
        self._said: dict[str, tuple[str, datetime | None]] = {}
        self._hot: dict[str, QTimer] = {}
        # labels that share one size: every card's title, number, category alike
        self._card_groups: tuple[list[FitLabel], list[FitLabel], list[FitLabel]] = ([], [], [])
        self._build()
        screen = QGuiApplication.primaryScreen()
        if screen is not None:  # the whole screen, even where no window manager makes
            self.setGeometry(screen.geometry())  # "full screen" so (a bare X server)
        self.speaker = speaker or Speaker(self, settings=rt.settings.display)
        self.speaker.notice_changed.connect(self._show_voice_notice)
        self._show_voice_notice(self.speaker.notice)
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
        main.setContentsMargins(24, 18, 24, 18)
        main.setSpacing(16)
        main.addWidget(self._hero(), 42)
        self.card_grid = CardGrid()
        self.card_grid.hide()  # until a window opens
        main.addWidget(self.card_grid, 58)
        body.addLayout(main, 68)
        body.addWidget(self._side(), 32)
        root.addLayout(body, 1)

        foot = QFrame()
        foot.setObjectName("foot")
        fl = QHBoxLayout(foot)
        fl.setContentsMargins(32, 8, 32, 8)
        self.note = QLabel(self.hall.rules.missed_note())
        self.note.setObjectName("note")
        self.voice_note = QLabel("")
        self.voice_note.setObjectName("voiceNote")
        self.voice_note.hide()
        fl.addWidget(self.note, 1)
        fl.addWidget(self.voice_note, 0, Qt.AlignmentFlag.AlignRight)
        root.addWidget(foot)

    def _hero(self) -> QWidget:
        """The current call: the number and the window, as large as they go."""
        hero = QFrame()
        hero.setObjectName("hero")
        hero.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(hero)
        layout.setContentsMargins(24, 8, 24, 8)
        layout.setSpacing(0)
        row = QHBoxLayout()
        row.setSpacing(24)
        self.hero_number = FitLabel("欢迎光临", largest=420)
        self.hero_number.setObjectName("heroNumber")
        self.hero_window = FitLabel("", largest=260)
        self.hero_window.setObjectName("heroWindow")
        row.addWidget(self.hero_number, 55)
        row.addWidget(self.hero_window, 45)
        self.hero_window.hide()
        layout.addLayout(row, 74)
        self.latest = FitLabel(HINT, largest=64)  # the line as said (or the hint)
        self.latest.setObjectName("heroLine")
        layout.addWidget(self.latest, 26)
        self.latest_hint = self.latest
        return hero

    def _side(self) -> QWidget:
        side = QFrame()
        side.setObjectName("side")
        side.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        sl = QVBoxLayout(side)
        sl.setContentsMargins(24, 14, 24, 14)
        sl.setSpacing(6)
        titles: list[FitLabel] = []
        rows: list[FitLabel] = []
        title = FitLabel("最近呼叫", largest=52, align=Qt.AlignmentFlag.AlignLeft
                         | Qt.AlignmentFlag.AlignVCenter, group=titles)
        title.setObjectName("sideTitle")
        sl.addWidget(title, 7)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self.recent_rows: list[tuple[FitLabel, FitLabel]] = []
        for i in range(RECENT_ROWS):
            number = FitLabel("", largest=80, align=Qt.AlignmentFlag.AlignLeft
                              | Qt.AlignmentFlag.AlignVCenter, group=rows)
            number.setObjectName("recentNumber")
            window = FitLabel("", largest=80, align=Qt.AlignmentFlag.AlignRight
                              | Qt.AlignmentFlag.AlignVCenter, group=rows)
            window.setObjectName("recentWindow")
            grid.addWidget(number, i, 0)
            grid.addWidget(window, i, 1)
            grid.setRowStretch(i, 1)
            self.recent_rows.append((number, window))
        grid.setColumnStretch(0, 40)
        grid.setColumnStretch(1, 60)
        sl.addLayout(grid, 42)
        self.recent_empty = self.recent_rows[0][0]

        wtitle = FitLabel("等候人数", largest=52, align=Qt.AlignmentFlag.AlignLeft
                          | Qt.AlignmentFlag.AlignVCenter, group=titles)
        wtitle.setObjectName("sideTitle")
        sl.addWidget(wtitle, 7)
        self.waiting_total = FitLabel("", largest=56, align=Qt.AlignmentFlag.AlignLeft
                                      | Qt.AlignmentFlag.AlignVCenter)
        self.waiting_total.setObjectName("waitTotal")
        sl.addWidget(self.waiting_total, 7)
        self.waiting_grid = QGridLayout()
        self.waiting_grid.setHorizontalSpacing(12)
        self.waiting_grid.setVerticalSpacing(2)
        self.waiting_grid.setColumnStretch(0, 70)
        self.waiting_grid.setColumnStretch(1, 30)
        self.waiting_rows: dict[str, tuple[FitLabel, FitLabel]] = {}
        self._wait_groups: tuple[list[FitLabel], list[FitLabel]] = ([], [])
        sl.addLayout(self.waiting_grid, 37)
        for cat in self.hall.rules.categories:
            self._waiting_row(cat.prefix, cat.name)
        return side

    def _waiting_row(self, prefix: str, name: str) -> tuple[FitLabel, FitLabel]:
        row = self.waiting_rows.get(prefix)
        if row is None:
            label = FitLabel(f"{prefix} {name}", largest=44, align=Qt.AlignmentFlag.AlignLeft
                             | Qt.AlignmentFlag.AlignVCenter, group=self._wait_groups[0])
            label.setObjectName("waitName")
            count = FitLabel("0", largest=52, align=Qt.AlignmentFlag.AlignRight
                             | Qt.AlignmentFlag.AlignVCenter, group=self._wait_groups[1])
            count.setObjectName("waitCount")
            i = len(self.waiting_rows)
            self.waiting_grid.addWidget(label, i, 0)
            self.waiting_grid.addWidget(count, i, 1)
            self.waiting_grid.setRowStretch(i, 1)
            row = self.waiting_rows[prefix] = (label, count)
        return row

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """The header and footer text follow the screen (40 px hall name at 1080p)."""
        super().resizeEvent(event)
        scale = min(self.width() / 1920, self.height() / 1080)
        for label, px in ((self.header.findChild(QLabel, "hall"), 40), (self.clock, 32),
                          (self.note, 22), (self.voice_note, 22)):
            if label is not None:
                font = QFont(label.font())
                font.setPixelSize(max(12, round(px * scale)))
                label.setFont(font)

    # -- data ------------------------------------------------------------------------
    def show_snapshot(self, snap: HallSnapshot) -> None:
        self.snapshot = snap
        self._show_windows(snap)
        self._show_recent(snap)
        names = {c.prefix: c.name for c in snap.categories}
        for prefix, n in snap.waiting.items():
            self._waiting_row(prefix, names.get(prefix, prefix))[1].setText(f"{n} 人")
        self.waiting_total.setText(f"共 {snap.waiting_total} 人等候")
        self._announce(snap)

    @property
    def waiting(self) -> QLabel:
        """The total waiting line (what the old footer said)."""
        return self.waiting_total

    def _show_windows(self, snap: HallSnapshot) -> None:
        added = False
        for call in snap.windows:
            card = self.cards.get(call.window_no)
            if card is None:
                card = self.cards[call.window_no] = WindowCard(call.window_no,
                                                               groups=self._card_groups)
                added = True
            card.show_call(call)
        if added:
            order = sorted(self.cards, key=lambda w: (len(w), w))
            self.card_grid.set_cards([self.cards[w] for w in order])
        self.card_grid.setVisible(bool(self.cards))  # no window open yet: the welcome fills

    def _show_recent(self, snap: HallSnapshot) -> None:
        events = list(snap.recent[:RECENT_ROWS])
        for i, (number, window) in enumerate(self.recent_rows):
            if i < len(events):
                e = events[i]
                number.setText(e.number + ("（重呼）" if e.kind == "recall" else ""))
                window.setText(f"{e.window_no} 号窗口")
            else:
                number.setText("暂无" if i == 0 and not events else "")
                window.setText("")
            for label in (number, window):
                label.setProperty("first", "true" if i == 0 and events else "false")
                _repolish(label)

    def call_of(self, e: CallEvent) -> Announcement:
        return announce(e.number, e.window_no, self.template)

    def _announce(self, snap: HallSnapshot) -> None:
        if snap.recent:
            self._show_latest(self.call_of(snap.recent[0]))
        if self._announced is None:  # first look: show, don't speak the past
            self._announced = snap.recent[0].id if snap.recent else 0
            self._said = {w.window_no: (w.number, w.called_at) for w in snap.windows}
            return
        fresh = [e for e in reversed(snap.recent) if e.id > self._announced]
        for number, window_no in self._missed(snap, fresh):
            self.speaker.announce(announce(number, window_no, self.template))
            self._highlight(window_no)
        for e in fresh:
            self.speaker.announce(self.call_of(e))
            self._highlight(e.window_no)
            self._said[e.window_no] = (e.number, e.at)
        if fresh:
            self._announced = fresh[-1].id

    def _missed(self, snap: HallSnapshot, fresh: list[CallEvent]) -> list[tuple[str, str]]:
        """Calls that fell out of the snapshot's recent calls (more windows called
        between two looks than it holds, e.g. after the network came back): each window
        serving a citizen it was not heard calling, oldest call first, so nobody at a
        window goes unannounced."""
        heard = {e.window_no for e in fresh}
        missed = sorted((w.called_at, w.number, w.window_no) for w in snap.windows
                        if w.number and w.called_at is not None and w.window_no not in heard
                        and self._said.get(w.window_no) != (w.number, w.called_at))
        for called_at, number, window_no in missed:
            self._said[window_no] = (number, called_at)
        return [(number, window_no) for _at, number, window_no in missed]

    def _show_latest(self, a: Announcement) -> None:
        self.hero_number.setText(a.number)
        self.hero_window.setText(f"{a.window_no} 号窗口")
        self.hero_window.show()
        self.latest.setText(a.text)

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
        self.latest.setText(message)

    def _show_voice_notice(self, text: str) -> None:
        self.voice_note.setText(text)
        self.voice_note.setVisible(bool(text))
        quiet = bool(text) and not text.startswith(NO_VOICE) and "失败" not in text \
            and "无响应" not in text
        self.voice_note.setProperty("quiet", "true" if quiet else "false")
        _repolish(self.voice_note)

    def window_number(self, window_no: str) -> str:
        card = self.cards.get(window_no)
        return card.number.text() if card else ""

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.watch.stop()
        self.speaker.close()
        super().closeEvent(event)
