"""The supervisor view (值班长): the shift as it happens — headline figures and
charts first, tables on demand — the handover lines per teller (交接班), the
bad-rating ledger with its deadlines and step actions, and the outbox to the
province. Everything is read on a worker thread. A hall listener (another worker
thread) wakes the view when anything changes; then only the parts of the board
whose rows changed are read again (`usecases.reports.board(previous=…)`), so a bad
rating at any window shows up here within seconds, on any PC, and a year of history
costs nothing. The 30-second timer and F5 read everything (deadlines move with the
clock).
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.clock import business_date, local
from counter_app.services import followup, reports
from counter_app.usecases import followups
from counter_app.usecases import outbox as outbox_ops
from counter_app.usecases import reports as report_ops
from counter_app.usecases.errors import user_message
from ui.bridge.hall_watch import HallListenerThread
from ui.bridge.tasks import TaskRunner
from ui.context import AppContext
from ui.style import BAD, MUTED
from ui.windows.supervisor.handover import HandoverTab
from ui.windows.supervisor.ledger import LedgerTab
from ui.windows.supervisor.outbox import OutboxTab
from ui.windows.supervisor.overview import OverviewTab

log = logging.getLogger(__name__)
REFRESH_MS = 30_000
DEBOUNCE_MS = 400


class SupervisorWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 *, watch: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rt, self.user = ctx.rt, ctx.actor
        self.runner = TaskRunner(self)
        self.board: report_ops.Board | None = None
        self.last_alert_id: int | None = None
        self.loads = 0
        self._loading = False
        self._again: bool | None = None  # a load asked for while one runs (True: full)
        self.setWindowTitle(f"快办柜台 · 值班长视图 · {self.user.name}")
        screen = QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        # never larger than the screen (1280×720 halls); app.py shows it maximized
        self.resize(min(1366, room.width()) if room else 1366,
                    min(768, room.height()) if room else 768)

        central = QWidget()
        root = QVBoxLayout(central)
        root.setContentsMargins(8, 4, 8, 4)
        root.addLayout(self._top_bar())
        self.alert = QLabel("")
        self.alert.setObjectName("alert")
        self.alert.setStyleSheet(f"QLabel#alert {{ background: #fdecea; color: {BAD};"
                                 " border: 1px solid #f5c2c0; border-radius: 4px;"
                                 " padding: 6px 10px; font-weight: bold; }")
        self.alert.setVisible(False)
        self.alert.setWordWrap(True)
        self.alert.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        root.addWidget(self.alert)
        self.overview = OverviewTab()
        self.handover_tab = HandoverTab()
        self.ledger = LedgerTab(ctx, self.runner)
        self.ledger.changed.connect(lambda: self.refresh(full=False))
        self.ledger.message.connect(lambda text: self.status.showMessage(text, 10_000))
        self.outbox = OutboxTab(self.rt.settings.delivery.url)
        self.outbox.requeue.connect(self._requeue)
        self.tabs = QTabWidget()
        for widget, title in ((self.overview, "实时概况"), (self.handover_tab, "交接班"),
                              (self.ledger, "差评工单"), (self.outbox, "好差评上报")):
            self.tabs.addTab(widget, title)
        root.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.status = self.statusBar()
        self.tabs.setFocus()

        for key, slot in (("F5", self.refresh), ("Ctrl+P", self.export_pdf),
                          ("Ctrl+E", self.export_xlsx)):
            QShortcut(QKeySequence(key), self, activated=slot)
        for i in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self,
                      activated=lambda i=i: self.show_tab(i))

        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(REFRESH_MS)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.timeout.connect(self._hall_changed)
        self.watcher: HallListenerThread | None = None
        if watch:
            self.watcher = HallListenerThread(self.rt, self)
            self.watcher.woke.connect(lambda: self.debounce.start(DEBOUNCE_MS))
            self.watcher.start()
        self.refresh()

    def show_tab(self, index: int) -> None:
        """Ctrl+1…4: the tab, with the keys in its list (↓ moves at once; on the tab
        bar they did nothing visible)."""
        self.tabs.setCurrentIndex(index)
        page = self.tabs.currentWidget()
        table = getattr(page, "table", None)
        if table is not None:
            table.setFocus()

    # -- what the tests and the shortcuts reach -------------------------------------------

    @property
    def tiles(self):  # type: ignore[no-untyped-def]
        return self.overview.tiles

    @property
    def details(self):  # type: ignore[no-untyped-def]
        return self.overview.details

    @property
    def details_button(self):  # type: ignore[no-untyped-def]
        return self.overview.details_button

    @property
    def chart_levels(self):  # type: ignore[no-untyped-def]
        return self.overview.chart_levels

    @property
    def handover(self):  # type: ignore[no-untyped-def]
        return self.handover_tab.table

    @property
    def fu_table(self):  # type: ignore[no-untyped-def]
        return self.ledger.table

    @property
    def fu_pane(self):  # type: ignore[no-untyped-def]
        return self.ledger.pane

    @property
    def fu_rows(self) -> list[followup.FollowUpRow]:
        return self.ledger.rows

    @property
    def ob_tiles(self):  # type: ignore[no-untyped-def]
        return self.outbox.tiles

    # -- layout ------------------------------------------------------------------------------

    def _top_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        title = QLabel(f"值班长视图 · {self.user.name}（{self.user.staff_no}）· "
                       f"{self.rt.settings.hall.name}")
        title.setObjectName("topbar")
        title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        title.setToolTip(title.text())
        bar.addWidget(title, 1)
        bar.addWidget(QLabel("日期"))
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        today = business_date(self.rt.deps.clock())
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.day.dateChanged.connect(lambda _d: self.refresh())
        bar.addWidget(self.day)
        bar.addWidget(QLabel("窗口"))
        self.window_box = QComboBox()
        self.window_box.addItem("全厅", None)
        self.window_box.currentIndexChanged.connect(lambda _i: self.refresh())
        bar.addWidget(self.window_box)
        for text, slot in (("刷新 F5", self.refresh), ("日报 PDF", self.export_pdf),
                           ("日报 Excel", self.export_xlsx)):
            button = QPushButton(text)
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            bar.addWidget(button)
        self.updated = QLabel("")
        self.updated.setStyleSheet(f"color: {MUTED};")
        # room for any time at once: the digits differ in width, and a label sized for
        # 11:11:11 would clip 20:08:48 until the next layout pass
        metrics = self.updated.fontMetrics()
        pair = max("0123456789", key=metrics.horizontalAdvance) * 2
        self.updated.setMinimumWidth(metrics.horizontalAdvance(f"更新于 {pair}:{pair}:{pair}") + 4)
        bar.addWidget(self.updated)
        return bar

    # -- loading ------------------------------------------------------------------------------

    def _filters(self) -> tuple[date, str | None]:
        d = self.day.date()
        return date(d.year(), d.month(), d.day()), self.window_box.currentData()

    def refresh(self, full: bool = True) -> None:
        """Load the board: everything (`full`), or what changed since the last load.
        One load at a time; one asked for meanwhile runs after it."""
        if self._loading:
            self._again = full or bool(self._again)
            return
        self._loading = True
        day, window = self._filters()
        query = report_ops.ShiftQuery(self.user, day, window)
        previous = None if full else self.board
        self.ledger.set_window(window)
        self.ctx.call(lambda rt: report_ops.board(rt, query, previous), self._show,
                      self._failed, runner=self.runner)

    def _done_loading(self) -> None:
        self._loading = False
        again, self._again = self._again, None
        if again is not None:
            self.refresh(full=again)

    def _failed(self, exc: BaseException) -> None:
        log.error("board load failed: %s", getattr(exc, "__traceback_text__", exc))
        self.status.showMessage(f"刷新失败：{user_message(exc)}", 10_000)
        self._done_loading()

    def _hall_changed(self) -> None:
        self.refresh(full=False)
        if self.last_alert_id is not None:
            last = self.last_alert_id
            self.ctx.call(lambda rt: followups.alerts_since(rt, last), self._show_alerts,
                          runner=self.runner)

    def _show_alerts(self, alerts: list[followup.Alert]) -> None:
        if not alerts:
            return
        self.last_alert_id = max(a.followup_id for a in alerts)
        lines = [f"⚠ 新差评：{a.window_no}号窗口 {a.teller} · {a.level} · {a.business} · "
                 f"{a.at_text[-5:]}" for a in alerts[-3:]]
        more = f"（另有 {len(alerts) - 3} 条）" if len(alerts) > 3 else ""
        self.alert.setText("　".join(lines) + more + "　请安排回访（差评工单 Ctrl+3）")
        self.alert.setVisible(True)
        QApplication.beep()

    def _show(self, board: report_ops.Board) -> None:
        """Show what this load read; the tabs whose figures did not change stay."""
        self.board = board
        self.loads += 1
        if self.last_alert_id is None:
            self.last_alert_id = board.last_followup_id
        s = board.summary
        if board.reloaded:
            self._windows(s)
            self.overview.show_summary(s)
            self.handover_tab.show_summary(s)
        if "followups" in board.reloaded or self.loads == 1:
            self.ledger.show_rows(board.followups)
        self.outbox.show_summary(board.outbox)
        self.updated.setText(f"更新于 {local(self.rt.deps.clock()):%H:%M:%S}")
        self._done_loading()

    def _windows(self, s: reports.ShiftSummary) -> None:
        known = {self.window_box.itemData(i) for i in range(self.window_box.count())}
        names = sorted({name.removesuffix("号窗口") for name, _ in s.cases_by_window}
                       | {t.windows for t in s.tellers if t.windows and "、" not in t.windows},
                       key=lambda w: (len(w), w))
        for w in names:
            if w and w not in known and not w.startswith("（"):
                self.window_box.addItem(f"{w}号窗口", w)

    def _requeue(self) -> None:
        cmd = outbox_ops.Requeue(self.user)
        self.ctx.call(lambda rt: outbox_ops.requeue_parked(rt, cmd),
                      lambda n: (self.status.showMessage(f"{n} 条记录已重新排队", 8000),
                                 self.refresh()), runner=self.runner)

    # -- exports -----------------------------------------------------------------------------

    def _export(self, suffix: str) -> None:
        if self.board is None:
            return
        s = self.board.summary
        name = f"值班日报-{s.day.isoformat()}{'-' + s.window + '号窗口' if s.window else ''}"
        folder = self.rt.settings.cases.effective_papers_dir / "reports"
        # the dialog opens where the reports go (it falls back to the working folder
        # when the default's folder does not exist yet)
        folder.mkdir(parents=True, exist_ok=True)
        kind = "PDF 文件 (*.pdf)" if suffix == "pdf" else "Excel 工作簿 (*.xlsx)"
        default = str(folder / f"{name}.{suffix}")
        path, _ = QFileDialog.getSaveFileName(self, "导出值班日报", default, kind)
        if not path:
            return
        query = report_ops.ShiftQuery(self.user, s.day, s.window)
        out = Path(path)
        self.ctx.call(
            lambda rt: report_ops.export_shift(
                rt, query, out if suffix == "pdf" else None, out if suffix == "xlsx" else None
            )[1][0],
            self._exported,
            lambda exc: self.status.showMessage(f"导出失败：{user_message(exc)}", 10_000),
            runner=self.runner,
        )

    def _exported(self, path: Path) -> None:
        self.status.showMessage(f"已导出 {path}", 10_000)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def export_pdf(self) -> None:
        self._export("pdf")

    def export_xlsx(self) -> None:
        self._export("xlsx")

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.timer.stop()
        if self.watcher is not None:
            self.watcher.stop()
        self.runner.wait_idle(10_000)
        super().closeEvent(event)
