"""Today's and open cases with their clocks: 即办 minutes, 承诺 working days,
overdue in red. Refreshed in the background every 30 s and after each submit."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.caseviews import CaseRow
from ui.style import SLA_COLOURS

COLUMNS = ["办件", "业务", "时限"]


class CasesPanel(QGroupBox):
    case_opened = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("今日办件", parent)
        layout = QVBoxLayout(self)
        self.summary = QLabel("")
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(False)
        self.table.itemActivated.connect(self._open)
        layout.addWidget(self.table)
        self.rows: list[CaseRow] = []

    def show_rows(self, rows: list[CaseRow]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            short = f"…{row.case_no[-8:]}"
            cells = [short, row.title, row.sla_text or row.status_label]
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(
                    f"{row.case_no}\n{row.title}\n{row.applicant} {row.applicant_id}\n"
                    f"受理 {row.accepted_at}  {row.status_label}"
                )
                cell.setData(Qt.ItemDataRole.UserRole, row.case_no)
                if c == 2:
                    cell.setForeground(QBrush(QColor(SLA_COLOURS[row.sla.value])))
                self.table.setItem(r, c, cell)
        overdue = sum(1 for r in rows if r.sla.value == "overdue")
        soon = sum(1 for r in rows if r.sla.value == "due_soon")
        self.summary.setText(f"共 {len(rows)} 件  即将到期 {soon}  逾期 {overdue}")

    def _open(self, item: QTableWidgetItem) -> None:
        self.case_opened.emit(item.data(Qt.ItemDataRole.UserRole))
