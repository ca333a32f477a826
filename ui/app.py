"""Start a GUI surface: `counter-app teller` (default), `demo`, `backoffice`,
`supervisor` (值班长 and administrators only), and the unattended `kiosk` and `display`
(full screen, no login)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)
UNATTENDED = {"kiosk", "display"}


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
    from ui.translations import install_qt_chinese

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("快办柜台")
    apply_app_font(app)
    install_qt_chinese(app)
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
    elif command in UNATTENDED:  # the kiosk and the hall display run without a login
        user, devices = None, args.devices
    else:
        from ui.windows.login import LoginDialog

        dialog = LoginDialog(rt)
        if dialog.exec() != LoginDialog.DialogCode.Accepted or dialog.user is None:
            return 1
        user = dialog.user
        devices = args.devices

    window = _surface(command, rt, user, devices)
    if window is None:  # e.g. a teller asked for the supervisor view
        rt.close()
        return 1
    background = [] if command in UNATTENDED else _start_background(rt)
    if command in UNATTENDED:
        window.showFullScreen()
    else:
        window.show()
    code = app.exec()
    for stop in background:
        stop()
    rt.close()
    return code


def _start_background(rt):  # type: ignore[no-untyped-def]
    """The outbox deliverer to the provincial 好差评 system, when hcp_url is set
    (several PCs may each run one: leases keep them apart). Returns stop callables."""
    if not rt.settings.hcp_url:
        return []
    from counter_app.services.hcp_export import load_profile
    from counter_app.services.outbox import Deliverer, sender_from_settings

    try:
        sender = sender_from_settings(rt.settings, load_profile(rt.settings.hcp_profile or None))
    except ValueError:
        log.exception("好差评 profile unusable; ratings stay in the outbox")
        return []
    if sender is None:
        return []
    deliverer = Deliverer(rt.sessions, sender).start()
    return [deliverer.stop]


def _demo_user(rt):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from counter_app.store.models import User

    with rt.uow() as session:
        user = session.scalar(select(User).where(User.staff_no == "1001"))
        session.expunge(user)
    return user


def _surface(command: str, rt, user, devices: str):  # type: ignore[no-untyped-def]
    if command == "kiosk":
        from ui.windows.kiosk import KioskWindow

        kiosk = KioskWindow(rt)
        # the kiosk prints its slips itself; the hub only reads cards and codes
        readers = _make_devices(rt, devices, kinds=("idcard", "sscard", "scanner"))
        if readers is not None:
            kiosk.attach_devices(readers)
        return kiosk
    if command == "display":
        from ui.windows.display import DisplayWindow

        return DisplayWindow(rt)
    if command == "backoffice":
        from ui.windows.backoffice import BackOfficeWindow

        return BackOfficeWindow(rt, user)
    if command == "supervisor":
        from ui.windows.supervisor import SUPERVISOR_ROLES, SupervisorWindow

        if user.role not in SUPERVISOR_ROLES:  # a role: tellers don't see it
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(None, "快办柜台", "值班长视图仅对值班长和管理员开放。")
            return None
        return SupervisorWindow(rt, user)
    from ui.windows.teller import TellerWindow

    window = TellerWindow(rt, user, _make_devices(rt, devices))
    _attach_ratings(window, rt, user, devices)
    return window


def _make_devices(rt, mode: str, kinds: tuple[str, ...] | None = None):  # type: ignore[no-untyped-def]
    """The counter's devices: from the settings, simulated on pseudo-terminals (demo,
    trying a set-up), or none. Drivers start at once and reconnect by themselves."""
    if mode == "none":
        return None
    from PySide6.QtWidgets import QApplication

    from counter_app.config import data_dir
    from devices.hub import DeviceHub, ports_from_settings
    from ui.bridge.devices import DeviceController

    hub = DeviceHub()
    resolver = None
    simulators = None
    if mode == "simulated":
        from devices.hub import start_simulated_devices

        try:
            simulators = start_simulated_devices()
        except OSError as exc:  # no pseudo-terminals (Windows): run without devices
            log.warning("simulated devices unavailable: %s", exc)
            return None
        ports = simulators.ports
        resolver = simulators.resolver
    else:
        ports = {k: v for k, v in ports_from_settings(rt.settings).items() if v}
        if ports.get("pad") == "soft":  # the software pad is a window, not a port
            del ports["pad"]
        resolver = None  # the official resolver service is configured per province
    if kinds is not None:
        ports = {k: v for k, v in ports.items() if k in kinds}
    if not ports:
        return None
    try:
        hub.configure(ports, spool_dir=data_dir() / "print-spool")
    except ValueError as exc:
        log.error("device settings: %s", exc)
        return None
    controller = DeviceController(hub, resolver)
    controller.simulators = simulators
    controller.start()

    def stop() -> None:
        controller.stop()
        if simulators is not None:
            simulators.stop()

    QApplication.instance().aboutToQuit.connect(stop)
    return controller


def _attach_ratings(window, rt, user, devices: str) -> None:  # type: ignore[no-untyped-def]
    """The evaluation pad for this window (hardware, or the software pad on a second
    screen) and the service that stores what comes back."""
    from counter_app.services.rating_pad import PadRatingService
    from ui.bridge.rating_hook import make_pad

    pad, screen = make_pad(rt, devices, getattr(window, "hub", None))
    if pad is None:
        return
    service = PadRatingService(rt, pad, teller_id=user.id).start()
    window.rating.attach(service)
    if screen is not None:
        from PySide6.QtGui import QGuiApplication

        screens = QGuiApplication.screens()
        if len(screens) > 1:  # the applicant's monitor
            screen.setGeometry(screens[1].availableGeometry())
        screen.show()
        window.soft_pad_window = screen
