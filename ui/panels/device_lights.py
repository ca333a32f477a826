"""Status lights for the counter devices: green online, grey offline, red error
(the reason on hover)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ui.style import BAD, MUTED, OK

DEVICES = {"idcard": "身份证", "sscard": "社保卡", "pad": "评价器", "printer": "打印机"}
COLOURS = {"online": OK, "offline": MUTED, "error": BAD}


class DeviceLights(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.labels: dict[str, QLabel] = {}
        for key in DEVICES:
            label = QLabel()
            self.labels[key] = label
            layout.addWidget(label)
            self.set_state(key, "offline", "未连接")

    def set_state(self, device: str, state: str, reason: str = "") -> None:
        label = self.labels.get(device)
        if label is None:
            return
        colour = COLOURS.get(state, MUTED)
        label.setText(f'{DEVICES[device]}<span style="color:{colour}">●</span>')
        label.setToolTip(reason or {"online": "在线", "offline": "离线"}.get(state, state))
        label.setProperty("state", state)

    def state(self, device: str) -> str:
        return str(self.labels[device].property("state"))
