"""Teller login, and on a fresh database the creation of the first account."""

from __future__ import annotations

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
from counter_app.services.users import Role, UserError, add_user, authenticate, user_count
from counter_app.store.models import User
from ui.bridge.tasks import TaskRunner


class LoginDialog(QDialog):
    def __init__(self, rt: Runtime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rt = rt
        self.user: User | None = None
        with rt.uow() as session:
            self.first_run = user_count(session) == 0
        self.setWindowTitle("快办柜台 · " + ("首次使用：创建账号" if self.first_run else "登录"))
        layout = QVBoxLayout(self)
        if self.first_run:
            layout.addWidget(
                QLabel("这是一个新的数据库，请创建第一个账号（管理员，可办理所有业务）。")
            )
        form = QFormLayout()
        self.staff_no = QLineEdit()
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
        form.addRow("密码", self.password)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setObjectName("error")
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

    def try_login(self) -> None:
        try:
            with self.rt.uow() as session:
                if self.first_run:
                    user = add_user(
                        session,
                        self.staff_no.text(),
                        self.name.text(),
                        self.password.text(),
                        Role.ADMIN,
                        None,
                        self.rt.deps.clock,
                    )
                else:
                    user = authenticate(session, self.staff_no.text(), self.password.text())
                session.expunge(user)
        except UserError as exc:
            self.error.setText(str(exc))
            return
        self.user = user
        self.accept()
