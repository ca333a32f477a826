"""The one set of materials (一套材料): one row per distinct material across the items,
each received / from shared data / 容缺 with a promised date / not needed / missing.

Made for the keyboard (Ctrl+M comes here): arrows move between rows, keys 1–5 set
the five statuses, Space steps to the next allowed one, Enter on a 容缺 row edits
its promised date, typed in one go (20261201 or 2026-12-01); Tab leaves the table.
The promised date exists only on 容缺 rows and never past the latest date allowed
(the earliest due date of the items that need the material)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.application import MaterialDecision, MaterialStatus
from counter_app.domain.catalogue import MergedMaterial
from ui.panels.date_text import HINT, DateTextError, parse_date
from ui.panels.table_model import Column, Fit, RowModel, RowTable
from ui.style import ACCENT, BAD, MUTED, OK, WARN

# Keys 1–5, the same on every row (a status a material cannot take is refused).
STATUS_KEYS = (
    MaterialStatus.RECEIVED,
    MaterialStatus.SHARED,
    MaterialStatus.TOLERATED,
    MaterialStatus.NOT_NEEDED,
    MaterialStatus.MISSING,
)
# Only glyphs the shipped fonts hold: ⌛ U+231B is in neither and drew an empty box;
# ◔ (a clock face a quarter gone) stands for "owed, with a date".
SYMBOLS = {
    MaterialStatus.RECEIVED: "✔ 已收取",
    MaterialStatus.SHARED: "☁ 共享获取",
    MaterialStatus.TOLERATED: "◔ 容缺",
    MaterialStatus.NOT_NEEDED: "— 无需提供",
    MaterialStatus.MISSING: "✗ 未提供",
}
STATUS_COLOURS = {
    MaterialStatus.RECEIVED: OK,
    MaterialStatus.SHARED: ACCENT,
    MaterialStatus.TOLERATED: WARN,
    MaterialStatus.NOT_NEEDED: MUTED,
    MaterialStatus.MISSING: BAD,
}
KEYS_HINT = ("按键 1 已收取 · 2 共享获取 · 3 容缺 · 4 无需提供 · 5 未提供 · 空格 换一种 · "
             "Enter 承诺日期")
TITLE = "材料（一套材料）Ctrl+M　按 1–5 改状态，容缺按 Enter 填承诺日期"
STATUS_COLUMN, DATE_COLUMN = 2, 3
DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 6)}


@dataclass(frozen=True)
class MaterialLine:
    """One row: the material, what it may be, what the teller chose."""

    merged: MergedMaterial
    allowed: tuple[MaterialStatus, ...]
    status: MaterialStatus
    promised: date  # used only when 容缺; starts at `latest`
    latest: date  # the last date a 容缺 promise may name

    @property
    def code(self) -> str:
        return self.merged.code

    @property
    def tolerated(self) -> bool:
        return self.status is MaterialStatus.TOLERATED

    @property
    def decision(self) -> MaterialDecision:
        return MaterialDecision(self.status, self.promised if self.tolerated else None)


def _name(line: MaterialLine) -> str:
    if line.merged.exempt_reason:  # a situation answer exempts it: say so, not "如有"
        return line.merged.material.name + "（免予提交）"
    return line.merged.material.name + ("" if line.merged.required else "（如有）")


def _name_tip(line: MaterialLine) -> str:
    standard = line.merged.material.standard
    if line.merged.exempt_reason:
        return f"{standard}\n免予提交：{line.merged.exempt_reason}（印在回执上）".strip()
    return standard


def _date_tip(line: MaterialLine) -> str | None:
    if not line.tolerated:
        return None
    return f"最晚 {line.latest.isoformat()}（相关事项的办结期限）；Enter 修改，{HINT}"


COLUMNS: list[Column[MaterialLine]] = [
    Column("材料", _name, tooltip=_name_tip, fit=Fit.STRETCH),
    Column("要求", lambda m: f"{m.merged.form.label} {m.merged.count}份"),
    Column("状态", lambda m: SYMBOLS[m.status], colour=lambda m: STATUS_COLOURS[m.status],
           header_tip=KEYS_HINT),
    Column("承诺补交日期", lambda m: m.promised.isoformat() if m.tolerated else "",
           colour=lambda m: WARN, tooltip=_date_tip,
           header_tip=f"仅容缺材料：Enter 后输入日期，{HINT}；不得晚于办结期限"),
]


class MaterialsModel(RowModel[MaterialLine]):
    """The rows, editable in two places: the status, and the date of a 容缺 row."""

    refused = Signal(str)  # why an edit was not taken (Chinese, for the teller)
    edited = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, key=lambda m: m.code, parent=parent)
        self.today = date.today()

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        column = index.column()
        if column == STATUS_COLUMN or (column == DATE_COLUMN and self.row(index.row()).tolerated):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.EditRole:
            line = self.row(index.row())
            return line.status if index.column() == STATUS_COLUMN else line.promised.isoformat()
        return super().data(index, role)

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        try:
            if index.column() == STATUS_COLUMN:
                self.set_status(index.row(), MaterialStatus(value))
            elif index.column() == DATE_COLUMN:
                self.set_promised(index.row(), value)
            else:
                return False
        except ValueError as exc:
            self.refused.emit(str(exc))
            return False
        return True

    # -- the two edits, with their rules ---------------------------------------------------
    def set_status(self, position: int, status: MaterialStatus) -> None:
        line = self.row(position)
        if status not in line.allowed:
            raise ValueError(_not_allowed(line, status))
        if status is not line.status:
            self.replace_row(position, replace(line, status=status))
            self.edited.emit()

    def promise(self, position: int, value: date | str) -> date:
        """The promised date this value gives the row; ValueError says why not."""
        line = self.row(position)
        if not line.tolerated:
            raise ValueError(f"“{line.merged.material.name}”不是容缺，无需承诺补交日期")
        promised = value if isinstance(value, date) else parse_date(value, self.today)
        if promised < self.today:
            raise DateTextError(f"承诺补交日期不能早于今天（{self.today.isoformat()}）")
        if promised > line.latest:
            raise DateTextError(
                f"承诺补交日期不能晚于 {line.latest.isoformat()}（相关事项的办结期限），"
                f"未采用 {promised.isoformat()}"
            )
        return promised

    def set_promised(self, position: int, value: date | str) -> None:
        line = self.row(position)
        promised = self.promise(position, value)
        if promised != line.promised:
            self.replace_row(position, replace(line, promised=promised))
            self.edited.emit()


def _not_allowed(line: MaterialLine, status: MaterialStatus) -> str:
    name = line.merged.material.name
    if status is MaterialStatus.TOLERATED:
        return f"“{name}”是主要材料，不能容缺"
    if status is MaterialStatus.SHARED:
        return f"“{name}”不能通过共享获取"
    if status is MaterialStatus.NOT_NEEDED and line.merged.required:
        # the core's rule (issue 10): no free reason makes a required material not
        # needed; only a situation answer of the catalogue exempts it, and then the
        # material is no longer required and the exemption is printed
        return f"“{name}”是必须提交的材料，不能选“无需提供”；缺少时按 3 容缺 或 5 未提供"
    return f"“{name}”不能设为{status.label}"


class _Delegate(QStyledItemDelegate):
    """A list of the allowed statuses (mouse: double-click; keys: Enter), a line for
    the promised date. A date that is wrong keeps its editor open with the reason."""

    def __init__(self, table: MaterialsTable) -> None:
        super().__init__(table)
        self.table = table

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        line = self.table.row_model.row(index.row())
        if index.column() == STATUS_COLUMN:
            combo = QComboBox(parent)
            for status in line.allowed:  # each with its key: a digit chooses it here too
                combo.addItem(f"{STATUS_KEYS.index(status) + 1} {SYMBOLS[status]}", status)
            combo.activated.connect(lambda _i, c=combo: self._chosen(c))
            return combo
        edit = QLineEdit(parent)
        edit.setPlaceholderText("20261201")
        edit.setMaxLength(16)
        return edit

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                             index: QModelIndex | QPersistentModelIndex) -> None:
        """The list of statuses as wide as its longest entry ("2 ☁ 共享获取" and the
        arrow), over the date cell beside it if need be, never cut."""
        rect = option.rect  # type: ignore[attr-defined]
        if isinstance(editor, QComboBox):
            rect = rect.adjusted(0, 0, max(0, editor.sizeHint().width() - rect.width()), 0)
        editor.setGeometry(rect)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex  # noqa: N802
                      ) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QLineEdit):
            editor.setText(value)
            editor.selectAll()  # typing replaces the date at once

    def setModelData(self, editor: QWidget, model: Any,  # noqa: N802
                     index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData())
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text())

    def _chosen(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QAbstractItemDelegate.EndEditHint.NoHint)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802
        if isinstance(editor, QComboBox) and isinstance(event, QKeyEvent) \
                and event.type() == QEvent.Type.KeyPress and event.key() in DIGITS:
            # 1–5 in the open list: the same statuses as in the table; one the material
            # cannot take is refused with the reason and the list stays open
            status = STATUS_KEYS[DIGITS[Qt.Key(event.key())] - 1]
            found = editor.findData(status)
            if found < 0:
                line = self.table.row_model.row(self.table.currentIndex().row())
                self.table.materials_model.refused.emit(_not_allowed(line, status))
                return True
            editor.setCurrentIndex(found)
            self._chosen(editor)
            return True
        if isinstance(editor, QLineEdit) and isinstance(event, QKeyEvent) \
                and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                if not self.table.check_date(editor.text()):
                    return True  # stays open; the reason shows under the table
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                    self.table.leave(forward=key == Qt.Key.Key_Tab)
                return True
        return super().eventFilter(editor, event)


class MaterialsTable(RowTable[MaterialLine]):
    def __init__(self, model: MaterialsModel) -> None:
        super().__init__(model)
        self.materials_model = model
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setItemDelegate(_Delegate(self))
        self.setAlternatingRowColors(True)
        self.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        index = self.currentIndex()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if not index.isValid() or mods != Qt.KeyboardModifier.NoModifier:
            super().keyPressEvent(event)
            return
        key = Qt.Key(event.key())
        row = index.row()
        if key in DIGITS:
            self._status(row, STATUS_KEYS[DIGITS[key] - 1])
        elif key == Qt.Key.Key_Space:
            line = self.row_model.row(row)
            allowed = line.allowed
            self._status(row, allowed[(allowed.index(line.status) + 1) % len(allowed)])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            column = DATE_COLUMN if self.row_model.row(row).tolerated else STATUS_COLUMN
            target = self.row_model.index(row, column)
            self.setCurrentIndex(target)
            self.edit(target)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        """Reached by Tab as well as by Ctrl+M: the cursor on a status at once, so a
        digit or Enter (the list of statuses) works without an arrow first."""
        if self.row_model.rowCount() and not self.currentIndex().isValid():
            self.setCurrentIndex(self.row_model.index(0, STATUS_COLUMN))
        super().focusInEvent(event)

    def _status(self, row: int, status: MaterialStatus) -> None:
        self.model().setData(self.row_model.index(row, STATUS_COLUMN), status)

    def check_date(self, text: str) -> bool:
        """Would this text be taken as the current row's promised date? (Says why not.)"""
        model = self.materials_model
        try:
            model.promise(self.currentIndex().row(), text)
        except ValueError as exc:
            model.refused.emit(str(exc))
            return False
        return True

    def leave(self, forward: bool = True) -> None:
        self.focusNextPrevChild(forward)  # tab key navigation is off: out of the table


