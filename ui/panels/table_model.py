"""Model/view for the big lists (back office, supervisor, cases, materials).

A `QTableWidget` makes one `QTableWidgetItem` and several Python→Qt calls per cell on
every refresh: 3,000 rows × 7 columns is ~20,000 items and ~60,000 calls each time.
Here the rows stay the plain dataclasses the core returns; the view asks for the
few cells it paints. Columns are declared once (title, text, colour, alignment);
`RowTable.set_rows` swaps the rows in one model reset and keeps the cursor on the
same row (by key) across refreshes, so a refresh never moves a teller's selection.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

# plain ints: data() runs for every painted cell and role, int == int is the cheap test
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ROW_ROLE = int(Qt.ItemDataRole.UserRole)  # the row's dataclass itself
CENTRE = Qt.AlignmentFlag.AlignCenter
# How many rows a fitted column measures (the visible ones first). Qt's own
# ResizeToContents measured 1,000 rows on every refresh: 80 ms for 3,000 rows.
FIT_ROWS = 30


@lru_cache(maxsize=64)
def colour(hex_code: str) -> QColor:
    return QColor(hex_code)


class Fit(Enum):
    """How a column takes its width."""

    CONTENTS = "contents"  # as wide as the rows in view need, growing only (no jitter)
    STRETCH = "stretch"  # takes the spare width
    FREE = "free"  # the user's


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: its title and how a row shows in it."""

    title: str
    text: Callable[[R], str]
    colour: Callable[[R], str | None] | None = None  # foreground, "#rrggbb"
    align: Qt.AlignmentFlag | None = None
    tooltip: Callable[[R], str] | None = None
    fit: Fit = Fit.CONTENTS
    header_tip: str = ""


class RowModel(QAbstractTableModel, Generic[R]):
    """Read-only rows of dataclasses under declared columns."""

    def __init__(
        self,
        columns: Sequence[Column[R]],
        key: Callable[[R], Hashable] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.key = key
        self._rows: list[R] = []
        self._positions: dict[Hashable, int] | None = None

    # -- the rows -------------------------------------------------------------------
    @property
    def rows(self) -> list[R]:
        return self._rows

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._positions = None
        self.endResetModel()

    def replace_row(self, position: int, row: R) -> None:
        """One row changed in place (same key): repaint it, keep the cursor."""
        self._rows[position] = row
        self._positions = None
        self.dataChanged.emit(
            self.index(position, 0), self.index(position, len(self.columns) - 1)
        )

    def row(self, position: int) -> R:
        return self._rows[position]

    def find(self, key: Hashable) -> int:
        """The position of the row with this key, or -1."""
        if self.key is None:
            return -1
        if self._positions is None:
            self._positions = {}
            for i, row in enumerate(self._rows):
                self._positions.setdefault(self.key(row), i)
        return self._positions.get(key, -1)

    def text(self, position: int, column: int) -> str:
        """The text shown in a cell (what a user reads)."""
        return self.columns[column].text(self._rows[position])

    # -- Qt -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        row = self._rows[index.row()]
        col = self.columns[index.column()]
        if role == DISPLAY:
            return col.text(row)
        if role == FOREGROUND:
            hex_code = col.colour(row) if col.colour is not None else None
            return colour(hex_code) if hex_code else None
        if role == ALIGNMENT:
            return col.align
        if role == TOOLTIP:
            return col.tooltip(row) if col.tooltip is not None else None
        if role == ROW_ROLE:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == DISPLAY:
            return self.columns[section].title
        if role == TOOLTIP:
            return self.columns[section].header_tip or None
        return None


class RowTable(QTableView, Generic[R]):
    """A read-only table of rows: one row selected at a time, kept across refreshes.

    `current_changed` carries the row under the cursor when the user moves it (not
    when a refresh keeps it where it was); None when the row vanished."""

    current_changed = Signal(object)

    def __init__(
        self,
        columns: Sequence[Column[R]] | RowModel[R],
        key: Callable[[R], Hashable] | None = None,
        *,
        select_first: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.row_model: RowModel[R] = (
            columns if isinstance(columns, RowModel) else RowModel(columns, key, self)
        )
        self.select_first = select_first
        self._quiet = False
        self.setModel(self.row_model)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside
        header = self.horizontalHeader()
        header.setResizeContentsPrecision(FIT_ROWS)
        header.setHighlightSections(False)
        self._fitted: list[int] = []
        self._fitted_once = False
        for c, column in enumerate(self.row_model.columns):
            stretch = column.fit is Fit.STRETCH
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if stretch
                                        else QHeaderView.ResizeMode.Interactive)
            if column.fit is Fit.CONTENTS:
                self._fitted.append(c)
        self.selectionModel().currentRowChanged.connect(self._current_moved)

    @property
    def rows(self) -> list[R]:
        return self.row_model.rows

    def current(self) -> R | None:
        """The selected row (the one the keys act on), or None."""
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row()):
            return None
        return self.row_model.row(index.row())

    def set_rows(self, rows: Sequence[R]) -> None:
        """New rows; the cursor stays on the row with the same key, at the same height
        on screen. If that row is gone, nothing is selected (never another row)."""
        model = self.row_model
        was_empty = model.rowCount() == 0
        before = self.current()
        index = self.currentIndex()
        column = max(0, index.column())
        top = self.verticalScrollBar().value()
        offset = index.row() - top if index.isValid() else 0
        old_key = model.key(before) if before is not None and model.key else None
        self._quiet = True
        try:
            model.set_rows(rows)
            self.executeDelayedItemsLayout()  # scroll range for the new rows, now
            position = model.find(old_key) if old_key is not None else -1
            if position >= 0:
                self._put_cursor(position, column)
                self.verticalScrollBar().setValue(max(0, position - offset))
            else:
                self.verticalScrollBar().setValue(top)
        finally:
            self._quiet = False
        self.fit_columns()
        if old_key is not None and position < 0:
            self.current_changed.emit(None)
        elif old_key is None and was_empty and self.select_first and rows:
            self._put_cursor(0, 0)

    def fit_columns(self) -> None:
        """Fit the fitted columns to the first rows shown, then only ever widen them to
        what the rows in view need, so that columns stand still between refreshes."""
        if not self.row_model.rowCount():
            return
        header = self.horizontalHeader()
        for c in self._fitted:
            wanted = max(self.sizeHintForColumn(c), header.sectionSizeHint(c))
            if not self._fitted_once or wanted > header.sectionSize(c):
                header.resizeSection(c, wanted)
        self._fitted_once = True

    def select_key(self, key: Hashable, *, quiet: bool = False) -> R | None:
        """Put the cursor on the row with this key; returns it (None if absent)."""
        position = self.row_model.find(key)
        if position < 0:
            return None
        self._quiet = quiet
        try:
            self._put_cursor(position, max(0, self.currentIndex().column()))
        finally:
            self._quiet = False
        return self.row_model.row(position)

    def _put_cursor(self, position: int, column: int) -> None:
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.selectionModel().setCurrentIndex(self.row_model.index(position, column), flags)

    def _current_moved(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet:
            return
        self.current_changed.emit(self.row_model.row(current.row()) if current.isValid()
                                  else None)
