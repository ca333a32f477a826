"""The software pad's screen: a window for a second monitor facing the applicant.
Five large faces, then reason tags after a bad one; the teller's screen never
shows what was pressed."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.infra.soft_pad import Prompt, SoftPad

# Colours from green to red; no emoji (a hall PC may have no colour-emoji font).
FACES = {5: ("非常满意", "#1b7f3b"), 4: ("满意", "#4c9a2a"), 3: ("基本满意", "#b28a00"),
         2: ("不满意", "#d9822b"), 1: ("非常不满意", "#c62828")}


class _Relay(QObject):
    prompt = Signal(object)  # Prompt | None, delivered on the GUI thread


def placement(teller: QRect, screens: list[QRect]) -> tuple[QRect, bool]:
    """Where the pad's window goes, and whether it shares the teller's screen: the
    whole second screen (the applicant's monitor) when there is one; on one screen,
    the lower right of the teller's screen, raised above the teller window (else it
    opens behind it and the applicant never sees it)."""
    others = [s for s in screens if not s.intersects(teller)]
    if others:
        return QRect(others[0]), False
    home = next((s for s in screens if s.intersects(teller)), screens[0] if screens else teller)
    width = max(560, min(760, home.width() * 55 // 100))
    height = max(360, min(480, home.height() * 55 // 100))
    return QRect(home.right() - width - 8, home.bottom() - height - 8, width, height), True


class SoftPadWindow(QWidget):
    closed = Signal()

    def __init__(self, pad: SoftPad, header: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pad = pad
        self.setWindowTitle("服务评价")
        self.resize(1024, 600)
        self.setStyleSheet("QWidget { background: #f7f9fc; }"
                           "QPushButton { border-radius: 12px; }")
        self.relay = _Relay(self)
        self.relay.prompt.connect(self.show_prompt)
        pad.add_screen(self.relay.prompt.emit)
        self.level = 0
        self.remaining = 0

        big = QFont(self.font())
        big.setPointSize(max(22, self.font().pointSize() * 2))
        root = QVBoxLayout(self)
        self.header = QLabel(header)
        self.header.setAlignment(Qt.AlignmentFlag.AlignCenter)
        root.addWidget(self.header)
        self.stack = QStackedWidget()
        root.addWidget(self.stack, 1)

        idle = QLabel("欢迎光临\n请在窗口办理完毕后对本次服务进行评价")
        idle.setFont(big)
        idle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(idle)

        ask = QWidget()
        av = QVBoxLayout(ask)
        self.question = QLabel("")
        self.question.setFont(big)
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.question.setWordWrap(True)
        av.addWidget(self.question)
        faces = QHBoxLayout()
        self.face_buttons: dict[int, QPushButton] = {}
        for level in (5, 4, 3, 2, 1):
            text, colour = FACES[level]
            button = QPushButton(text)
            button.setFont(big)
            button.setMinimumSize(96, 110)
            button.setStyleSheet(f"background: {colour}; color: white;")
            button.clicked.connect(lambda _c=False, lv=level: self.choose(lv))
            self.face_buttons[level] = button
            faces.addWidget(button)
        av.addLayout(faces)
        self.countdown = QLabel("")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        av.addWidget(self.countdown)
        self.stack.addWidget(ask)

        why = QWidget()
        wv = QVBoxLayout(why)
        title = QLabel("请选择不满意的原因（可多选）")
        title.setFont(big)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        wv.addWidget(title)
        grid = QGridLayout()
        self.reason_buttons: list[QPushButton] = []
        for i, text in enumerate(SoftPad.reasons):
            button = QPushButton(text)
            button.setCheckable(True)
            button.setMinimumHeight(64)
            button.setStyleSheet("QPushButton { background: white; border: 2px solid #c0c6cf; }"
                                 "QPushButton:checked { background: #fdecea;"
                                 " border: 2px solid #c62828; }")
            self.reason_buttons.append(button)
            grid.addWidget(button, i // 5, i % 5)
        wv.addLayout(grid)
        self.submit = QPushButton("提交评价")
        self.submit.setFont(big)
        self.submit.setMinimumHeight(80)
        self.submit.setStyleSheet("background: #1565c0; color: white;")
        self.submit.clicked.connect(self.send_reasons)
        wv.addWidget(self.submit)
        self.hint = QLabel("")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet("color: #c62828;")
        wv.addWidget(self.hint)
        self.stack.addWidget(why)

        thanks = QLabel("感谢您的评价！")
        thanks.setFont(big)
        thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(thanks)

        self.tick = QTimer(self)
        self.tick.timeout.connect(self._tick)
        self.back = QTimer(self)
        self.back.setSingleShot(True)
        self.back.timeout.connect(lambda: self.stack.setCurrentIndex(0))

    def show_prompt(self, prompt: Prompt | None) -> None:
        if prompt is None:
            self.tick.stop()
            if self.stack.currentIndex() in (1, 2):
                self.stack.setCurrentIndex(0)
            return
        self.question.setText(f"请对本次服务进行评价\n{prompt.business}")
        for button in self.reason_buttons:
            button.setChecked(False)
        self.hint.setText("")
        self.remaining = prompt.timeout_s
        self._tick()
        self.tick.start(1000)
        self.stack.setCurrentIndex(1)

    def _tick(self) -> None:
        self.countdown.setText(f"{self.remaining} 秒后自动结束")
        self.remaining = max(0, self.remaining - 1)

    def choose(self, level: int) -> None:
        self.level = level
        if level <= 2:
            self.stack.setCurrentIndex(2)
            return
        self._done(self.pad.press(level))

    def send_reasons(self) -> None:
        chosen = [b.text() for b in self.reason_buttons if b.isChecked()]
        if not chosen:
            self.hint.setText("请至少选择一项原因")
            return
        self._done(self.pad.press(self.level, chosen))

    def _done(self, accepted: bool) -> None:
        self.tick.stop()
        self.stack.setCurrentIndex(3 if accepted else 0)
        if accepted:
            self.back.start(3000)

    def place_beside(self, teller: QWidget) -> None:
        """Show the pad where the applicant sees it (placement), once the teller's
        window is up, so it opens above it rather than behind it."""
        frame = teller.frameGeometry()
        if not teller.isVisible():  # not shown yet: the screen it will open on
            screen = teller.screen() or QGuiApplication.primaryScreen()
            frame = screen.availableGeometry() if screen is not None else frame
        screens = [s.availableGeometry() for s in QGuiApplication.screens()]
        rect, on_top = placement(frame, screens)
        # raised once, after the teller's window, not pinned on top: the teller's
        # own questions (F1, F7, F4) must not open behind it
        self.setGeometry(rect)
        self.on_top = on_top

        def show_on_top() -> None:
            self.show()
            self.raise_()

        QTimer.singleShot(0, show_on_top)

    on_top = False

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.closed.emit()
        super().closeEvent(event)
