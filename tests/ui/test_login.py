"""Login: the first start creates the first account; later a wrong password is told
plainly and a right one logs in; the check runs off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from counter_app.config import Settings
from counter_app.runtime import open_runtime
from ui.windows.login import LoginDialog


def test_first_run_then_login(qtbot, tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    rt = open_runtime(url, Settings(db_url=url), clock=clock)
    first = LoginDialog(rt)
    qtbot.addWidget(first)
    assert first.first_run and "创建账号" in first.windowTitle()
    first.staff_no.setText("1001")
    first.name.setText("张敏")
    first.password.setText("123")
    first.try_login()
    qtbot.waitUntil(lambda: "至少6位" in first.error.text(), timeout=5_000)
    first.password.setText("secret1")
    first.try_login()
    qtbot.waitUntil(lambda: first.user is not None, timeout=5_000)
    assert first.user.role == "admin"

    again = LoginDialog(rt)
    qtbot.addWidget(again)
    assert not again.first_run
    again.staff_no.setText("1001")
    again.password.setText("wrong-password")
    again.try_login()
    qtbot.waitUntil(lambda: "工号或密码错误" in again.error.text(), timeout=5_000)
    again.password.setText("secret1")
    again.try_login()
    qtbot.waitUntil(lambda: again.user is not None, timeout=5_000)
    assert again.user.name == "张敏"
    again.runner.wait_idle()
    rt.close()
