"""One refresh of the back-office worklist: model/view next to the QTableWidget fill
it replaced, on the same rows, in the same run, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_lists.py [--rows 3000] [--runs 20]

Baseline: the old `show_rows` (setRowCount, then one QTableWidgetItem with its data
and colour per cell). Now: `RowTable.set_rows` (one model reset; the view asks for
the cells it paints). Both include the repaint that follows. Also counted: the
Python→Qt calls each refresh makes (on the broken PySide6 6.12.0 / CPython 3.11
binding every void one lost a reference to None). The old fill's are nearly all void
(setItem, setData, setForeground); the model's are mostly QModelIndex.row()/column()
reads inside data() while the fitted columns measure 30 rows, and do not grow with
the row count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QBrush, QColor  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
)

from tests.ui.generated_rows import work_rows  # noqa: E402
from ui.fonts import apply_app_font  # noqa: E402
from ui.panels.table_model import RowTable  # noqa: E402
from ui.style import SLA_COLOURS  # noqa: E402
from ui.windows.backoffice import COLUMNS  # noqa: E402

TITLES = [c.title for c in COLUMNS]


class OldList:
    """The worklist as it was: a QTableWidget filled cell by cell."""

    def __init__(self) -> None:
        self.table = QTableWidget(0, len(TITLES))
        self.table.setHorizontalHeaderLabels(TITLES)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def show_rows(self, rows) -> None:  # type: ignore[no-untyped-def]
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = [row.case_no, row.item_name, row.unit_name,
                     f"{row.applicant} {row.applicant_id}", row.accepted_at,
                     row.due_date.isoformat() if row.due_date else "", row.sla_text]
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, row.item_id)
                if c == 6:
                    cell.setForeground(QBrush(QColor(SLA_COLOURS[row.sla.value])))
                self.table.setItem(r, c, cell)


def qt_calls(show, rows) -> int:  # type: ignore[no-untyped-def]
    """Calls from Python into Qt (methods and constructors of PySide6 classes)."""
    count = 0

    def profile(_frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal count
        if event == "c_call":
            owner = getattr(arg, "__self__", None)
            module = getattr(owner if isinstance(owner, type) else type(owner), "__module__", "")
            if module.startswith(("PySide6", "shiboken6")):
                count += 1

    sys.setprofile(profile)
    try:
        show(rows)
    finally:
        sys.setprofile(None)
    return count


def timed(app: QApplication, show, variants, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for i in range(runs):
        rows = variants[i % len(variants)]
        start = time.perf_counter()
        show(rows)
        app.processEvents()  # the repaint
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)

    app = QApplication.instance() or QApplication([])
    apply_app_font(app)
    variants = [work_rows(args.rows, i) for i in range(4)]

    old = OldList()
    new: RowTable = RowTable(COLUMNS, key=lambda r: r.item_id, select_first=True)
    for table in (old.table, new):
        table.resize(1340, 640)
        table.show()
    app.processEvents()
    timed(app, old.show_rows, variants, 2)  # warm-up
    timed(app, new.set_rows, variants, 2)
    before = timed(app, old.show_rows, variants, args.runs)
    after = timed(app, new.set_rows, variants, args.runs)
    b, a = statistics.median(before) * 1000, statistics.median(after) * 1000
    old_calls = qt_calls(old.show_rows, variants[1])
    new_calls = qt_calls(new.set_rows, variants[2])
    print(f"{args.rows} rows, median of {args.runs} refreshes with repaint:")
    print(f"  QTableWidget fill (baseline): {b:8.1f} ms   {old_calls:7,} Python→Qt calls")
    print(f"  model/view set_rows:          {a:8.1f} ms   {new_calls:7,} Python→Qt calls")
    print(f"  ratio baseline / model-view:  {b / a:8.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
