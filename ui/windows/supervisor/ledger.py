"""差评工单: the ledger (every open follow-up and those of the last week, overdue
first; older finished ones a page at a time) beside the pane of the selected one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from counter_app.domain.followup import FollowUpStatus
from counter_app.services import followup
from counter_app.usecases import followups
from ui.bridge.tasks import TaskRunner
from ui.context import AppContext
from ui.panels.followup_actions import FollowUpPane
from ui.panels.table_model import Column, Fit
from ui.style import SLA_COLOURS
from ui.windows.supervisor.common import table

PAGE = 100


def _sla(r: followup.FollowUpRow) -> str:
    return SLA_COLOURS[r.sla.value]


FOLLOWUP_COLUMNS: list[Column[followup.FollowUpRow]] = [
    Column("工单", lambda r: f"#{r.id}", _sla),
    Column("评价时间", lambda r: r.opened_text[5:], _sla),
    Column("窗口", lambda r: f"{r.window_no}号", _sla),
    Column("柜员", lambda r: r.teller, _sla),
    Column("评价", lambda r: r.level, _sla),
    Column("原因", lambda r: "、".join(r.reasons) or "—", _sla, fit=Fit.STRETCH),
    Column("办件编号", lambda r: r.case_no or "—", _sla),
    Column("状态", lambda r: r.status_label, _sla),
    Column("整改期限", lambda r: r.rectify_due.isoformat() if r.rectify_due else "—", _sla),
    Column("期限", lambda r: r.sla_text, _sla),
]


class LedgerTab(QSplitter):
    changed = Signal()  # a step was taken: the board reloads what changed
    message = Signal(str)

    def __init__(self, ctx: AppContext, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.ctx, self.runner = ctx, runner
        self.window_no: str | None = None
        self.current: tuple[followup.FollowUpRow, ...] = ()
        self.older: list[followup.FollowUpRow] = []
        self.older_before: int | None = None
        self.older_done = False
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        lv.addWidget(self.summary)
        self.table = table(FOLLOWUP_COLUMNS, key=lambda r: r.id)
        self.table.current_changed.connect(self._selected)
        lv.addWidget(self.table, 1)
        more = QHBoxLayout()
        self.more = QPushButton("加载更早的已办结工单")
        self.more.clicked.connect(self.load_older)
        more.addWidget(self.more)
        more.addStretch(1)
        lv.addLayout(more)
        self.addWidget(left)
        self.pane = FollowUpPane(ctx, runner)
        self.pane.changed.connect(self.changed)
        self.pane.message.connect(self.message)
        self.addWidget(self.pane)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)

    @property
    def rows(self) -> list[followup.FollowUpRow]:
        return self.table.rows

    def set_window(self, window_no: str | None) -> None:
        if window_no != self.window_no:
            self.window_no = window_no
            self.older, self.older_before, self.older_done = [], None, False

    def show_rows(self, rows: tuple[followup.FollowUpRow, ...]) -> None:
        self.current = rows
        open_rows = [r for r in rows if r.sla.value != "done"]
        overdue = sum(1 for r in rows if r.sla.value == "overdue")
        soon = sum(1 for r in rows if r.sla.value == "due_soon")
        waiting = sum(1 for r in rows if r.status == FollowUpStatus.OPEN)
        self.summary.setText(
            f"未办结 {len(open_rows)}　待回访 {waiting}　即将到期 {soon}　逾期 {overdue}"
            f"　（整改期限按工作日计算；已办结的显示最近 {followup.RECENT_DAYS} 天）")
        self._fill()
        selected = self.pane.current_id
        if selected is not None:  # the pane leads: its follow-up, with fresh figures
            if self.table.select_key(selected, quiet=True) is not None:
                self._show_full(selected)
        elif rows:
            self.table.select_key(rows[0].id)  # shows it in the pane

    def _fill(self) -> None:
        shown = {r.id for r in self.current}
        self.table.set_rows([*self.current, *(r for r in self.older if r.id not in shown)])
        self.more.setEnabled(not self.older_done)
        self.more.setText("没有更早的工单" if self.older_done else "加载更早的已办结工单")

    def load_older(self) -> None:
        before, window = self.older_before, self.window_no
        self.more.setEnabled(False)
        self.ctx.call(lambda rt: followups.ledger_page(rt, before, PAGE, window),
                      self._older_loaded, runner=self.runner)

    def _older_loaded(self, page: followup.LedgerPage) -> None:
        self.older.extend(page.rows)
        self.older_before = page.before_id
        self.older_done = page.before_id is None
        self._fill()
        self.message.emit(f"已加载 {len(self.older)} 条更早的工单")

    def _selected(self, row: followup.FollowUpRow | None) -> None:
        if row is not None:
            self._show_full(row.id)

    def _show_full(self, followup_id: int) -> None:
        """The pane shows the follow-up with its steps (the list's rows have none)."""
        self.ctx.call(lambda rt: followups.followup_row(rt, followup_id), self._full,
                      runner=self.runner)

    def _full(self, row: followup.FollowUpRow) -> None:
        current = self.table.current()
        if current is not None and current.id == row.id:  # still the one selected
            self.pane.show_row(row)
