"""Today's and open cases with their clocks: 即办 minutes, 承诺 working days,
overdue in red. Refreshed in the background every 30 s and after each submit; the
teller's selection stays on the same case across refreshes (rows are re-sorted by
urgency, so a position would point at another case). Enter opens its papers."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from counter_app.services.caseviews import CaseRow
from ui.panels.table_model import Column, Fit, RowTable
from ui.style import SLA_COLOURS


def _tip(row: CaseRow) -> str:
    return (f"{row.case_no}\n{row.title}\n{row.applicant} {row.applicant_id}\n"
            f"受理 {row.accepted_at}  {row.status_label}\nEnter 或双击：打开文书")


COLUMNS: list[Column[CaseRow]] = [
    Column("办件", lambda r: f"…{r.case_no[-8:]}", tooltip=_tip),
    Column("业务", lambda r: r.title, tooltip=_tip, fit=Fit.STRETCH),
    Column("时限", lambda r: r.sla_text or r.status_label, tooltip=_tip,
           colour=lambda r: SLA_COLOURS[r.sla.value]),
]


class CasesPanel(QGroupBox):
    case_opened = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("今日办件", parent)
        layout = QVBoxLayout(self)
        self.summary = QLabel("")
        layout.addWidget(self.summary)
        self.table: RowTable[CaseRow] = RowTable(COLUMNS, key=lambda r: r.case_no)
        self.table.activated.connect(self._open)
        layout.addWidget(self.table)

    @property
    def rows(self) -> list[CaseRow]:
        return self.table.rows

    def show_rows(self, rows: list[CaseRow]) -> None:
        self.table.set_rows(rows)
        overdue = sum(1 for r in rows if r.sla.value == "overdue")
        soon = sum(1 for r in rows if r.sla.value == "due_soon")
        self.summary.setText(f"共 {len(rows)} 件  即将到期 {soon}  逾期 {overdue}")

    def _open(self, index: QModelIndex) -> None:
        self.case_opened.emit(self.table.row_model.row(index.row()).case_no)
