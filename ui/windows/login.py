"""Teller login, and on a fresh database the creation of the first account.

The dialog names the hall and the window it logs into, tells the password rule
before the first try, checks on a worker thread, and after a wrong password clears
the password field (the staff number stays) and says how many tries are left; a
locked staff number is told until when (services.users.check_login).
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app.runtime import Runtime
from counter_app.services.users import (
    MIN_PASSWORD,
    LoginResult,
    Role,
    UserError,
    add_user,
    check_login,
    user_count,
)
from counter_app.store.models import User
from ui.bridge.tasks import TaskRunner

log = logging.getLogger(__name__)


class LoginDialog(QDialog):
    def __init__(self, rt: Runtime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rt = rt
        self.user: User | None = None
        with rt.uow() as session:
            self.first_run = user_count(session) == 0
        self.setWindowTitle("快办柜台 · " + ("首次使用：创建账号" if self.first_run else "登录"))
        layout = QVBoxLayout(self)
        settings = rt.settings
        self.place = QLabel(f"{settings.hall_name}　{settings.window_no}号窗口")
        self.place.setObjectName("place")
        self.place.setWordWrap(True)
        layout.addWidget(self.place)
        if self.first_run:
            layout.addWidget(
                QLabel("这是一个新的数据库，请创建第一个账号（管理员，可办理所有业务）。")
            )
        form = QFormLayout()
        self.staff_no = QLineEdit()
        self.staff_no.setMaxLength(32)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("工号", self.staff_no)
        self.name = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role)
        self.role.setCurrentIndex(self.role.findData(Role.ADMIN))
        if self.first_run:
            form.addRow("姓名", self.name)
            self.password.setPlaceholderText(f"至少{MIN_PASSWORD}位")
        form.addRow("密码", self.password)
        layout.addLayout(form)
        if self.first_run:
            layout.addWidget(QLabel(f"密码至少{MIN_PASSWORD}位，请牢记。"))
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.runner = TaskRunner(self, max_threads=1)
        self.buttons = buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            "创建并登录" if self.first_run else "登录"
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.staff_no.setFocus()

    def try_login(self) -> None:
        staff_no, password = self.staff_no.text().strip(), self.password.text()
        missing = self._missing(staff_no, password)
        if missing is not None:
            field, message = missing
            self.error.setText(message)
            field.setFocus()
            return
        name = self.name.text()
        self.buttons.setEnabled(False)
        self.error.setText("正在验证…")
        self.runner.run(
            lambda: self._check(staff_no, name, password), self._done, self._failed
        )

    def _missing(self, staff_no: str, password: str) -> tuple[QLineEdit, str] | None:
        if not staff_no:
            return self.staff_no, "请输入工号"
        if self.first_run and not self.name.text().strip():
            return self.name, "请输入姓名"
        if not password:
            return self.password, "请输入密码"
        return None

    def _check(self, staff_no: str, name: str, password: str) -> LoginResult:
        """On the worker thread: the scrypt and the database."""
        with self.rt.uow() as session:
            if self.first_run:
                try:
                    user = add_user(
                        session, staff_no, name, password, Role.ADMIN, None, self.rt.deps.clock
                    )
                except UserError as exc:
                    return LoginResult(None, str(exc))
                result = LoginResult(user)
            else:
                result = check_login(session, staff_no, password, self.rt.deps.clock)
            if result.user is not None:
                session.flush()
                session.expunge(result.user)
        return result

    def _done(self, result: LoginResult) -> None:
        self.buttons.setEnabled(True)
        if result.user is None:
            self.error.setText(result.message)
            self.password.clear()
            self.password.setFocus()
            return
        self.error.setText("")
        self.user = result.user
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        log.error("login failed: %s", type(exc).__name__, exc_info=exc)
        self.buttons.setEnabled(True)
        self.error.setText("无法登录：数据库不可用，请联系技术人员")
