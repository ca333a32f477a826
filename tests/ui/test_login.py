"""Login: the first start creates the first account (the password rule shown before
the first try); later the dialog names its hall and window, empty fields are named,
a wrong password is told plainly and cleared, repeated failures lock the staff number
until a stated time, and a right password logs in; the check runs off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from counter_app.config import Settings
from counter_app.runtime import open_runtime
from counter_app.services.users import MAX_FAILURES
from ui.windows.login import LoginDialog


def type_into(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def press_enter(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_first_run_then_login(qtbot, tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    settings = Settings(db_url=url, window_no="3", hall_name="历下区政务服务大厅")
    rt = open_runtime(url, settings, clock=clock)
    first = LoginDialog(rt)
    qtbot.addWidget(first)
    first.show()
    assert first.first_run and "创建账号" in first.windowTitle()
    texts = " ".join(w.text() for w in first.findChildren(type(first.error)))
    assert "至少6位" in texts  # told before the first try
    type_into(qtbot, first.staff_no, "1001")
    first.name.insert("张敏")  # Chinese comes through the IME, not keys
    type_into(qtbot, first.password, "123")
    press_enter(qtbot, first)
    qtbot.waitUntil(lambda: "至少6位" in first.error.text(), timeout=5_000)
    assert first.password.text() == ""
    type_into(qtbot, first.password, "secret1")
    press_enter(qtbot, first)
    qtbot.waitUntil(lambda: first.user is not None, timeout=5_000)
    assert first.user.role == "admin"

    again = LoginDialog(rt)
    qtbot.addWidget(again)
    again.show()
    assert not again.first_run
    assert "历下区政务服务大厅" in again.place.text() and "3号窗口" in again.place.text()
    press_enter(qtbot, again)
    assert again.error.text() == "请输入工号"
    type_into(qtbot, again.staff_no, "1001")
    press_enter(qtbot, again)
    assert again.error.text() == "请输入密码"
    type_into(qtbot, again.password, "wrong-password")
    press_enter(qtbot, again)
    qtbot.waitUntil(lambda: "工号或密码错误" in again.error.text(), timeout=5_000)
    assert again.password.text() == "" and again.staff_no.text() == "1001"
    type_into(qtbot, again.password, "secret1")
    press_enter(qtbot, again)
    qtbot.waitUntil(lambda: again.user is not None, timeout=5_000)
    assert again.user.name == "张敏"
    again.runner.wait_idle()
    rt.close()


def test_repeated_failures_lock_until_a_stated_time(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, clock, teller_user_factory
) -> None:
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    rt = open_runtime(url, Settings(db_url=url), clock=clock)
    teller_user_factory(rt, clock)
    dialog = LoginDialog(rt)
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.staff_no, "1024")
    for _ in range(MAX_FAILURES):
        type_into(qtbot, dialog.password, "wrong-password")
        press_enter(qtbot, dialog)
        qtbot.waitUntil(lambda: dialog.buttons.isEnabled() and dialog.password.text() == "",
                        timeout=5_000)
    assert "锁定至 10:15" in dialog.error.text()
    type_into(qtbot, dialog.password, "secret1")
    press_enter(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled() and dialog.password.text() == "",
                    timeout=5_000)
    assert "锁定至 10:15" in dialog.error.text() and dialog.user is None
    dialog.runner.wait_idle()
    rt.close()
