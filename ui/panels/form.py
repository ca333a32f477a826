"""The one form (一张表单): every field of every item once, prefilled where we can.

Prefilled values follow their source as it is typed: the form remembers what it
filled in itself, and while the teller has not changed a field by hand, a new
value from the applicant panel replaces it whole (typing 李娜 once left 李 in the
form: a field was only filled while it was empty). A value an answered situation
fixes (退休类型 from the situation) is shown, not asked again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from counter_app.domain.catalogue import FieldKind, MergedField
from ui.panels.fields import INVALID_STYLE, DateLine, NumberedCombo
from ui.style import MUTED

FIXED_NOTE = "（由情形确定）"


class FormPanel(QGroupBox):
    changed = Signal()
    problem = Signal(str)  # a date that is no date, in Chinese ("" when fixed)

    def __init__(self, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__("表单（一张表单）", parent)
        self._today = today
        self.form = QFormLayout(self)
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.fields: list[MergedField] = []
        self._prefilled: dict[str, str] = {}  # key → the value the form filled in itself
        self.fixed: dict[str, str] = {}  # key → the value a situation fixes

    def set_fields(self, fields: list[MergedField], prefill: dict[str, str],
                   fixed: dict[str, str] | None = None) -> None:
        """Rebuild for a new set of fields, keeping what the teller already typed."""
        kept = {k: v for k, v in self.values().items()
                if k not in self.fixed and self._prefilled.get(k) != v}
        while self.form.rowCount():
            self.form.removeRow(0)
        self.widgets.clear()
        self.labels.clear()
        self._prefilled = {}
        self.fields = fields
        self.fixed = {k: v for k, v in (fixed or {}).items()
                      if any(f.field.key == k for f in fields)}
        for merged in fields:
            spec = merged.field
            widget = self._widget(merged)
            label = QLabel(spec.label + (" *" if merged.required else ""))
            self.form.addRow(label, widget)
            self.widgets[spec.key] = widget
            self.labels[spec.key] = label
            if self.isVisible():  # at once, not on the next event loop: it takes the focus
                label.show()
                widget.show()
            if spec.key in self.fixed:
                self._set(widget, self.fixed[spec.key])
                widget.setEnabled(False)  # Tab passes it by: the answer is given
                label.setText(label.text() + FIXED_NOTE)
                label.setStyleSheet(f"color: {MUTED}")
            elif kept.get(spec.key):
                self._set(widget, kept[spec.key])
            elif prefill.get(spec.key):
                self._set(widget, prefill[spec.key])
                self._prefilled[spec.key] = self._get(widget)
        self._update_title(prefill)

    def apply_prefill(self, prefill: dict[str, str]) -> None:
        """The applicant changed: fields still holding what the form filled in (or
        empty) take the new value whole; fields the teller typed are left alone."""
        for key, widget in self.widgets.items():
            if key in self.fixed:
                continue
            current, before = self._get(widget), self._prefilled.get(key)
            if current and current != before:
                continue  # typed by hand
            new = prefill.get(key, "")
            if new != current:
                self._set(widget, new)
            if new:
                self._prefilled[key] = self._get(widget)
            else:
                self._prefilled.pop(key, None)
        self._update_title(prefill)

    def _update_title(self, prefill: dict[str, str]) -> None:
        filled = sum(1 for k in self.widgets if prefill.get(k))
        self.setTitle(f"表单（一张表单，已预填 {filled}/{len(self.widgets)}）")

    def _widget(self, merged: MergedField) -> QWidget:
        spec = merged.field
        if spec.kind is FieldKind.CHOICE:
            combo = NumberedCombo()
            combo.add_answer("", "")
            for choice in spec.choices:
                combo.add_answer(choice, choice)
            combo.currentIndexChanged.connect(self._edited)
            return combo
        if spec.kind is FieldKind.DATE:
            line = DateLine(self._today)
            line.textChanged.connect(self._edited)
            line.problem_changed.connect(self.problem)
            return line
        edit = QLineEdit()
        if spec.hint:
            edit.setPlaceholderText(spec.hint)
        edit.textChanged.connect(self._edited)
        return edit

    def _edited(self) -> None:
        sender = self.sender()
        if isinstance(sender, QWidget) and sender.styleSheet() == INVALID_STYLE \
                and not (isinstance(sender, DateLine) and sender.problem):
            sender.setStyleSheet("")  # the highlighted field is being corrected
        self.changed.emit()

    @staticmethod
    def _set(widget: QWidget, value: str) -> None:
        if isinstance(widget, QComboBox):
            index = widget.findData(value)
            widget.setCurrentIndex(index if index >= 0 else 0)
        elif isinstance(widget, DateLine):
            widget.set_value(value)
        elif isinstance(widget, QLineEdit):
            widget.setText(value)

    @staticmethod
    def _get(widget: QWidget) -> str:
        if isinstance(widget, QComboBox):
            return str(widget.currentData() or "")
        if isinstance(widget, DateLine):
            return widget.value()
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

    def first_empty(self) -> QWidget | None:
        """The first field the teller still has to fill (where the cursor goes)."""
        values = self.values()
        for merged in self.fields:
            widget = self.widgets[merged.field.key]
            if merged.required and widget.isEnabled() and not values.get(merged.field.key):
                return widget
        return None

    def date_problems(self) -> list[tuple[str, str]]:
        """(key, message) of every date field holding text that is no date."""
        found = []
        for key, widget in self.widgets.items():
            if isinstance(widget, DateLine):
                widget.normalise()  # the field may not have been left yet (Ctrl+Enter)
                if widget.problem:
                    found.append((key, widget.problem))
        return found

    # -- errors on submit --------------------------------------------------------------
    def highlight(self, key: str) -> QWidget | None:
        widget = self.widgets.get(key)
        if widget is not None:
            widget.setStyleSheet(INVALID_STYLE)
        return widget

    def clear_highlights(self) -> None:
        for widget in self.widgets.values():
            if not (isinstance(widget, DateLine) and widget.problem):
                widget.setStyleSheet("")
