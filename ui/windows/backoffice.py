"""The back-office worklist (拆包分办): the split sub-items of accepted cases with
their deadlines; mark done or return with a reason; print the completion notice
when the whole case is complete (综合反馈)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.services import caseviews
from counter_app.usecases import backoffice, cases
from counter_app.usecases.backoffice import CaseChanged, CompleteSubItem, ReturnSubItem
from counter_app.usecases.errors import user_message
from ui.bridge.tasks import TaskRunner
from ui.context import AppContext
from ui.panels.papers import PapersDialog
from ui.panels.table_model import Column, Fit, RowTable
from ui.style import SLA_COLOURS

WorkRow = caseviews.WorkRow


def _note(r: WorkRow) -> str:
    """Why a row stands as it does: the case ended (终止 / 撤回, with the reason), the
    case's 容缺 materials outstanding, or the sub-item's own state."""
    if r.reason:
        return r.reason
    if r.tolerance is not None:
        return f"容缺：{'、'.join(r.tolerance.materials)} {r.tolerance.due.isoformat()}前补交"
    if r.waits_for:
        return f"待{r.waits_for}办结后计时"
    return "" if r.status == "pending" else r.status_label


def _short_note(r: WorkRow, limit: int = 12) -> str:
    note = _note(r)
    return note if len(note) <= limit else note[:limit] + "…"


# what to act on first (the clock and why), then who and where
COLUMNS: list[Column[WorkRow]] = [
    Column("办件编号", lambda r: r.case_no),
    Column("事项", lambda r: r.item_name, fit=Fit.STRETCH),
    Column("时限", lambda r: r.sla_text, colour=lambda r: SLA_COLOURS[r.sla.value]),
    Column("说明", _short_note, tooltip=_note),
    Column("办结期限", lambda r: r.due_date.isoformat() if r.due_date else ""),
    Column("申请人", lambda r: f"{r.applicant} {r.applicant_id}"),
    Column("责任单位", lambda r: r.unit_name),
    Column("受理时间", lambda r: r.accepted_at),
]


class BackOfficeWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rt, self.user = ctx.rt, ctx.actor
        rt, user = self.rt, self.user
        self.runner = TaskRunner(self)
        self._loads = 0
        self.setWindowTitle(f"快办柜台 · 后台工作台 · {user.name}")
        self.resize(1366, 768)
        central = QWidget()
        layout = QVBoxLayout(central)
        top = QHBoxLayout()
        top.addWidget(QLabel("责任单位"))
        self.unit = QComboBox()
        self.unit.addItem("全部单位", None)
        for unit in rt.deps.catalogue.units.values():
            self.unit.addItem(unit.name, unit.code)
        if user.unit_code:
            self.unit.setCurrentIndex(max(0, self.unit.findData(user.unit_code)))
        self.unit.currentIndexChanged.connect(self.refresh)
        top.addWidget(self.unit)
        self.summary = QLabel("")
        top.addWidget(self.summary, 1)
        layout.addLayout(top)
        self.table: RowTable[WorkRow] = RowTable(
            COLUMNS, key=lambda r: r.item_id, select_first=True
        )
        self.table.setAlternatingRowColors(True)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.done_button = QPushButton("办结 Ctrl+D")
        self.done_button.setObjectName("primary")
        self.return_button = QPushButton("退回 Ctrl+R")
        self.refresh_button = QPushButton("刷新 F9")
        self.done_button.clicked.connect(self.complete_selected)
        self.return_button.clicked.connect(self.return_selected)
        self.refresh_button.clicked.connect(self.refresh)
        for b in (self.done_button, self.return_button, self.refresh_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.message = QLabel("")
        buttons.addWidget(self.message)
        layout.addLayout(buttons)
        self.setCentralWidget(central)
        self.runner.on_failure(self.message.setText)
        for key, slot in (
            ("Ctrl+D", self.complete_selected),
            ("Ctrl+R", self.return_selected),
            ("F9", self.refresh),
        ):
            QShortcut(QKeySequence(key), self, activated=slot)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(30_000)
        self.refresh()

    def refresh(self) -> None:
        self._load()

    def _load(self, then: Callable[[], None] | None = None) -> None:
        """Reload the list; `then` runs once it is shown. Of loads that overlap (timer,
        F9, after a change) only the latest is shown: an older one may finish last."""
        unit = self.unit.currentData()
        self._loads += 1
        load_no = self._loads

        def loaded(rows: list[WorkRow]) -> None:
            if load_no == self._loads:
                self.show_rows(rows)
            if then is not None:
                then()

        self.ctx.call(lambda rt: backoffice.work_list(rt, unit), loaded, self._failed,
                      runner=self.runner)

    @property
    def rows(self) -> list[WorkRow]:
        return self.table.rows

    def show_rows(self, rows: list[WorkRow]) -> None:
        self.table.set_rows(rows)
        overdue = sum(1 for r in rows if r.sla.value == "overdue")
        soon = sum(1 for r in rows if r.sla.value == "due_soon")
        waiting = sum(1 for r in rows if r.status == "waiting")
        stopped = sum(1 for r in rows if r.status == "stopped")
        todo = len(rows) - stopped
        text = f"  待办 {todo}  即将到期 {soon}  逾期 {overdue}"
        if waiting:
            text += f"  待前置事项 {waiting}"
        if stopped:
            text += f"  近期终止 {stopped}"
        self.summary.setText(text)

    def selected(self) -> WorkRow | None:
        return self.table.current()

    def complete_selected(self) -> None:
        row = self.selected()
        if row is None:
            return

        cmd = CompleteSubItem(self.user, row.item_id)
        self.ctx.call(lambda rt: backoffice.complete_sub_item(rt, cmd), self._after_change,
                      self._failed, runner=self.runner)

    def return_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        reason, ok = QInputDialog.getText(self, "退回", f"退回“{row.item_name}”的原因：")
        if not ok or not reason.strip():
            return

        cmd = ReturnSubItem(self.user, row.item_id, reason)
        self.ctx.call(lambda rt: backoffice.return_sub_item(rt, cmd), self._after_change,
                      self._failed, runner=self.runner)

    def _after_change(self, changed: CaseChanged) -> None:
        case_no = changed.case_no
        if changed.status != "complete":
            self.message.setText(f"已更新 {case_no}")
            self.refresh()
            return
        self.message.setText(f"办件 {case_no} 已全部办结，正在生成办结通知…")
        # the notice after the list that no longer holds the case
        self._load(then=lambda: self.ctx.call(
            lambda rt: cases.write_case_papers(rt, case_no, ("completion",)),
            lambda out: self._show_completion(case_no, out.papers),
            self._failed, runner=self.runner,
        ))

    def _show_completion(self, case_no: str, papers: dict) -> None:
        self.message.setText(f"办件 {case_no} 已办结")
        dialog = PapersDialog(
            case_no,
            f"办件 {case_no} 已全部办结（综合反馈）",
            papers,
            self.runner,
            self.rt.settings.cases.a4_printer,
            self,
        )
        dialog.show()
        self.completion_dialog = dialog

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(user_message(exc))
