"""实时概况: the headline tiles and the charts; the figures table with every formula
on demand, in the charts' place (so it is on screen whatever the window's size:
at 1280×720 there is no room for both)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.rating import LEVELS_BEST_FIRST
from counter_app.services import reports
from counter_app.services.reports import CAUSE_LABELS
from ui.panels.charts import BarChart, KpiTile, LineChart
from ui.panels.table_model import Column, Fit
from ui.windows.supervisor.common import minutes, table

FIGURE_COLUMNS: list[Column[reports.Figure]] = [
    Column("指标", lambda f: f.label),
    Column("数值", lambda f: f.text),
    Column("口径", lambda f: f.note, fit=Fit.STRETCH),
]

TILES = (
    ("visits", "服务次数"), ("participation", "参评率"), ("good", "好评率"),
    ("bad", "差评"), ("followups", "差评工单未办结"), ("waiting", "平均等候"),
    ("cases", "受理办件"), ("instant", "即办 30 分钟内办结 / 即办件"),
    ("overdue", "逾期办件"), ("tickets", "取号 / 叫号 / 过号"),
)
SHOW_DETAILS = "显示明细表（含计算口径）▾"
HIDE_DETAILS = "返回图表 ▴"


class OverviewTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        grid = QGridLayout()
        grid.setSpacing(6)
        self.tiles: dict[str, KpiTile] = {}
        for i, (key, label) in enumerate(TILES):
            tile = KpiTile(label)
            self.tiles[key] = tile
            grid.addWidget(tile, i // 5, i % 5)
        layout.addLayout(grid)
        charts = QWidget()
        cg = QGridLayout(charts)
        cg.setContentsMargins(0, 0, 0, 0)
        cg.setSpacing(6)
        self.chart_hours = BarChart("分时段取号 / 叫号")
        self.chart_wait = LineChart("分时段平均等候（分钟）")
        self.chart_levels = BarChart("评价分布")
        self.chart_windows = BarChart("各窗口受理办件")
        self.chart_tellers = BarChart("各柜员参评率 / 好评率（%）")
        self.chart_causes = BarChart("未评价原因")
        for i, chart in enumerate((self.chart_hours, self.chart_wait, self.chart_levels,
                                   self.chart_windows, self.chart_tellers, self.chart_causes)):
            chart.setMinimumSize(240, 150)
            cg.addWidget(chart, i // 3, i % 3)
        self.details = table(FIGURE_COLUMNS, key=lambda f: f.key)
        self.details.setVisible(False)
        self.stack = QStackedWidget()
        self.stack.addWidget(charts)
        self.stack.addWidget(self.details)
        layout.addWidget(self.stack, 1)
        toggle = QHBoxLayout()
        self.details_button = QPushButton(SHOW_DETAILS)
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._toggle_details)
        toggle.addWidget(self.details_button)
        toggle.addStretch(1)
        layout.addLayout(toggle)

    def _toggle_details(self, shown: bool) -> None:
        self.stack.setCurrentIndex(1 if shown else 0)
        self.details.setVisible(shown)
        self.details_button.setText(HIDE_DETAILS if shown else SHOW_DETAILS)

    def show_summary(self, s: reports.ShiftSummary) -> None:
        self._tiles(s)
        self._charts(s)
        self.details.set_rows(reports.figures(s))

    def _tiles(self, s: reports.ShiftSummary) -> None:
        t = self.tiles
        t["visits"].set(str(s.visits), f"已评价 {s.rated} · 未评价 {s.not_rated}")
        t["participation"].set(s.participation.percent_text,
                               f"{s.participation.numerator}/{s.participation.denominator}",
                               tip=s.participation.formula)
        t["good"].set(s.good.percent_text, f"{s.good.numerator}/{s.good.denominator}",
                      tip=s.good.formula)
        cb = s.callback_rate
        # one line: at 1280×720 a second one would run into the figure above it
        t["bad"].set(str(s.bad_ratings),
                     f"已回访 {s.callbacks_done} · 实名回访率 {cb.percent_text}",
                     alert=s.bad_ratings > 0,
                     tip=f"{cb.formula}（{cb.numerator}/{cb.denominator}）")
        t["followups"].set(str(s.followups_open),
                           f"即将到期 {s.followups_due_soon} · 逾期 {s.followups_overdue}",
                           alert=s.followups_overdue > 0)
        t["waiting"].set(minutes(s.waiting.mean), f"P90 {minutes(s.waiting.p90)} · 办理均 "
                         f"{minutes(s.service.mean)}")
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
        self.chart_windows.set_data([name.removesuffix("号窗口") + "号"
                                     for name, _ in s.cases_by_window],
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
