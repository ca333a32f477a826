"""Login: the first start creates the first account; later a wrong password is told
plainly (and cleared) and a right one logs in; every check runs off the GUI thread.
Typed as a person would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from counter_app.config import Settings
from counter_app.runtime import open_runtime
from ui.windows.login import LoginDialog


def _log_in(qtbot, dialog: LoginDialog, staff_no: str, password: str, name: str = "") -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(dialog.staff_no, staff_no)
    if name:
        dialog.name.insert(name)  # Chinese comes through the IME, not keys
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_first_run_then_login(qtbot, tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    rt = open_runtime(url, Settings.of(db_url=url, window_no="3"), clock=clock)
    first = LoginDialog(rt)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitUntil(lambda: first.first_run is not None, timeout=5_000)
    assert first.first_run and "创建账号" in first.windowTitle()
    assert "3号窗口" in first.where.text() and "至少 6 位" in first.intro.text()
    qtbot.keyClick(first.password, Qt.Key.Key_Return)  # nothing typed yet
    assert "请填写工号、姓名、密码" in first.error.text()
    _log_in(qtbot, first, "1001", "123", name="张敏")
    qtbot.waitUntil(lambda: "至少6位" in first.error.text(), timeout=5_000)
    assert first.password.text() == ""
    qtbot.keyClicks(first.password, "secret1")
    qtbot.keyClick(first.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: first.actor is not None, timeout=5_000)
    assert first.actor.role == "admin"

    again = LoginDialog(rt)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.first_run is not None, timeout=5_000)
    assert not again.first_run
    assert "3号窗口" in again.where.text() and "至少 6 位" in again.intro.text()  # told first
    qtbot.keyClicks(again.staff_no, "1001")
    qtbot.keyClick(again.staff_no, Qt.Key.Key_Return)  # no password yet: named, not "wrong"
    assert again.error.text() == "请填写密码" and again.password.hasFocus()
    qtbot.keyClick(again.staff_no, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(again.staff_no, Qt.Key.Key_Delete)
    _log_in(qtbot, again, "1001", "wrong-password")
    qtbot.waitUntil(lambda: "工号或密码错误" in again.error.text(), timeout=5_000)
    assert again.password.text() == ""  # the wrong password does not stay
    qtbot.keyClicks(again.password, "secret1")
    qtbot.keyClick(again.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: again.actor is not None, timeout=5_000)
    assert again.actor.name == "张敏"
    again.runner.wait_idle()
    rt.close()
