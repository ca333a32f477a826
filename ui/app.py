"""Start a GUI surface: `counter-app teller` (default), `demo`, `backoffice`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)


def _parser(command: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"counter-app {command}")
    p.add_argument("--db", help="数据库地址（默认：本机 SQLite）")
    p.add_argument("--window", help="窗口号（默认取配置）")
    p.add_argument(
        "--devices",
        choices=["config", "simulated", "none"],
        default="config",
        help="外设：按配置连接、模拟外设或不连接",
    )
    return p


def _display_available() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def run_gui(command: str, argv: list[str]) -> int:
    args = _parser(command).parse_args(argv)
    if not _display_available():
        print(
            "错误: 没有图形显示。请在桌面环境中运行，或使用 Xvfb (xvfb-run counter-app …)，"
            "或设置 QT_QPA_PLATFORM=offscreen 进行无界面测试。",
            file=sys.stderr,
        )
        return 2
    from PySide6.QtWidgets import QApplication, QMessageBox

    from counter_app.config import load_settings
    from counter_app.runtime import open_runtime
    from ui.fonts import apply_app_font
    from ui.style import APP_STYLE

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("快办柜台")
    apply_app_font(app)
    app.setStyleSheet(APP_STYLE)

    settings = load_settings()
    if args.window:
        from dataclasses import replace

        settings = replace(settings, window_no=args.window)
    db_url = args.db
    if command == "demo":
        tmp = Path(tempfile.mkdtemp(prefix="kuaiban-demo-"))
        from dataclasses import replace

        settings = replace(
            settings, papers_dir=str(tmp / "papers"), a4_printer=f"folder:{tmp / 'printed'}"
        )
        db_url = f"sqlite:///{tmp / 'demo.sqlite3'}"
    try:
        rt = open_runtime(db_url, settings)
    except Exception as exc:  # shown to the teller, not a traceback
        log.exception("cannot open database")
        QMessageBox.critical(None, "快办柜台", f"无法打开数据库：\n{exc}")
        return 3

    if command == "demo":
        from counter_app.demo import seed

        seed(rt)
        user = _demo_user(rt)
        devices = "simulated" if args.devices == "config" else args.devices
    else:
        from ui.login import LoginDialog

        dialog = LoginDialog(rt)
        if dialog.exec() != LoginDialog.DialogCode.Accepted or dialog.user is None:
            return 1
        user = dialog.user
        devices = args.devices

    window = _surface(command, rt, user, devices)
    window.show()
    code = app.exec()
    rt.close()
    return code


def _demo_user(rt):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from counter_app.store.models import User

    with rt.uow() as session:
        user = session.scalar(select(User).where(User.staff_no == "1001"))
        session.expunge(user)
    return user


def _surface(command: str, rt, user, devices: str):  # type: ignore[no-untyped-def]
    if command == "backoffice":
        from ui.backoffice_window import BackOfficeWindow

        return BackOfficeWindow(rt, user)
    from ui.teller_window import TellerWindow

    return TellerWindow(rt, user)
