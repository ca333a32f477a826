"""The back-office worklist (拆包分办): the split sub-items of accepted cases with
their deadlines; mark done or return with a reason; print the completion notice
when the whole case is complete (综合反馈)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
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
from ui.style import SLA_COLOURS

COLUMNS = ["办件编号", "事项", "责任单位", "申请人", "受理时间", "办结期限", "时限"]


class BackOfficeWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rt, self.user = ctx.rt, ctx.actor
        rt, user = self.rt, self.user
        self.runner = TaskRunner(self)
        self.rows: list[caseviews.WorkRow] = []
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
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
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
        unit = self.unit.currentData()
        self.ctx.call(lambda rt: backoffice.work_list(rt, unit), self.show_rows,
                      runner=self.runner)

    def show_rows(self, rows: list[caseviews.WorkRow]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = [
                row.case_no,
                row.item_name,
                row.unit_name,
                f"{row.applicant} {row.applicant_id}",
                row.accepted_at,
                row.due_date.isoformat() if row.due_date else "",
                row.sla_text,
            ]
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, row.item_id)
                if c == 6:
                    cell.setForeground(QBrush(QColor(SLA_COLOURS[row.sla.value])))
                self.table.setItem(r, c, cell)
        overdue = sum(1 for r in rows if r.sla.value == "overdue")
        soon = sum(1 for r in rows if r.sla.value == "due_soon")
        self.summary.setText(f"  待办 {len(rows)}  即将到期 {soon}  逾期 {overdue}")
        if rows and self.table.currentRow() < 0:
            self.table.selectRow(0)

    def selected(self) -> caseviews.WorkRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

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
        self.refresh()
        if changed.status == "complete":
            self.message.setText(f"办件 {case_no} 已全部办结，正在生成办结通知…")
            self.ctx.call(
                lambda rt: cases.write_case_papers(rt, case_no, ("completion",)),
                lambda out: self._show_completion(case_no, out.papers),
                self._failed, runner=self.runner,
            )
        else:
            self.message.setText(f"已更新 {case_no}")

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
