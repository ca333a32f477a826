"""Login, and on a fresh database the creation of the first account.

The dialog says which hall and window it opens, checks for empty fields before
asking the database, and runs every database call (is this a new database? the
scrypt check of the password) on its task runner: the dialog never freezes. At a
cold start it is shown before the database is open: `LoginDialog.opening` opens it
(SQLAlchemy, the schema check, the catalogue) behind the dialog while the teller
types, so nothing of that is imported on the GUI thread before the first frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.roles import Actor, Role
from ui.bridge.tasks import TaskRunner

if TYPE_CHECKING:
    from counter_app.config import Settings
    from counter_app.runtime import Runtime


def user_message(exc: BaseException) -> str:
    from counter_app.usecases.errors import user_message as message  # with the use cases

    return message(exc)


def _open(opener: Callable[[], Runtime]) -> Runtime:
    """On the worker: the database, and the modules the dialog calls next."""
    rt = opener()
    import counter_app.usecases.errors  # noqa: F401
    import counter_app.usecases.staff  # noqa: F401

    return rt


class LoginDialog(QDialog):
    def __init__(self, rt: Runtime | None, parent: QWidget | None = None, *,
                 settings: Settings | None = None,
                 opener: Callable[[], Runtime] | None = None) -> None:
        super().__init__(parent)
        self.rt = rt
        self.actor: Actor | None = None
        self.first_run: bool | None = None  # known once the database answered
        settings = rt.settings if rt is not None else settings
        assert settings is not None
        hall = settings.hall
        self.setWindowTitle("快办柜台 · 登录")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        self.where = QLabel(f"{hall.name}<br><b>{hall.window_no}号窗口</b>")
        self.where.setTextFormat(Qt.TextFormat.RichText)
        self.where.setWordWrap(True)
        layout.addWidget(self.where)
        self.intro = QLabel("正在连接数据库…")
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.staff_no = QLineEdit()
        self.staff_no.setMaxLength(32)
        self.name = QLineEdit()
        self.name.setMaxLength(64)
        self.name_label = QLabel("姓名")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(128)
        form.addRow("工号", self.staff_no)
        form.addRow(self.name_label, self.name)
        form.addRow("密码", self.password)
        layout.addLayout(form)
        self.name.setVisible(False)
        self.name_label.setVisible(False)
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.runner = TaskRunner(self, max_threads=1)
        self.buttons = buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("登录")
        self.ok.setEnabled(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.staff_no.setFocus()
        if rt is not None:
            self._opened(rt)
        else:
            assert opener is not None
            self.runner.run(lambda: _open(opener), self._opened, self._cannot_open)

    @classmethod
    def opening(cls, settings: Settings, opener: Callable[[], Runtime]) -> LoginDialog:
        """The dialog at once; the database opened behind it by `opener`."""
        return cls(None, settings=settings, opener=opener)

    # -- the database answered ----------------------------------------------------------
    def _opened(self, rt: Runtime) -> None:
        from counter_app.usecases import staff

        self.rt = rt
        self.runner.run(lambda: staff.needs_first_user(rt), self._mode, self._unreachable)

    def _cannot_open(self, exc: BaseException) -> None:
        self.intro.setText("")
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        self.error.setText(f"无法打开数据库：{first}")

    def _mode(self, first: bool) -> None:
        from counter_app.services.users import MIN_PASSWORD

        self.first_run = first
        self.ok.setEnabled(True)
        if first:
            self.setWindowTitle("快办柜台 · 首次使用：创建账号")
            self.intro.setText(
                "这是一个新的数据库，请创建第一个账号（管理员，可办理所有业务）。"
                f"密码至少 {MIN_PASSWORD} 位。"
            )
            self.ok.setText("创建并登录")
            self.name.setVisible(True)
            self.name_label.setVisible(True)
        else:
            self.intro.setText(f"请输入工号和密码（密码至少 {MIN_PASSWORD} 位，区分大小写）。")

    def _unreachable(self, exc: BaseException) -> None:
        self.intro.setText("")
        self.error.setText(user_message(exc))

    # -- log in ---------------------------------------------------------------------------
    def try_login(self) -> None:
        if self.first_run is None or self.runner.busy or self.rt is None:
            return
        from counter_app.usecases import staff

        staff_no, password = self.staff_no.text().strip(), self.password.text()
        missing = [label for label, value in (
            ("工号", staff_no),
            ("姓名", self.name.text().strip() if self.first_run else "-"),
            ("密码", password),
        ) if not value]
        if missing:
            self.error.setText(f"请填写{'、'.join(missing)}")
            {"工号": self.staff_no, "姓名": self.name, "密码": self.password}[missing[0]].setFocus()
            return
        self.error.setText("正在验证…")
        self.ok.setEnabled(False)
        rt, name = self.rt, self.name.text().strip()
        if self.first_run:
            command = staff.AddUser(None, staff_no, name, password, Role.ADMIN)
            self.runner.run(lambda: staff.add_user(rt, command), self._logged_in, self._failed)
        else:
            login = staff.LogIn(staff_no, password, at_window=True)
            self.runner.run(lambda: staff.log_in(rt, login), self._logged_in, self._failed)

    def _logged_in(self, actor: Actor) -> None:
        self.actor = actor
        self.error.setText("")
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        self.error.setText(user_message(exc))
        self.password.clear()  # a wrong password never stays in the field
        self.password.setFocus()
