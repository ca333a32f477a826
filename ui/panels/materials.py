"""The one set of materials (一套材料): one row per distinct material across the items,
each received / from shared data / 容缺 with a promised date / not needed / missing."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.application import MaterialDecision, MaterialStatus
from counter_app.domain.catalogue import MergedMaterial

COLUMNS = ["材料", "要求", "状态", "承诺补交日期"]
SYMBOLS = {
    MaterialStatus.RECEIVED: "✔ 已收取",
    MaterialStatus.SHARED: "☁ 共享获取",
    MaterialStatus.TOLERATED: "⌛ 容缺",
    MaterialStatus.NOT_NEEDED: "— 无需提供",
    MaterialStatus.MISSING: "✗ 未提供",
}


class MaterialsPanel(QGroupBox):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("材料（一套材料）", parent)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        self.materials: list[MergedMaterial] = []
        self._latest: dict[str, date] = {}

    def set_materials(
        self, materials: list[MergedMaterial], latest: dict[str, date], today: date
    ) -> None:
        """`latest`: per material code, the last date a 容缺 promise may name."""
        kept = {m.code: d for m, d in zip(self.materials, self._decisions(), strict=False)}
        self.materials = materials
        self._latest = latest
        self.table.setRowCount(len(materials))
        for row, merged in enumerate(materials):
            name = merged.material.name + ("" if merged.required else "（如有）")
            self.table.setItem(row, 0, QTableWidgetItem(name))
            self.table.item(row, 0).setToolTip(merged.material.standard)
            self.table.setItem(row, 1, QTableWidgetItem(f"{merged.form.label} {merged.count}份"))
            combo = QComboBox()
            for status in self._allowed(merged):
                combo.addItem(SYMBOLS[status], status)
            default = kept.get(merged.code)
            status = default.status if default else self._default(merged)
            combo.setCurrentIndex(max(0, combo.findData(status)))
            combo.currentIndexChanged.connect(lambda _i, r=row: self._on_status(r))
            self.table.setCellWidget(row, 2, combo)
            promised = QDateEdit()
            promised.setCalendarPopup(True)
            promised.setDisplayFormat("yyyy-MM-dd")
            promised.setMinimumDate(QDate(today.year, today.month, today.day))
            limit = latest.get(merged.code)
            if limit is not None:
                promised.setMaximumDate(QDate(limit.year, limit.month, limit.day))
                promised.setDate(promised.maximumDate())
            promised.dateChanged.connect(self.changed)
            self.table.setCellWidget(row, 3, promised)
            self._on_status(row, emit=False)
        self.changed.emit()

    @staticmethod
    def _allowed(merged: MergedMaterial) -> list[MaterialStatus]:
        allowed = [MaterialStatus.RECEIVED]
        if merged.shareable:
            allowed.append(MaterialStatus.SHARED)
        if merged.tolerable:
            allowed.append(MaterialStatus.TOLERATED)
        allowed += [MaterialStatus.NOT_NEEDED, MaterialStatus.MISSING]
        return allowed

    @staticmethod
    def _default(merged: MergedMaterial) -> MaterialStatus:
        if not merged.required:
            return MaterialStatus.NOT_NEEDED
        return MaterialStatus.SHARED if merged.shareable else MaterialStatus.RECEIVED

    def _on_status(self, row: int, emit: bool = True) -> None:
        combo = self.table.cellWidget(row, 2)
        promised = self.table.cellWidget(row, 3)
        tolerated = combo.currentData() == MaterialStatus.TOLERATED
        promised.setEnabled(tolerated)
        promised.setVisible(tolerated)
        if emit:
            self.changed.emit()

    def set_status(self, code: str, status: MaterialStatus, promised: date | None = None) -> None:
        for row, merged in enumerate(self.materials):
            if merged.code == code:
                combo: QComboBox = self.table.cellWidget(row, 2)
                index = combo.findData(status)
                if index < 0:
                    raise ValueError(f"{merged.material.name} cannot be {status}")
                combo.setCurrentIndex(index)
                if promised is not None:
                    self.table.cellWidget(row, 3).setDate(
                        QDate(promised.year, promised.month, promised.day)
                    )
                return
        raise KeyError(code)

    def _decisions(self) -> list[MaterialDecision]:
        result = []
        for row in range(self.table.rowCount()):
            combo = self.table.cellWidget(row, 2)
            status = MaterialStatus(combo.currentData())
            promised = None
            if status is MaterialStatus.TOLERATED:
                qd = self.table.cellWidget(row, 3).date()
                promised = date(qd.year(), qd.month(), qd.day())
            result.append(MaterialDecision(status, promised))
        return result

    def decisions(self) -> dict[str, MaterialDecision]:
        return {m.code: d for m, d in zip(self.materials, self._decisions(), strict=True)}

    def has(self, status: MaterialStatus) -> bool:
        return any(d.status is status for d in self._decisions())
