"""Function keys (F1–F12) for a whole window and every dialog it opens.

A QShortcut, even with Qt.ApplicationShortcut, stays silent while a modal dialog
shadows its window, and a window-wide one while a non-modal dialog (the papers
preview) has the focus. A teller expects F8 (请评价) or F1 (叫号) to work wherever
the focus is, so `function_key(window, "F8", slot)` registers the key with one
application event filter per window that:

- sees the key press before any widget (so a line edit or a table never eats it),
  when the key's window is `window` or a dialog opened from it;
- ignores key auto-repeat (a key held down is one press);
- debounces (by default 0.7 s per key): a nervous double press is one press;
- leaves the key alone while a dialog that owns the function keys has the focus
  (`owns_function_keys(dialog)`): the queue's own questions (F1 asks before ending
  a visit) must not be answered or stacked by a burst of F-keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

DEBOUNCE_S = 0.7
OWNS_KEYS = "ownsFunctionKeys"
_FUNCTION_KEYS = {getattr(Qt.Key, f"Key_F{n}") for n in range(1, 13)}
_MODS = (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
         | Qt.KeyboardModifier.AltModifier)


@dataclass
class _Binding:
    slot: Callable[[], object]
    debounce_s: float
    last: float = -1e9


def owns_function_keys(dialog: QWidget) -> None:
    """Mark a dialog that must not pass F-keys to the window behind it."""
    dialog.setProperty(OWNS_KEYS, True)


def _key_of(text: str) -> tuple[int, int]:
    combo = QKeySequence(text)[0]
    return int(combo.key().value), int(combo.keyboardModifiers().value)


class FunctionKeys(QObject):
    """The application event filter of one window (made by `function_key`)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.bindings: dict[tuple[int, int], _Binding] = {}
        self.clock: Callable[[], float] = time.monotonic
        self.ignored: list[str] = []  # presses dropped (repeat, debounce, owned): for tests
        QApplication.instance().installEventFilter(self)

    def bind(self, key: str, slot: Callable[[], object], debounce_s: float) -> None:
        self.bindings[_key_of(key)] = _Binding(slot, debounce_s)

    def _belongs(self, obj: QObject) -> QWidget | None:
        """The top-level widget the key went to, if it is this window or opened from it."""
        if not isinstance(obj, QWidget):
            return None
        top = obj.window()
        w: QWidget | None = top
        while w is not None:
            if w is self.window:
                return top
            w = w.parentWidget()
        return None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() not in _FUNCTION_KEYS:
            return False
        mods = int((event.modifiers() & _MODS).value)
        binding = self.bindings.get((int(event.key()), mods))
        if binding is None:
            return False
        top = self._belongs(obj)
        if top is None or not self.window.isVisible():
            return False
        name = QKeySequence(event.keyCombination()).toString()
        if top is not self.window and top.property(OWNS_KEYS):
            return False  # the dialog answers its own keys
        modal = QApplication.activeModalWidget()
        if modal is not None and modal is not top and modal.property(OWNS_KEYS):
            self.ignored.append(f"{name} owned")
            return True
        if event.isAutoRepeat():
            self.ignored.append(f"{name} repeat")
            return True
        now = self.clock()
        if now - binding.last < binding.debounce_s:
            self.ignored.append(f"{name} debounce")
            return True
        binding.last = now
        binding.slot()
        return True


def function_key(window: QWidget, key: str, slot: Callable[[], object],
                 debounce_s: float = DEBOUNCE_S) -> FunctionKeys:
    """Bind an F-key (with Shift/Ctrl/Alt if wanted: "Shift+F1") to `slot` for
    `window` and every dialog opened from it. Returns the window's filter."""
    keys = window.findChild(FunctionKeys, options=Qt.FindChildOption.FindDirectChildrenOnly)
    if keys is None:
        keys = FunctionKeys(window)
    keys.bind(key, slot, debounce_s)
    return keys
