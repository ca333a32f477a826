"""Typing as a teller does, counted: ASCII through QTest key clicks, Chinese through
an input-method commit (QTest's keyClicks may crash on CJK), control keys one by one.
`Keys.control` is what the 25-key budget of a visit counts; `Keys.content` the
characters typed (each committed IME string counts as its characters)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

NO = Qt.KeyboardModifier.NoModifier
ANIMATE_MS = 250  # QAbstractButton.animateClick takes 100 ms
PACE_MS = 40  # between keys of a longer ASCII run (8+ fast keys and Enter: a scanner)


def commit_text(widget: QWidget, text: str) -> None:
    """Chinese typed through the input method into `widget`."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


@dataclass
class Keys:
    qtbot: object
    control: int = 0
    content: int = 0
    log: list[str] = field(default_factory=list)

    def type(self, widget: QWidget, text: str) -> None:
        """Content: ASCII by key clicks, the rest by the input method, in runs."""
        run = ""
        for ch in text + "\0":
            ascii_ch = ch.isascii() and ch != "\0"
            if run and (ascii_ch != run.isascii() or ch == "\0"):
                if run.isascii():  # a person's pace: a fast burst is a wedge scanner
                    self.qtbot.keyClicks(widget, run, delay=PACE_MS if len(run) >= 6 else -1)  # type: ignore[attr-defined]
                else:
                    commit_text(widget, run)
                run = ""
            if ch != "\0":
                run += ch
        self.content += len(text)
        self.log.append(f"«{text}»")

    def press(self, widget: QWidget, key: Qt.Key,
              modifier: Qt.KeyboardModifier = NO, times: int = 1) -> None:
        """A control key (Tab, Enter, F1, Ctrl+…, a digit choosing an answer)."""
        for _ in range(times):
            self.qtbot.keyClick(widget, key, modifier)  # type: ignore[attr-defined]
            self.control += 1
            if modifier == Qt.KeyboardModifier.AltModifier:
                self.qtbot.wait(ANIMATE_MS)  # a mnemonic clicks its button animated
        name = Qt.Key(key).name.removeprefix("Key_")
        mods = {Qt.KeyboardModifier.ControlModifier: "Ctrl+",
                Qt.KeyboardModifier.AltModifier: "Alt+",
                Qt.KeyboardModifier.ShiftModifier: "Shift+"}.get(modifier, "")
        self.log.append(f"{mods}{name}" + (f"×{times}" if times > 1 else ""))

    def focused(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "no widget has the keyboard focus"
        return widget

    def type_here(self, text: str) -> None:
        self.type(self.focused(), text)

    def press_here(self, key: Qt.Key, modifier: Qt.KeyboardModifier = NO,
                   times: int = 1) -> None:
        for _ in range(times):
            self.press(self.focused(), key, modifier)

    def answer_next_question(self, keys: Sequence[Qt.Key], timeout_s: float = 10.0) -> None:
        """Arm an answer for the modal question the next key opens (the queue's F1 and
        F7 questions run their own event loop, so the key press that opens one returns
        only once it is answered): when it shows, `keys` go to it one by one, counted
        like any other control key."""
        pending = list(keys)
        start = time.monotonic()

        def poll() -> None:
            modal = QApplication.activeModalWidget()
            if modal is None or not modal.isVisible():
                if time.monotonic() - start < timeout_s:
                    QTimer.singleShot(20, poll)
                return
            focus = QApplication.focusWidget()
            target = focus if focus is not None and modal.isAncestorOf(focus) else modal
            key = pending.pop(0)
            self.qtbot.keyClick(target, key)  # type: ignore[attr-defined]
            self.control += 1
            self.log.append(Qt.Key(key).name.removeprefix("Key_"))
            if pending:
                QTimer.singleShot(80, poll)

        QTimer.singleShot(20, poll)
