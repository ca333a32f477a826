"""The situation questions of a bundle; each answer may add situational items. The
answers are numbered so a digit chooses; the wheel only turns a focused question."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QWidget

from counter_app.domain.catalogue import Bundle
from ui.panels.fields import NumberedCombo


class SituationsPanel(QGroupBox):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("情形", parent)
        self.form = QFormLayout(self)
        self.combos: dict[str, NumberedCombo] = {}
        self.setVisible(False)

    def set_bundle(self, bundle: Bundle | None) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos.clear()
        self.setVisible(bundle is not None and bool(bundle.situations))
        if bundle is None:
            return
        for situation in bundle.situations:
            combo = NumberedCombo()
            for option in situation.options:
                extra = f"（增加 {len(option.adds)} 项）" if option.adds else ""
                combo.add_answer(option.label + extra, option.value)
            if situation.default:
                combo.setCurrentIndex(max(0, combo.findData(situation.default)))
            combo.currentIndexChanged.connect(self.changed)
            label = QLabel(situation.question)
            label.setWordWrap(True)
            self.form.addRow(label, combo)
            self.combos[situation.key] = combo
            if self.isVisible():  # at once, not on the next event loop: it takes the focus
                label.show()
                combo.show()

    def answers(self) -> dict[str, str]:
        return {key: str(combo.currentData()) for key, combo in self.combos.items()}

    def answer(self, key: str, value: str) -> None:
        combo = self.combos[key]
        combo.setCurrentIndex(combo.findData(value))