class MaterialsPanel(QGroupBox):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(TITLE, parent)
        self.setToolTip(KEYS_HINT)
        layout = QVBoxLayout(self)
        self.model = MaterialsModel(self)
        self.table = MaterialsTable(self.model)
        layout.addWidget(self.table)
        self.message = QLabel("")
        self.message.setObjectName("error")
        # one line, always there: a label that appears or wraps grows the panel after the
        # scroll area placed it, and ends up below the fold
        self.message.setFixedHeight(self.message.fontMetrics().height() + 4)
        # nor may a long reason widen the panel (the centre would scroll sideways and
        # the table's status column leave the view): clipped, whole in the tooltip
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.message)
        self.model.refused.connect(self._refused)
        self.model.edited.connect(self._edited)
        self.table.selectionModel().currentChanged.connect(self._cursor_moved)

    @property
    def materials(self) -> list[MergedMaterial]:
        return [line.merged for line in self.model.rows]

    def set_materials(
        self, materials: list[MergedMaterial], latest: dict[str, date], today: date
    ) -> None:
        """`latest`: per material code, the last date a 容缺 promise may name. What the
        teller chose for a material still in the set is kept."""
        kept = {line.code: line for line in self.model.rows}
        self.model.today = today
        lines = []
        for merged in materials:
            allowed = tuple(self._allowed(merged))
            limit = latest.get(merged.code, today)
            before = kept.get(merged.code)
            status = before.status if before and before.status in allowed else self._default(
                merged)
            promised = before.promised if before and today <= before.promised <= limit \
                else limit
            lines.append(MaterialLine(merged, allowed, status, promised, limit))
        self.table.set_rows(lines)
        self.table.setMinimumHeight(self._height(min(len(lines), 8)))
        self._say("")
        self.changed.emit()

    @staticmethod
    def _allowed(merged: MergedMaterial) -> list[MaterialStatus]:
        allowed = [MaterialStatus.RECEIVED]
        if merged.shareable:
            allowed.append(MaterialStatus.SHARED)
        if merged.tolerable:
            allowed.append(MaterialStatus.TOLERATED)
        if not merged.required:  # optional, or exempted by a situation answer
            allowed.append(MaterialStatus.NOT_NEEDED)
        allowed.append(MaterialStatus.MISSING)
        return allowed

    @staticmethod
    def _default(merged: MergedMaterial) -> MaterialStatus:
        if not merged.required:
            return MaterialStatus.NOT_NEEDED
        return MaterialStatus.SHARED if merged.shareable else MaterialStatus.RECEIVED

    def set_status(self, code: str, status: MaterialStatus, promised: date | None = None) -> None:
        position = self.model.find(code)
        if position < 0:
            raise KeyError(code)
        self.model.set_status(position, status)
        if promised is not None:
            self.model.set_promised(position, promised)

    def decisions(self) -> dict[str, MaterialDecision]:
        return {line.code: line.decision for line in self.model.rows}

    def has(self, status: MaterialStatus) -> bool:
        return any(line.status is status for line in self.model.rows)

    # -- keyboard ----------------------------------------------------------------------------
    def focus_table(self) -> None:
        """Ctrl+M: the cursor on the status of a material, and the table in view."""
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, STATUS_COLUMN))
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._reveal()

    def _cursor_moved(self, *_: object) -> None:
        if self.table.hasFocus():  # a refresh while the teller is elsewhere stays put
            self._reveal()

    def _reveal(self, widget: QWidget | None = None) -> None:
        """Scroll the enclosing scroll area (the centre of the workstation) so that the
        table's header and the current row (or `widget`) show."""
        scroll = self._scroll_area()
        if scroll is None or scroll.widget() is None:
            return
        if widget is not None:
            scroll.ensureWidgetVisible(widget, 0, 4)
            return
        scroll.ensureWidgetVisible(self, 0, 0)
        index = self.table.currentIndex()
        if index.isValid():
            rect = self.table.visualRect(index)
            centre = self.table.viewport().mapTo(scroll.widget(), rect.center())
            scroll.ensureVisible(centre.x(), centre.y(), 0, rect.height())

    def _scroll_area(self) -> QScrollArea | None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        return parent

    def _height(self, rows: int) -> int:
        header = self.table.horizontalHeader().sizeHint().height()
        row = self.table.verticalHeader().defaultSectionSize()
        return header + row * max(rows, 3) + 2 * self.table.frameWidth() + 2

    def _refused(self, reason: str) -> None:
        self._say(reason)

    def _edited(self) -> None:
        self.table.fit_columns()  # 共享获取 is wider than 容缺
        self._say("")
        self.changed.emit()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setToolTip(text)
        if text:
            self._reveal(self.message)
