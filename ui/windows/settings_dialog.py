"""This PC's settings (role admin): the hall, the window, the devices and the
printers, each device with "测试设备" (run off the GUI thread, the answer in
Chinese). Saving rewrites the user's config file keeping its comments
(`counter_app.usecases.settings`) and says which changes need a restart; those that
do not (names, printers) take effect at once.

    open_settings(ctx, parent)     # the menu entry: admin gets the dialog, others a refusal

Keys: Tab between fields, Enter or Ctrl+S saves, Esc closes; Alt+T tests the device
whose field has the focus.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.config.settings import all_fields, field_default
from counter_app.domain.roles import Permission
from counter_app.usecases import devices as device_uc
from counter_app.usecases import settings as settings_uc
from counter_app.usecases.devices import CheckDevice, DeviceCheck, DeviceKind
from counter_app.usecases.errors import user_message
from ui.context import AppContext
from ui.style import BAD, MUTED, OK, WARN

REFUSAL = ("设置仅对管理员开放：大厅、窗口、设备和打印机的设置请由管理员登录后修改。"
           "\n当前登录：{who}（{role}）")


@dataclass(frozen=True)
class Row:
    key: str  # the config file key
    label: str
    kind: DeviceKind | None = None  # a device: it can be tested
    fixed: tuple[tuple[str, str], ...] = ()  # (value, what it means) offered in the list
    serial: bool = False  # offer the PC's serial ports
    queues: bool = False  # offer the system's printer queues


HALL_ROWS = (
    Row("hall_name", "大厅名称"),
    Row("hall_code", "大厅编码"),
    Row("window_no", "本机窗口号"),
)
DEVICE_ROWS = (
    Row("idcard_port", "身份证阅读器", DeviceKind.IDCARD,
        (("sdtapi", "厂商动态库（USB 读卡器）"),), serial=True),
    Row("sscard_port", "社保卡读卡器", DeviceKind.SSCARD,
        (("pcsc", "PC/SC 读卡器"), ("sim", "模拟社保卡（演示、培训）"))),
    Row("scanner_port", "扫码枪（串口模式）", DeviceKind.SCANNER, serial=True),
    Row("pad_port", "评价器", DeviceKind.PAD, (("soft", "软件评价器（第二块屏幕）"),),
        serial=True),
)
PRINTER_ROWS = (
    Row("a4_printer", "A4 文书打印机", DeviceKind.A4_PRINTER, queues=True),
    Row("slip_printer", "号票打印机", DeviceKind.SLIP_PRINTER),
)
ROWS = HALL_ROWS + DEVICE_ROWS + PRINTER_ROWS

_DOCS = {spec.metadata["key"]: str(spec.metadata["doc"]) for spec, _ in all_fields()}
_DEFAULTS = {spec.metadata["key"]: field_default(spec) for spec, _ in all_fields()}


class _NoWheel(QObject):
    """A combo box the mouse wheel does not turn unless it has the focus (scrolling
    the page must not change a setting)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) \
                and not watched.hasFocus():
            event.ignore()
            return True
        return super().eventFilter(watched, event)


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx = ctx
        self.runner = ctx.runner
        self.actor = ctx.actor
        self.loaded = False
        self.saved: settings_uc.SettingsSaved | None = None
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        self.results: dict[str, QLabel] = {}
        self.test_buttons: dict[str, QPushButton] = {}
        self.testing: set[str] = set()  # keys of the devices being tested now
        self._no_wheel = _NoWheel(self)
        self.setWindowTitle("设置 · 本机")
        layout = QVBoxLayout(self)
        intro = QLabel("本机的大厅、窗口、外设和打印机。保存后写入配置文件；"
                       "标 ↻ 的设置重新启动本程序后生效。")
        intro.setStyleSheet(f"color: {MUTED};")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        for title, rows in (("大厅与窗口", HALL_ROWS), ("外设（端口）", DEVICE_ROWS),
                            ("打印机", PRINTER_ROWS)):
            layout.addWidget(self._group(title, rows))
        self.message = QLabel("正在读取设置…")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.path_label = QLabel("")
        self.path_label.setStyleSheet(f"color: {MUTED};")
        buttons.addWidget(self.path_label, 1)
        self.save_button = QPushButton("保存 Ctrl+S")
        self.save_button.setObjectName("primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        close = QPushButton("关闭 Esc")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        QShortcut(QKeySequence("Alt+T"), self, activated=self.test_focused)
        self.setMinimumWidth(860)
        self._set_enabled(False)
        self._load()

    # -- building --------------------------------------------------------------------
    def _group(self, title: str, rows: tuple[Row, ...]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for row in rows:
            restart = "↻ " if row.key in settings_uc.RESTART_KEYS else ""
            field = self._field(row)
            self.fields[row.key] = field
            line = QHBoxLayout()
            line.addWidget(field, 1)
            if row.kind is not None:
                test = QPushButton("测试设备")
                test.setAutoDefault(False)
                test.setToolTip(f"用上面的设置试连{row.kind.label}（Alt+T 测试焦点所在的设备）")
                test.clicked.connect(lambda _c=False, r=row: self.test_device(r))
                self.test_buttons[row.key] = test
                result = QLabel("")  # the answer, on its own line under the field
                result.setWordWrap(True)
                result.hide()
                self.results[row.key] = result
                line.addWidget(test)
            form.addRow(f"{restart}{row.label}：", line)
            if row.kind is not None:
                form.addRow("", self.results[row.key])
        return box

    def _field(self, row: Row) -> QLineEdit | QComboBox:
        tip = _DOCS.get(row.key, "")
        if row.kind is None:
            edit = QLineEdit()
            edit.setToolTip(tip)
            edit.setMaxLength(64)
            return edit
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        combo.installEventFilter(self._no_wheel)
        combo.setToolTip(tip)
        combo.lineEdit().setPlaceholderText(
            "留空：使用系统默认打印机" if row.key == "a4_printer" else "留空：本机不接该设备")
        combo.setMinimumWidth(260)
        return combo

    def _offer(self, row: Row, ports: list[tuple[str, str]], queues: list[str],
               simulated: dict[str, str]) -> None:
        """The choices of a device's list: its special values, the simulators of this
        run, the serial ports or printer queues found now."""
        combo = self.fields[row.key]
        assert isinstance(combo, QComboBox)
        current = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        choices: list[tuple[str, str]] = [("", "不使用 / 系统默认")]
        choices += list(row.fixed)
        sim = simulated.get(row.kind.value if row.kind else "", "")
        if sim:
            choices.append((sim, "本次运行的模拟设备"))
        if row.serial:
            choices += [(port, f"串口 {desc}".strip()) for port, desc in ports]
        if row.queues:
            choices += [(q, "系统打印队列") for q in queues]
            choices.append(("folder:", "保存到文件夹：在 folder: 后写目录"))
        seen: set[str] = set()
        for value, meaning in choices:
            if value in seen:
                continue
            seen.add(value)
            combo.addItem(value)
            combo.setItemData(combo.count() - 1, meaning, Qt.ItemDataRole.ToolTipRole)
        combo.setEditText(current)
        combo.blockSignals(False)

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (*self.fields.values(), *self.test_buttons.values(), self.save_button):
            widget.setEnabled(enabled)

    # -- loading -----------------------------------------------------------------------
    def _load(self) -> None:
        controller = self.ctx.devices
        simulators = getattr(controller, "simulators", None)
        simulated = dict(getattr(simulators, "ports", {}) or {})

        def read() -> tuple[dict[str, Any], list[tuple[str, str]], list[str], str]:
            from counter_app.config import settings_file

            return (settings_uc.current_file_values(), device_uc.serial_ports(),
                    device_uc.printer_queues(), str(settings_file()))

        self.ctx.call(lambda _rt: read(),
                      self._alive(lambda got: self._loaded(*got, simulated)),
                      self._alive(self._failed))

    def _loaded(self, values: dict[str, Any], ports: list[tuple[str, str]],
                queues: list[str], path: str, simulated: dict[str, str]) -> None:
        for row in ROWS:
            if isinstance(self.fields[row.key], QComboBox):
                self._offer(row, ports, queues, simulated)
        running = self.ctx.settings.flat()
        notes = []
        for row in ROWS:
            value = str(values.get(row.key, _DEFAULTS.get(row.key, "")))
            field = self.fields[row.key]
            if isinstance(field, QComboBox):
                field.setEditText(value)
            else:
                field.setText(value)
            if str(running.get(row.key, "")) != value and row.key in settings_uc.RESTART_KEYS:
                notes.append(f"{row.label}本次运行用的是“{running.get(row.key) or '（空）'}”")
        self.path_label.setText(f"配置文件：{path}")
        self.loaded = True
        self._set_enabled(True)
        self.message.setStyleSheet(f"color: {MUTED};")
        self.message.setText("；".join(notes) + "（命令行、环境变量或尚未重启）" if notes else "")
        self.fields["hall_name"].setFocus()

    def _alive(self, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        def call(arg: Any) -> None:
            if shiboken6.isValid(self):
                fn(arg)

        return call

    # -- testing a device ----------------------------------------------------------------
    def test_focused(self) -> None:
        focus = self.focusWidget()
        for row in ROWS:
            field = self.fields[row.key]
            if row.kind is not None and focus is not None and (
                    focus is field or field.isAncestorOf(focus)):
                self.test_device(row)
                return

    def test_device(self, row: Row) -> None:
        assert row.kind is not None
        if row.key in self.testing:  # one test at a time per device (the button keeps
            return  # the focus: disabling it would throw the focus to the next field)
        spec = self.value(row.key)
        result = self.results[row.key]
        result.show()
        result.setStyleSheet(f"color: {MUTED};")
        result.setText(f"正在测试{row.kind.label}…")
        self.testing.add(row.key)
        cmd = CheckDevice(self.actor, row.kind, spec)

        def done(check: DeviceCheck) -> None:
            self.testing.discard(row.key)
            result.setStyleSheet(f"color: {OK if check.ok else BAD};")
            result.setText(check.message)

        def failed(exc: BaseException) -> None:
            self.testing.discard(row.key)
            result.setStyleSheet(f"color: {BAD};")
            result.setText(user_message(exc))

        self.ctx.call(lambda _rt: device_uc.check_device(cmd), self._alive(done),
                      self._alive(failed))

    # -- saving --------------------------------------------------------------------------
    def value(self, key: str) -> str:
        field = self.fields[key]
        return (field.currentText() if isinstance(field, QComboBox) else field.text()).strip()

    def save(self) -> None:
        if not self.loaded:
            return
        for field in self.fields.values():
            field.setStyleSheet("")
        values = {row.key: self.value(row.key) for row in ROWS}
        cmd = settings_uc.SaveSettings(self.actor, values)
        self.message.setStyleSheet(f"color: {MUTED};")
        self.message.setText("正在保存…")
        self.ctx.call(lambda _rt: settings_uc.save_settings(cmd), self._alive(self._saved),
                      self._alive(self._failed))

    def _saved(self, saved: settings_uc.SettingsSaved) -> None:
        self.saved = saved
        live = {k: v for k, v in saved.settings.flat().items()
                if k in saved.changed and k not in saved.restart and k not in saved.overridden}
        if live:  # names and printers are read where they are used: from now on
            self.ctx.rt.settings = self.ctx.rt.settings.with_values(**live)
        colour = WARN if saved.restart or saved.overridden else OK
        self.message.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.message.setText(saved.message)

    def _failed(self, exc: BaseException) -> None:
        text = user_message(exc)
        for row in ROWS:  # the field the message names: highlighted and focused
            if row.key in text:
                text = f"“{row.label}”有误，未保存：{text}"
                field = self.fields[row.key]
                field.setStyleSheet(f"border: 2px solid {BAD};")
                field.setFocus()
                break
        self.message.setStyleSheet(f"color: {BAD}; font-weight: bold;")
        self.message.setText(text)


def open_settings(ctx: AppContext, parent: QWidget | None = None) -> QDialog:
    """The settings for an administrator; anyone else is told who may change them.
    Opens without blocking and returns the dialog shown (or the refusal)."""
    if not ctx.actor.can(Permission.CHANGE_SETTINGS):
        box = QMessageBox(QMessageBox.Icon.Information, "设置",
                          REFUSAL.format(who=ctx.actor.display, role=ctx.actor.role.label),
                          QMessageBox.StandardButton.Ok, parent)
        box.button(QMessageBox.StandardButton.Ok).setText("知道了")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box
    dialog = SettingsDialog(ctx, parent)
    dialog.show()
    dialog.activateWindow()
    return dialog
