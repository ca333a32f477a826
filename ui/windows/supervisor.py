"""The supervisor view (值班长): the shift as it happens — headline figures and
charts first, tables on demand — the handover lines per teller (交接班), the
bad-rating ledger with its deadlines and step actions, and the outbox to the
province. Everything is read on a worker thread; a hall listener (another worker
thread) wakes the view when anything changes, so a bad rating at any window shows
up here within seconds, on any PC.
"""

from __future__ import annotations

import logging
import threading
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.clock import business_date, local
from counter_app.domain.rating import LEVELS_BEST_FIRST
from counter_app.runtime import Runtime
from counter_app.services import board as board_service
from counter_app.services import followup, hall_events, outbox, report_export, reports
from counter_app.services.reports import CAUSE_LABELS
from counter_app.store.models import User
from ui.bridge.tasks import TaskRunner
from ui.panels.charts import BarChart, KpiTile, LineChart
from ui.panels.followup_actions import FollowUpPane
from ui.style import BAD, MUTED, SLA_COLOURS

log = logging.getLogger(__name__)
REFRESH_MS = 30_000
DEBOUNCE_MS = 400
SUPERVISOR_ROLES = ("supervisor", "admin")


class _HallWatcher(QObject):
    """A worker thread blocked on the hall listener; `changed` fires on the GUI thread."""

    changed = Signal()

    def __init__(self, rt: Runtime, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rt = rt
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hall-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(3)

    def _run(self) -> None:
        try:
            listener = hall_events.open_listener(self.rt.engine, self.rt.settings.hall_code)
        except Exception:
            log.exception("no hall listener; the view refreshes on its timer only")
            return
        try:
            while not self._stop.is_set():
                if listener.wait(1.0):
                    self.changed.emit()
        finally:
            listener.close()


def _table(columns: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    return table


def _fill(table: QTableWidget, rows: list[list[str]],
          colours: dict[int | tuple[int, int], str] | None = None,
          stretch: int | None = None, centre_from: int | None = None) -> None:
    """Rows of text; colours by row (int) or cell ((row, column)); `stretch` -1 stretches
    every column; columns from `centre_from` on are centred (numbers)."""
    colours = colours or {}
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            colour = colours.get((r, c)) or colours.get(r)
            if colour:
                item.setForeground(QBrush(QColor(colour)))
            if centre_from is not None and c >= centre_from:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    for c in range(table.columnCount()):
        mode = (QHeaderView.ResizeMode.Stretch if stretch in (c, -1)
                else QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(c, mode)


class SupervisorWindow(QMainWindow):
    def __init__(self, rt: Runtime, user: User, parent: QWidget | None = None,
                 *, watch: bool = True) -> None:
        super().__init__(parent)
        self.rt, self.user = rt, user
        self.runner = TaskRunner(self)
        self.board: board_service.Board | None = None
        self.last_alert_id: int | None = None
        self.loads = 0
        self.setWindowTitle(f"快办柜台 · 值班长视图 · {user.name}")
        self.resize(1920, 1080)

        central = QWidget()
        root = QVBoxLayout(central)
        root.setContentsMargins(10, 6, 10, 6)
        root.addLayout(self._top_bar())
        self.alert = QLabel("")
        self.alert.setObjectName("alert")
        self.alert.setStyleSheet(f"QLabel#alert {{ background: #fdecea; color: {BAD};"
                                 " border: 1px solid #f5c2c0; border-radius: 4px;"
                                 " padding: 6px 10px; font-weight: bold; }")
        self.alert.setVisible(False)
        self.alert.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        root.addWidget(self.alert)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._overview_tab(), "实时概况")
        self.tabs.addTab(self._handover_tab(), "交接班")
        self.tabs.addTab(self._followup_tab(), "差评工单")
        self.tabs.addTab(self._outbox_tab(), "好差评上报")
        root.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.status = self.statusBar()
        self.tabs.setFocus()

        for key, slot in (("F5", self.refresh), ("Ctrl+P", self.export_pdf),
                          ("Ctrl+E", self.export_xlsx)):
            QShortcut(QKeySequence(key), self, activated=slot)
        for i in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self,
                      activated=lambda i=i: self.tabs.setCurrentIndex(i))

        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(REFRESH_MS)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.timeout.connect(self._hall_changed)
        self.watcher: _HallWatcher | None = None
        if watch:
            self.watcher = _HallWatcher(rt, self)
            self.watcher.changed.connect(lambda: self.debounce.start(DEBOUNCE_MS))
            self.watcher.start()
        self.refresh()

    # -- layout ----------------------------------------------------------------------

    def _top_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        title = QLabel(f"值班长视图 · {self.user.name}（{self.user.staff_no}）· "
                       f"{self.rt.settings.hall_name}")
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
            button.clicked.connect(slot)
            bar.addWidget(button)
        self.updated = QLabel("")
        self.updated.setStyleSheet(f"color: {MUTED};")
        bar.addWidget(self.updated)
        return bar

    def _overview_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        tiles = QGridLayout()
        self.tiles: dict[str, KpiTile] = {}
        for i, (key, label) in enumerate((
            ("visits", "服务次数"), ("participation", "参评率"), ("good", "好评率"),
            ("bad", "差评"), ("followups", "差评工单未办结"), ("waiting", "平均等候"),
            ("cases", "受理办件"), ("instant", "即办 30 分钟内办结 / 即办件"),
            ("overdue", "逾期办件"),
            ("tickets", "取号 / 叫号 / 过号"),
        )):
            tile = KpiTile(label)
            self.tiles[key] = tile
            tiles.addWidget(tile, i // 5, i % 5)
        layout.addLayout(tiles)
        charts = QGridLayout()
        self.chart_hours = BarChart("分时段取号 / 叫号")
        self.chart_wait = LineChart("分时段平均等候（分钟）")
        self.chart_levels = BarChart("评价分布")
        self.chart_windows = BarChart("各窗口受理办件")
        self.chart_tellers = BarChart("各柜员参评率 / 好评率（%）")
        self.chart_causes = BarChart("未评价原因")
        for i, chart in enumerate((self.chart_hours, self.chart_wait, self.chart_levels,
                                   self.chart_windows, self.chart_tellers, self.chart_causes)):
            charts.addWidget(chart, i // 3, i % 3)
        layout.addLayout(charts, 1)
        toggle = QHBoxLayout()
        self.details_button = QPushButton("显示明细表（含计算口径）▾")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._toggle_details)
        toggle.addWidget(self.details_button)
        toggle.addStretch(1)
        layout.addLayout(toggle)
        self.details = _table(["指标", "数值", "口径"])
        self.details.setVisible(False)
        self.details.setMinimumHeight(320)
        layout.addWidget(self.details)
        return tab

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setText(
            "隐藏明细表 ▴" if shown else "显示明细表（含计算口径）▾"
        )

    def _handover_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.handover_note = QLabel("")
        self.handover_note.setStyleSheet(f"color: {MUTED};")
        self.handover_note.setWordWrap(True)
        self.handover = _table(["柜员", "工号", "窗口", "服务次数", "办理号票", "受理办件",
                                "已评价", "未评价", "参评率", "好评", "差评", "待办差评工单",
                                "平均办理", "首笔", "末笔"])
        layout.addWidget(self.handover, 1)
        layout.addWidget(self.handover_note)
        return tab

    def _followup_tab(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.fu_summary = QLabel("")
        lv.addWidget(self.fu_summary)
        self.fu_table = _table(["工单", "评价时间", "窗口", "柜员", "评价", "原因", "办件编号",
                                "状态", "整改期限", "期限"])
        self.fu_table.itemSelectionChanged.connect(self._followup_selected)
        lv.addWidget(self.fu_table, 1)
        splitter.addWidget(left)
        self.fu_pane = FollowUpPane(self.rt, self.user, self.runner)
        self.fu_pane.changed.connect(self.refresh)
        self.fu_pane.message.connect(lambda text: self.status.showMessage(text, 10_000))
        splitter.addWidget(self.fu_pane)
        splitter.setSizes([1150, 730])
        return splitter

    def _outbox_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.ob_tiles = {k: KpiTile(label) for k, label in (
            ("pending", "待发送"), ("retrying", "重试中"), ("delivered", "已送达"),
            ("parked", "已搁置（需处理）"))}
        for tile in self.ob_tiles.values():
            row.addWidget(tile)
        layout.addLayout(row)
        self.ob_note = QLabel("")
        self.ob_note.setWordWrap(True)
        self.ob_note.setStyleSheet(f"color: {MUTED};")
        layout.addWidget(self.ob_note)
        self.ob_table = _table(["#", "幂等键", "尝试次数", "HTTP", "原因", "产生时间"])
        layout.addWidget(self.ob_table, 1)
        self.ob_empty = QLabel("没有搁置的记录。被接口拒收（4xx）的评价会列在这里，"
                               "处理原因后可重新发送。")
        self.ob_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ob_empty.setStyleSheet(f"color: {MUTED}; padding: 40px;")
        layout.addWidget(self.ob_empty, 1)
        buttons = QHBoxLayout()
        requeue = QPushButton("已搁置的重新发送")
        requeue.clicked.connect(self._requeue)
        buttons.addWidget(requeue)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return tab

    # -- loading ------------------------------------------------------------------------

    def _filters(self) -> tuple[date, str | None]:
        d = self.day.date()
        return date(d.year(), d.month(), d.day()), self.window_box.currentData()

    def refresh(self) -> None:
        day, window = self._filters()
        self.runner.run(lambda: board_service.load_board(self.rt, day, window), self._show,
                        self._failed)

    def _failed(self, exc: BaseException) -> None:
        log.error("board load failed: %s", getattr(exc, "__traceback_text__", exc))
        self.status.showMessage(f"刷新失败：{exc}", 10_000)

    def _hall_changed(self) -> None:
        self.refresh()
        if self.last_alert_id is not None:
            last = self.last_alert_id
            self.runner.run(lambda: board_service.new_alerts(self.rt, last), self._show_alerts)

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

    def _show(self, board: board_service.Board) -> None:
        self.board = board
        self.loads += 1
        if self.last_alert_id is None:
            self.last_alert_id = board.last_followup_id
        s = board.summary
        self._windows(s)
        self._tiles(s)
        self._charts(s)
        _fill(self.details, [[f.label, f.text, f.note] for f in reports.figures(s)], stretch=2)
        self._handover(s)
        self._followups(board.followups)
        self._outbox(board.outbox)
        self.updated.setText(f"更新于 {local(self.rt.deps.clock()):%H:%M:%S}")

    def _windows(self, s: reports.ShiftSummary) -> None:
        known = {self.window_box.itemData(i) for i in range(self.window_box.count())}
        names = sorted({name.removesuffix("号窗口") for name, _ in s.cases_by_window}
                       | {t.windows for t in s.tellers if t.windows and "、" not in t.windows},
                       key=lambda w: (len(w), w))
        for w in names:
            if w and w not in known:
                self.window_box.addItem(f"{w}号窗口", w)

    def _tiles(self, s: reports.ShiftSummary) -> None:
        t = self.tiles
        t["visits"].set(str(s.visits), f"已评价 {s.rated} · 未评价 {s.not_rated}")
        t["participation"].set(s.participation.percent_text,
                               f"{s.participation.numerator}/{s.participation.denominator}",
                               tip=s.participation.formula)
        t["good"].set(s.good.percent_text, f"{s.good.numerator}/{s.good.denominator}",
                      tip=s.good.formula)
        cb = s.callback_rate
        t["bad"].set(str(s.bad_ratings), f"已回访 {s.callbacks_done} · 实名回访率 "
                     f"{cb.percent_text}（{cb.numerator}/{cb.denominator}）",
                     alert=s.bad_ratings > 0, tip=cb.formula)
        t["followups"].set(str(s.followups_open),
                           f"即将到期 {s.followups_due_soon} · 逾期 {s.followups_overdue}",
                           alert=s.followups_overdue > 0)
        t["waiting"].set(_minutes(s.waiting.mean), f"P90 {_minutes(s.waiting.p90)} · 办理均 "
                         f"{_minutes(s.service.mean)}")
        t["cases"].set(str(s.cases_accepted), f"即办件 {s.instant_cases}")
        t["instant"].set(f"{s.instant_within_30min} / {s.instant_cases}",
                         f"超过 30 分钟 {s.instant_late}", note_alert=s.instant_late > 0,
                         tip="即办事项全部办结且用时 ≤ 30 分钟的办件 / 即办件")
        t["overdue"].set(str(s.cases_overdue), f"即将到期 {s.cases_due_soon}",
                         alert=s.cases_overdue > 0)
        t["tickets"].set(f"{s.tickets_taken} / {s.tickets_called} / {s.tickets_missed}",
                         "当日号票")

    def _charts(self, s: reports.ShiftSummary) -> None:
        hours = [f"{h}时" for h, _, _ in s.tickets_by_hour]
        self.chart_hours.set_data(hours, [t for _, t, _ in s.tickets_by_hour],
                                  [c for _, _, c in s.tickets_by_hour], legend=("取号", "叫号"))
        wait = dict(s.waiting_by_hour)
        self.chart_wait.set_data(hours, [wait.get(h) for h, _, _ in s.tickets_by_hour])
        self.chart_levels.set_data([lv.label for lv in LEVELS_BEST_FIRST],
                                   [s.levels.get(lv.value, 0) for lv in LEVELS_BEST_FIRST],
                                   highlight=(3, 4))
        self.chart_windows.set_data([name for name, _ in s.cases_by_window],
                                    [n for _, n in s.cases_by_window])
        tellers = [t for t in s.tellers if t.visits]
        self.chart_tellers.set_data(
            [t.name for t in tellers],
            [round((t.participation.value or 0) * 100) for t in tellers],
            [round(t.good / t.rated * 100) if t.rated else 0 for t in tellers],
            legend=("参评率", "好评率"), fixed_top=100,
        )
        causes = sorted(s.not_rated_by_cause.items())
        self.chart_causes.set_data([CAUSE_LABELS.get(k, k) for k, _ in causes],
                                   [n for _, n in causes])

    def _handover(self, s: reports.ShiftSummary) -> None:
        rows = [[t.name, t.staff_no, t.windows or "—", str(t.visits), str(t.tickets_done),
                 str(t.cases), str(t.rated), str(t.not_rated), t.participation.percent_text,
                 str(t.good), str(t.bad), str(t.followups_open), _minutes(t.service.mean),
                 t.first_at or "—", t.last_at or "—"] for t in s.tellers]
        colours: dict[int | tuple[int, int], str] = {}
        for i, t in enumerate(s.tellers):
            if t.followups_open:
                colours[(i, 11)] = BAD
            if t.bad:
                colours[(i, 10)] = BAD
        _fill(self.handover, rows, colours, stretch=-1, centre_from=2)
        self.handover_note.setText("　".join(s.formulas[:2]))

    def _followups(self, rows: tuple[followup.FollowUpRow, ...]) -> None:
        open_rows = [r for r in rows if r.sla.value != "done"]
        overdue = sum(1 for r in rows if r.sla.value == "overdue")
        soon = sum(1 for r in rows if r.sla.value == "due_soon")
        waiting = sum(1 for r in rows if r.status == followup.Status.OPEN)
        self.fu_summary.setText(f"未办结 {len(open_rows)}　待回访 {waiting}　即将到期 {soon}　"
                                f"逾期 {overdue}　（整改期限按工作日计算）")
        selected = self.fu_pane.current_id
        table_rows = [[f"#{r.id}", r.opened_text[5:], f"{r.window_no}号", r.teller, r.level,
                       "、".join(r.reasons) or "—", r.case_no or "—", r.status_label,
                       r.rectify_due.isoformat() if r.rectify_due else "—", r.sla_text]
                      for r in rows]
        colours = {i: SLA_COLOURS[r.sla.value] for i, r in enumerate(rows)}
        self.fu_table.blockSignals(True)
        _fill(self.fu_table, table_rows, colours, stretch=5)
        self.fu_table.blockSignals(False)
        self.fu_rows = list(rows)
        for i, r in enumerate(rows):
            if r.id == selected:
                self.fu_table.selectRow(i)
                self.fu_pane.show_row(r)
                break
        else:
            if rows and selected is None:
                self.fu_table.selectRow(0)

    def _followup_selected(self) -> None:
        index = self.fu_table.currentRow()
        rows = getattr(self, "fu_rows", [])
        if 0 <= index < len(rows):
            self.fu_pane.show_row(rows[index])

    def _outbox(self, box: outbox.Summary) -> None:
        self.ob_tiles["pending"].set(str(box.pending))
        self.ob_tiles["retrying"].set(str(box.retrying), alert=box.retrying > 0)
        self.ob_tiles["delivered"].set(str(box.delivered))
        self.ob_tiles["parked"].set(str(box.parked), alert=box.parked > 0)
        url = self.rt.settings.hcp_url
        oldest = f"最早待发送：{local(box.oldest_pending):%m-%d %H:%M}" if box.oldest_pending \
            else "没有待发送的记录"
        self.ob_note.setText(
            f"接口：{url or '未配置（评价保存在本地队列，配置 hcp_url 后自动补发）'}　{oldest}。"
            "2xx/409 视为送达；5xx、超时自动退避重试；其他 4xx 搁置待处理。"
        )
        _fill(self.ob_table, [[str(r.id), r.key, str(r.attempts), str(r.last_status or "—"),
                               r.last_error, f"{local(r.created_at):%m-%d %H:%M}"]
                              for r in box.parked_rows], stretch=4)
        self.ob_empty.setVisible(not box.parked_rows)
        self.ob_table.setVisible(bool(box.parked_rows))

    def _requeue(self) -> None:
        def work() -> int:
            with self.rt.uow() as session:
                return outbox.requeue_parked(session, self.rt.deps.clock())

        self.runner.run(work, lambda n: (self.status.showMessage(f"{n} 条记录已重新排队", 8000),
                                         self.refresh()))

    # -- exports -----------------------------------------------------------------------------

    def _export(self, suffix: str, writer) -> None:  # type: ignore[no-untyped-def]
        if self.board is None:
            return
        s = self.board.summary
        name = f"值班日报-{s.day.isoformat()}{'-' + s.window + '号窗口' if s.window else ''}"
        default = str(self.rt.settings.effective_papers_dir / "reports" / f"{name}.{suffix}")
        path, _ = QFileDialog.getSaveFileName(self, "导出值班日报", default)
        if not path:
            return
        self.runner.run(lambda: writer(s, Path(path)), self._exported,
                        lambda exc: self.status.showMessage(f"导出失败：{exc}", 10_000))

    def _exported(self, path: Path) -> None:
        self.status.showMessage(f"已导出 {path}", 10_000)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def export_pdf(self) -> None:
        self._export("pdf", report_export.write_pdf)

    def export_xlsx(self) -> None:
        self._export("xlsx", report_export.write_xlsx)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.timer.stop()
        if self.watcher is not None:
            self.watcher.stop()
        self.runner.wait_idle(10_000)
        super().closeEvent(event)


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds / 60:.1f} 分" if seconds >= 60 else f"{seconds:.0f} 秒"
