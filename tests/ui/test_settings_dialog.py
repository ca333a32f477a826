"""The settings dialog, by keys: an administrator changes the hall name, the window,
a device and the A4 printer, tests the device, saves; the config file keeps its
comments and other keys, and says what needs a restart. A bad value is refused
naming its field, nothing written. Anyone else is told who may change settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from counter_app.config import Settings, load_settings
from counter_app.runtime import open_runtime
from ui.windows.settings_dialog import SettingsDialog, open_settings

CONFIG = """# 本大厅 3 号机（技术员 2026-09 设置）
hall_code = "37010201"  # 大厅编码，勿改
window_no = "1"

queue_recall_max = 4  # 本厅重呼 4 次
"""


@pytest.fixture
def config(tmp_path: Path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir()
    path.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("COUNTER_CONFIG", str(path))
    return path


@pytest.fixture
def rt(tmp_path: Path, clock, config: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    runtime = open_runtime(url, Settings.of(db_url=url), clock=clock)
    yield runtime
    runtime.close()


def type_text(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace what the focused field holds, as a person does: Ctrl+A, then type
    (Chinese arrives as the input method's commit, as on a real keyboard)."""
    widget = QApplication.focusWidget()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text.isascii():
        qtbot.keyClicks(QApplication.focusWidget(), text)
        return
    commit = QInputMethodEvent("", [])
    commit.setCommitString(text)
    QApplication.sendEvent(QApplication.focusWidget(), commit)


def tab(qtbot, times: int = 1) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)


def opened(qtbot, ctx) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dialog = open_settings(ctx, None)
    assert isinstance(dialog, SettingsDialog)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    return dialog


def test_admin_changes_settings_by_keys(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, rt, clock, config: Path, teller_user_factory, app_context
) -> None:
    admin = teller_user_factory(rt, clock, "admin", "9000", "赵敏")
    ctx = app_context(rt, admin)
    dialog = opened(qtbot, ctx)
    assert dialog.fields["window_no"].text() == "1"  # what the file says
    assert QApplication.focusWidget() is dialog.fields["hall_name"]

    type_text(qtbot, "历下区政务服务中心人社大厅")
    tab(qtbot, 2)  # 大厅编码 stays
    type_text(qtbot, "5")  # 窗口号
    tab(qtbot, 3)  # 身份证阅读器 (left empty), its 测试设备, 社保卡读卡器
    type_text(qtbot, "sim")
    tab(qtbot)  # its 测试设备
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    result = dialog.results["sscard_port"]
    qtbot.waitUntil(lambda: "正常" in result.text() or "无法" in result.text(),
                    timeout=15_000)
    assert "社保卡读卡器正常（模拟读卡器）" in result.text()
    assert "********" in result.text()  # the card's number masked
    tab(qtbot, 5)  # 扫码枪, 测试, 评价器, 测试, A4 打印机
    printed = tmp_path / "printed"
    type_text(qtbot, f"folder:{printed}")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "可写入" in dialog.results["a4_printer"].text(), timeout=10_000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=10_000)

    # what the file holds now: the new values, and the technician's comments and keys
    text = config.read_text(encoding="utf-8")
    assert "# 本大厅 3 号机（技术员 2026-09 设置）" in text
    assert "# 大厅编码，勿改" in text and "queue_recall_max = 4  # 本厅重呼 4 次" in text
    stored = load_settings(config, env={})
    assert stored.hall.name == "历下区政务服务中心人社大厅"
    assert stored.hall.window_no == "5" and stored.hall.code == "37010201"
    assert stored.devices.sscard_port == "sim"
    assert stored.cases.a4_printer == f"folder:{printed}"
    assert stored.queue.recall_max == 4
    assert not list(config.parent.glob(".config-*"))  # no temporary file left behind

    # what the administrator is told, and what the running program took at once
    message = dialog.message.text()
    assert "重新启动本程序后生效" in message and "本机窗口号" in message
    assert "立即生效" in message and "A4 文书打印机" in message
    assert rt.settings.cases.a4_printer == f"folder:{printed}"
    assert rt.settings.hall.name == "历下区政务服务中心人社大厅"
    assert rt.settings.hall.window_no == "1"  # the window changes at the next start
    ctx.runner.wait_idle()


def test_bad_value_is_refused_naming_the_field(  # type: ignore[no-untyped-def]
    qtbot, rt, clock, config: Path, teller_user_factory, app_context
) -> None:
    admin = teller_user_factory(rt, clock, "admin", "9000", "赵敏")
    ctx = app_context(rt, admin)
    dialog = opened(qtbot, ctx)
    tab(qtbot, 2)
    type_text(qtbot, "3 号")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter saves too
    qtbot.waitUntil(lambda: "未保存" in dialog.message.text(), timeout=10_000)
    assert "“本机窗口号”有误" in dialog.message.text()
    assert QApplication.focusWidget() is dialog.fields["window_no"]
    assert config.read_text(encoding="utf-8") == CONFIG  # nothing written
    ctx.runner.wait_idle()


def test_teller_is_refused(qtbot, rt, clock, config: Path, teller_user_factory,  # type: ignore[no-untyped-def]
                           app_context) -> None:
    teller = teller_user_factory(rt, clock)
    box = open_settings(app_context(rt, teller), None)
    qtbot.addWidget(box)
    assert isinstance(box, QMessageBox)
    assert "仅对管理员开放" in box.text() and "张敏" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert config.read_text(encoding="utf-8") == CONFIG
