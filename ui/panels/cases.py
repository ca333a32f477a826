"""The teller's cases in two tabs: 今日办件 (received today at this window) and
未办结旧件 (older cases still open: accepted, returned, or 补正 waiting for
materials), with their clocks (即办 minutes, 承诺 working days), overdue in red.

Refreshed in the background every 30 s and after each submit; the teller's
selection stays on the same case across refreshes (rows are re-sorted by urgency,
so a position would point at another case). Enter or a double-click emits
`case_opened(case_no)`. Ctrl+Tab / Ctrl+PageDown switch the tabs (Qt's own keys).

The case number shows whole (it is what the applicant reads out on the phone); a
person's name is masked (张*: the list faces the teller while the next citizen
stands at the counter), a unit's name is not personal data and shows in full. The
tooltip has everything."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QTabWidget, QVBoxLayout, QWidget

from counter_app.domain.applicant import ApplicantKind
from counter_app.domain.masking import mask_name
from ui.panels.table_model import Column, Fit, RowTable
from ui.style import SLA_COLOURS

if TYPE_CHECKING:  # (the services import SQLAlchemy: not before the window shows)
    from counter_app.services.caseviews import CaseRow

TODAY_TAB, OLDER_TAB = 0, 1
TODAY_TITLE, OLDER_TITLE = "今日办件", "未办结旧件"
LOADING = "正在加载…"


def applicant_shown(row: CaseRow) -> str:
    """张* for a person; a unit's name whole."""
    if row.applicant_kind == ApplicantKind.PERSON.value:
        return mask_name(row.applicant)
    return row.applicant


def _tip(row: CaseRow) -> str:
    lines = [f"办件编号 {row.case_no}", row.title,
             f"申请人 {applicant_shown(row)} {row.applicant_id}",
             f"受理 {row.accepted_at}  {row.status_label}"]
    if row.due_date:
        lines.append(f"办结期限 {row.due_date.isoformat()}（{row.sla_text or row.status_label}）")
    if row.tolerance is not None:
        lines.append(f"容缺：{'、'.join(row.tolerance.materials)} "
                     f"{row.tolerance.due.isoformat()}前补交")
    if row.reason:
        lines.append(row.reason)
    lines.append("Enter 或双击：打开办件")
    return "\n".join(lines)


def _columns() -> list[Column[CaseRow]]:
    """Two columns of two lines each, so that nothing is cut in the narrow right-hand
    pane of the teller window (≈330 px): the number whole over the applicant, the
    clock over the business."""
    return [
        Column("办件编号 / 申请人", lambda r: f"{r.case_no}\n{applicant_shown(r)}",
               tooltip=_tip),
        Column("时限 / 业务", lambda r: f"{r.sla_text or r.status_label}\n{r.title}",
               tooltip=_tip, colour=lambda r: SLA_COLOURS[r.sla.value], fit=Fit.STRETCH),
    ]


class CasesPanel(QGroupBox):
    """`show_rows(rows)` takes the whole list (`desk_cases`) and splits it by
    `CaseRow.of_today`; `rows` gives it back whole. `table` is today's list,
    `older_table` the other."""

    case_opened = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("办件", parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel(LOADING)  # until the first list comes (show_rows)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.table: RowTable[CaseRow] = RowTable(_columns(), key=lambda r: r.case_no)
        self.older_table: RowTable[CaseRow] = RowTable(_columns(), key=lambda r: r.case_no)
        for table, title in ((self.table, TODAY_TITLE), (self.older_table, OLDER_TITLE)):
            table.setAlternatingRowColors(True)
            lines = table.fontMetrics().lineSpacing()
            table.verticalHeader().setDefaultSectionSize(2 * lines + 8)
            table.setTextElideMode(Qt.TextElideMode.ElideRight)
            table.activated.connect(lambda index, t=table: self._open(t, index))
            self.tabs.addTab(table, title)
        layout.addWidget(self.tabs, 1)
        self._rows: list[CaseRow] = []

    @property
    def rows(self) -> list[CaseRow]:
        """Every row of the last list shown (both tabs), in its order."""
        return self._rows

    def show_rows(self, rows: list[CaseRow]) -> None:
        self._rows = rows
        today = [r for r in rows if r.of_today]
        older = [r for r in rows if not r.of_today]
        self.table.set_rows(today)
        self.older_table.set_rows(older)
        self.tabs.setTabText(TODAY_TAB, f"{TODAY_TITLE} {len(today)}")
        self.tabs.setTabText(OLDER_TAB, f"{OLDER_TITLE} {len(older)}")
        overdue = sum(1 for r in rows if r.sla.value == "overdue")
        soon = sum(1 for r in rows if r.sla.value == "due_soon")
        self.summary.setText(f"即将到期 {soon}  逾期 {overdue}")

    def current_table(self) -> RowTable[CaseRow]:
        return self.older_table if self.tabs.currentIndex() == OLDER_TAB else self.table

    def focus_list(self) -> None:
        """For a key of the window (teller.py chooses which): the list of the tab
        shown has the focus, its first row under the cursor if none was."""
        table = self.current_table()
        table.setFocus()
        if table.current() is None and table.rows:
            table.select_key(table.rows[0].case_no)

    def _open(self, table: RowTable[CaseRow], index: QModelIndex) -> None:
        self.case_opened.emit(table.row_model.row(index.row()).case_no)
