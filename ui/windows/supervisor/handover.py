"""交接班: one line per teller of the day, with the formulas under the table."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from counter_app.services import reports
from ui.panels.table_model import CENTRE, Column, Fit
from ui.style import MUTED
from ui.windows.supervisor.common import bad_if, minutes, table


def _teller(title: str, text, colour=None, *, centre: bool = True,  # type: ignore[no-untyped-def]
            tip: str = "") -> Column:
    return Column(title, text, colour=colour, align=CENTRE if centre else None, fit=Fit.STRETCH,
                  header_tip=tip)


HANDOVER_COLUMNS: list[Column[reports.TellerLine]] = [
    _teller("柜员", lambda t: t.name, centre=False),
    _teller("工号", lambda t: t.staff_no, centre=False),
    _teller("窗口", lambda t: t.windows or "—"),
    _teller("服务次数", lambda t: str(t.visits)),
    _teller("办理号票", lambda t: str(t.tickets_done)),
    _teller("受理办件", lambda t: str(t.cases)),
    _teller("已评价", lambda t: str(t.rated)),
    _teller("未评价", lambda t: str(t.not_rated)),
    _teller("参评率", lambda t: t.participation.percent_text),
    _teller("好评", lambda t: str(t.good)),
    _teller("差评", lambda t: str(t.bad), lambda t: bad_if(t.bad)),
    _teller("待办工单", lambda t: str(t.followups_open), lambda t: bad_if(t.followups_open),
            tip="本人未办结的差评工单（全部日期）"),
    _teller("平均办理", lambda t: minutes(t.service.mean)),
    _teller("首笔", lambda t: t.first_at or "—"),
    _teller("末笔", lambda t: t.last_at or "—"),
]


class HandoverTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.table = table(HANDOVER_COLUMNS, key=lambda t: (t.teller_id, t.staff_no))
        self.note = QLabel("")
        self.note.setStyleSheet(f"color: {MUTED};")
        self.note.setWordWrap(True)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)

    def show_summary(self, s: reports.ShiftSummary) -> None:
        self.table.set_rows(s.tellers)
        self.note.setText("　".join(s.formulas[:2]))
