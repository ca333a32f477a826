"""The bar across the top of the public screens (kiosk, hall display): the hall's
name and a clock on the hall's time."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from counter_app.domain.clock import Clock, local

WEEKDAYS = "一二三四五六日"


class HallHeader(QFrame):
    def __init__(
        self, hall_name: str, clock: Clock, *, seconds: bool, margins: tuple[int, int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("head")
        self._now, self._seconds = clock, seconds
        layout = QHBoxLayout(self)
        layout.setContentsMargins(margins[0], margins[1], margins[0], margins[1])
        hall = QLabel(hall_name)
        hall.setObjectName("hall")
        self.clock = QLabel("")
        self.clock.setObjectName("clock")
        layout.addWidget(hall)
        layout.addStretch(1)
        layout.addWidget(self.clock)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(1000)
        self.tick()

    def tick(self) -> None:
        now = local(self._now())
        time = f"{now:%H:%M:%S}" if self._seconds else f"{now:%H:%M}"
        self.clock.setText(f"{now:%Y-%m-%d} 星期{WEEKDAYS[now.weekday()]} {time}")
