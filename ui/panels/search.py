"""Find any item or bundle by name, code or pinyin initials, as one types.

The results show while the box has the focus; Esc or leaving the box (Tab, a click
elsewhere, a window key) closes them, so they never cover the form behind. A bundle
reads "一件事 · 含 N 项" (its mandatory items) and, when its situation answers can
add items, how many at most."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from counter_app.domain.catalogue import Bundle, Catalogue, SearchHit

ROLE_HIT = Qt.ItemDataRole.UserRole


class SearchBox(QWidget):
    """A line edit over a result list. Enter or double-click chooses a hit."""

    chosen = Signal(object)  # SearchHit

    def __init__(self, catalogue: Catalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("搜索事项 / 一件事：名称、编码或拼音首字母（如 zgtx） Ctrl+F")
        self.edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMaximumHeight(150)
        # the keys stay in the box (↑↓ move the cursor here); a click chooses without
        # taking the focus, so leaving the box means leaving the search
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        self.edit.textChanged.connect(self.refresh)
        self.edit.returnPressed.connect(self.choose_current)
        self.results.itemActivated.connect(lambda _i: self.choose_current())
        self.edit.installEventFilter(self)
        self.results.setVisible(False)

    def refresh(self, text: str) -> None:
        """Results show while typing (or on Ctrl+F with an empty box: the bundles)."""
        self.results.clear()
        self.results.setVisible(bool(text.strip()) or self.edit.hasFocus())
        for hit in self.catalogue.search(text, limit=40):
            self.results.addItem(self._row(hit))
        if self.results.count():
            self.results.setCurrentRow(0)

    def _row(self, hit: SearchHit) -> QListWidgetItem:
        if hit.kind == "bundle":
            bundle = self.catalogue.bundles[hit.code]
            text = f"▸ {bundle.name}　{bundle_size(bundle)}"
        else:
            item = self.catalogue.items[hit.code]
            marks = ["提速办"] if item.is_speedup else []
            marks.append(item.case_kind.label)
            text = f"   {item.name}  [{item.board}] {' '.join(marks)}  {item.code}"
        row = QListWidgetItem(text)
        row.setData(ROLE_HIT, hit)
        return row

    def choose_current(self) -> None:
        row = self.results.currentItem()
        if row is not None:
            self.chosen.emit(row.data(ROLE_HIT))

    def close_results(self) -> None:
        self.results.setVisible(False)

    def eventFilter(self, obj, event) -> bool:  # type: ignore[no-untyped-def]  # noqa: N802
        if obj is self.edit and event.type() == QEvent.Type.FocusIn:
            self.refresh(self.edit.text())
        if obj is self.edit and event.type() == QEvent.Type.FocusOut:
            self.close_results()
        if (
            obj is self.edit
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            if event.key() == Qt.Key.Key_Escape and self.results.isVisible():
                self.close_results()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                    and not self.results.isVisible():
                self.refresh(self.edit.text())  # closed by Esc: Enter shows them again
                return True
        if (
            obj is self.edit
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up)
        ):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
            self.results.setCurrentRow(row)
            return True
        return super().eventFilter(obj, event)


def bundle_size(bundle: Bundle) -> str:
    """"一件事 · 含 4 项", and "，按情形最多 7 项" when answers can add items (each
    situation counted with its answer that adds the most)."""
    base = set(bundle.mandatory)
    most = len(base) + sum(
        max((len(set(o.adds) - base) for o in situation.options), default=0)
        for situation in bundle.situations
    )
    text = f"一件事 · 含 {len(base)} 项"
    return text + (f"，按情形最多 {most} 项" if most > len(base) else "")
