"""The one form (一张表单): every field of every item once, prefilled where we can."""

from __future__ import annotations

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from counter_app.domain.catalogue import FieldKind, MergedField


class FormPanel(QGroupBox):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("表单（一张表单）", parent)
        self.form = QFormLayout(self)
        self.widgets: dict[str, QWidget] = {}
        self.fields: list[MergedField] = []

    def set_fields(self, fields: list[MergedField], prefill: dict[str, str]) -> None:
        """Rebuild for a new set of fields, keeping what the teller already typed."""
        kept = self.values()
        while self.form.rowCount():
            self.form.removeRow(0)
        self.widgets.clear()
        self.fields = fields
        for merged in fields:
            spec = merged.field
            widget = self._widget(merged)
            value = kept.get(spec.key) or prefill.get(spec.key, "")
            if value:
                self._set(widget, value)
            label = spec.label + (" *" if merged.required else "")
            self.form.addRow(QLabel(label), widget)
            self.widgets[spec.key] = widget
        self._update_title(prefill)

    def apply_prefill(self, prefill: dict[str, str]) -> None:
        for key, value in prefill.items():
            widget = self.widgets.get(key)
            if widget is not None and value and not self._get(widget):
                self._set(widget, value)
        self._update_title(prefill)

    def _update_title(self, prefill: dict[str, str]) -> None:
        filled = sum(1 for k in self.widgets if prefill.get(k))
        self.setTitle(f"表单（一张表单，已预填 {filled}/{len(self.widgets)}）")

    def _widget(self, merged: MergedField) -> QWidget:
        spec = merged.field
        if spec.kind is FieldKind.CHOICE:
            combo = QComboBox()
            combo.addItem("", "")
            for choice in spec.choices:
                combo.addItem(choice, choice)
            combo.currentIndexChanged.connect(self.changed)
            return combo
        if spec.kind is FieldKind.DATE:
            edit = QDateEdit()
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setSpecialValueText(" ")
            edit.setMinimumDate(QDate(1900, 1, 1))
            edit.setDate(edit.minimumDate())
            edit.dateChanged.connect(self.changed)
            return edit
        edit = QLineEdit()
        if spec.hint:
            edit.setPlaceholderText(spec.hint)
        edit.textChanged.connect(self.changed)
        return edit

    @staticmethod
    def _set(widget: QWidget, value: str) -> None:
        if isinstance(widget, QComboBox):
            index = widget.findData(value)
            widget.setCurrentIndex(index if index >= 0 else 0)
        elif isinstance(widget, QDateEdit):
            widget.setDate(QDate.fromString(value, "yyyy-MM-dd"))
        elif isinstance(widget, QLineEdit):
            widget.setText(value)

    @staticmethod
    def _get(widget: QWidget) -> str:
        if isinstance(widget, QComboBox):
            return str(widget.currentData() or "")
        if isinstance(widget, QDateEdit):
            if widget.date() == widget.minimumDate():
                return ""
            return widget.date().toString("yyyy-MM-dd")
        if isinstance(widget, QLineEdit):
            return widget.text().strip()
        return ""

    def values(self) -> dict[str, str]:
        return {k: v for k, w in self.widgets.items() if (v := self._get(w))}

    def set_value(self, key: str, value: str) -> None:
        self._set(self.widgets[key], value)

    def missing(self) -> list[str]:
        values = self.values()
        return [m.field.label for m in self.fields if m.required and not values.get(m.field.key)]
