"""Start a GUI surface: `counter-app teller` (default), `demo`, `backoffice`,
`supervisor` (值班长 and administrators only), and the unattended `kiosk` and `display`
(full screen, no login).

This is where the GUI is wired: settings, database, login, devices, the rating
pad, the outbox deliverers (ratings, case records), the background sweep of overdue
cases, each registered with the AppContext so it is stopped when the application
quits.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

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
    _stop_on_signals()  # from here on a SIGTERM cleans up, also before the window is up
    from PySide6.QtWidgets import QApplication, QMessageBox

    from counter_app.config import SettingsError, load_settings
    from ui.fonts import apply_app_font
    from ui.style import APP_STYLE
    from ui.translations import install_qt_chinese

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("快办柜台")
    apply_app_font(app)
    install_qt_chinese(app)
    app.setStyleSheet(APP_STYLE)
    from ui.bridge.gc_guard import collect_on_gui_thread

    collect_on_gui_thread(app)  # no Qt object ever destroyed by the GC on a worker thread

    try:
        settings = load_settings()
        if args.window:
            settings = settings.with_values(window_no=args.window)
    except SettingsError as exc:
        QMessageBox.critical(None, "快办柜台 · 配置有误", str(exc))
        return 2
    if command != "demo":
        return _open_and_run(app, command, args, settings, args.db)
    demo_dir = Path(tempfile.mkdtemp(prefix="kuaiban-demo-"))
    try:
        settings = settings.with_values(
            papers_dir=str(demo_dir / "papers"), a4_printer=f"folder:{demo_dir / 'printed'}"
        )
        return _open_and_run(app, command, args, settings,
                             f"sqlite:///{demo_dir / 'demo.sqlite3'}")
    finally:
        shutil.rmtree(demo_dir, ignore_errors=True)


def _open_and_run(app: Any, command: str, args: argparse.Namespace, settings: Any,
                  db_url: str | None) -> int:
    from PySide6.QtWidgets import QMessageBox

    def opener() -> Any:
        from counter_app.runtime import open_runtime  # SQLAlchemy: off the first frame

        return open_runtime(db_url, settings)

    if command != "demo" and command not in UNATTENDED:
        return _log_in_and_run(app, command, args, settings, opener)
    # the hall's time zone loaded here, before two threads import the modules that
    # use it at once (a demo start once failed with ZoneInfoNotFoundError under load)
    import counter_app.domain.clock  # noqa: F401

    if command == "demo":
        return _run_demo(app, args, settings, db_url or "", opener)
    opened = _Opening(opener)
    _preload(command)  # the window's modules meanwhile, on this thread
    rt, actor, exc = opened.result()
    if rt is not None and STOP.requested:  # stopped while starting: close, clean up
        rt.close()
        return 0
    if rt is None:  # shown to the teller, not a traceback
        log.error("cannot open database: %s", exc)
        QMessageBox.critical(None, "快办柜台", f"无法打开数据库：\n{_first_line(exc)}")
        return 3
    try:
        return _run(app, command, args, rt, actor)
    finally:
        rt.close()


class _Opening:
    """The database opened on a worker thread while the GUI thread loads the
    window's modules (kiosk, hall display): SQLite and the disk wait in parallel
    with the imports."""

    def __init__(self, opener: Any) -> None:
        self.rt: Any = None
        self.actor: Any = None
        self.exc: BaseException | None = None
        self.thread = threading.Thread(target=self._work, args=(opener,),
                                       name="open-database", daemon=True)
        self.thread.start()

    def _work(self, opener: Any) -> None:
        try:
            self.rt = opener()
        except Exception as exc:  # reported on the GUI thread
            log.exception("cannot open database")
            self.exc = exc

    def result(self) -> tuple[Any, Any, BaseException | None]:
        self.thread.join()
        if self.exc is not None and self.rt is not None:
            self.rt.close()
            self.rt = None
        return self.rt, self.actor, self.exc


def _run_demo(app: Any, args: argparse.Namespace, settings: Any, db_url: str,
              opener: Any) -> int:
    """The demo's teller window goes on screen before its database exists: it is
    built on an OpeningRuntime (settings, catalogue and calendar at once; the
    catalogue read while the window's modules load) for the demo teller, known in
    advance. Once the window is shown, a worker creates and seeds the database; the
    lists and the queue strip say 正在加载… until then, and a use case asked for
    meanwhile (F1, a submit) waits on its worker thread. The simulated devices start
    then too (their lights say 正在连接…); the sweeper, the outbox senders and the
    rating pad once the database is open."""
    from counter_app.demo import demo_teller
    from counter_app.runtime import OpeningRuntime, default_deps

    deps: list[Any] = []
    catalogue = threading.Thread(target=lambda: deps.append(default_deps()),
                                 name="load-catalogue", daemon=True)
    catalogue.start()
    _preload("demo")  # the window's modules meanwhile, on this thread
    catalogue.join()
    if not deps:  # the catalogue did not load: said as for the database
        try:
            deps.append(default_deps())
        except Exception as exc:
            log.exception("cannot load the catalogue")
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(None, "快办柜台", f"无法加载事项目录：\n{_first_line(exc)}")
            return 3
    rt = OpeningRuntime(settings, deps[0], db_url)
    try:
        return _run(app, "demo", args, rt, demo_teller(), opening=opener)
    finally:
        rt.failed(RuntimeError("演示已退出"))  # nothing waits for a database never opened
        rt.close()


def _open_behind(window: Any, ctx: Any, devices: str, opener: Any) -> None:
    """The demo's devices and database once the window shows: the device modules
    and the database (created, seeded) on workers, then what needs them starts on
    this thread. A database failure is said in a message box and ends the demo
    (exit code 3, as when the database cannot be opened before a window)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from counter_app.demo import demo_teller, seed

    rt = ctx.rt
    waiting = {"devices", "database"}  # the rating pad needs both (make_pad: the hub's pad)

    def both_ready(part: str) -> None:
        waiting.discard(part)
        if not waiting and not STOP.requested:
            _attach_ratings(window, ctx, devices)

    def load_devices() -> None:  # on a worker thread: the drivers' modules
        import devices.hub  # noqa: F401
        import ui.bridge.devices  # noqa: F401

    def devices_loaded(_result: object) -> None:
        if STOP.requested:
            return
        window.attach_devices(_make_devices(ctx, devices))
        both_ready("devices")

    def work() -> None:  # on a worker thread
        try:
            opened = opener()
        except BaseException as exc:
            rt.failed(exc)  # use cases waiting on their workers fail, not hang
            raise
        try:
            teller = seed(opened)
            if teller != demo_teller():  # the window was made for this account
                raise RuntimeError(f"演示数据库不是新建的（柜员 {teller}）")
            # what `ready` starts on the GUI thread, imported here, off it
            import counter_app.infra.pad_session  # noqa: F401
            import counter_app.infra.sweeper  # noqa: F401
            import counter_app.usecases.errors  # noqa: F401
            import counter_app.usecases.outbox  # noqa: F401
        except BaseException as exc:
            opened.close()
            rt.failed(exc)
            raise
        rt.opened(opened)  # use cases waiting on their workers go on from here

    def ready(_result: object) -> None:
        if STOP.requested:
            return
        _start_deliverer(ctx)
        _start_sweeper(ctx)
        both_ready("database")
        _warm_papers()

    def failed(exc: BaseException) -> None:
        log.error("cannot open the demo database: %s", getattr(exc, "__traceback_text__", exc))
        QMessageBox.critical(window, "快办柜台", f"无法打开数据库：\n{_first_line(exc)}")
        QApplication.instance().exit(3)

    def start() -> None:
        if STOP.requested:
            rt.failed(RuntimeError("stopped"))
            return
        if devices == "none":
            window.attach_devices(None)
            waiting.discard("devices")
        else:
            ctx.runner.run(load_devices, devices_loaded)
        ctx.runner.run(work, ready, failed)

    QTimer.singleShot(0, start)  # once the event loop runs: the window is on screen


def _preload(command: str) -> None:
    """Import the surface's window (no widget is made here)."""
    import importlib

    module = {"demo": "ui.windows.teller", "kiosk": "ui.windows.kiosk",
              "display": "ui.windows.display"}.get(command)
    if module:
        importlib.import_module(module)


def _log_in_and_run(app: Any, command: str, args: argparse.Namespace, settings: Any,
                    opener: Any) -> int:
    """The login dialog first (shown before the database is even open: it opens
    behind the dialog), then the surface."""
    from ui.windows.login import LoginDialog

    dialog = LoginDialog.opening(settings, opener)
    _quit_on_signals(app, dialog.reject)  # stopped at the login: nothing to clean up
    accepted = dialog.exec() == LoginDialog.DialogCode.Accepted and dialog.actor is not None
    dialog.runner.wait_idle(30_000)  # an open still under way ends before we go on
    _stop_on_signals()  # until the surface's event loop runs
    rt = dialog.rt
    try:
        if not accepted or rt is None:
            return 0  # the teller closed the dialog: nothing to report
        return _run(app, command, args, rt, dialog.actor)
    finally:
        if rt is not None:
            rt.close()


def _run(app: Any, command: str, args: argparse.Namespace, rt: Any, actor: Any = None,
         opening: Any = None) -> int:
    """`opening`: the demo's opener, run once the window shows (rt an OpeningRuntime)."""
    from ui.context import AppContext

    if command == "demo":  # its database opens once the window shows (_run_demo)
        devices = "simulated" if args.devices == "config" else args.devices
    else:  # logged in, or the kiosk and the hall display, which run without a login
        devices = args.devices

    ctx = AppContext(rt, actor)
    try:  # a signal before the event loop runs stops whatever was started so far
        if command not in UNATTENDED and opening is None:
            _start_deliverer(ctx)
            _start_sweeper(ctx)
        window = _surface(command, ctx, devices, later=opening is not None)
        if window is None:  # e.g. a teller asked for the supervisor view
            return 1
        if STOP.requested:  # stopped while the surface was being made
            return 0
        if command in UNATTENDED:
            window.showFullScreen()
        else:
            window.showMaximized()
            if opening is None:
                _warm_papers()
            else:
                _open_behind(window, ctx, devices, opening)
        _quit_on_signals(app)
        if STOP.requested:
            return 0
        return app.exec()
    finally:
        ctx.close()


def _warm_papers() -> None:
    """Parse the PDF fonts (9 MB of TTF) behind the first frame, so the teller's first
    receipt does not wait for them (they are parsed once per process)."""

    def warm() -> None:
        try:
            from printing import fonts

            fonts.register_fonts()
        except Exception:  # the first paper will say what is wrong
            log.exception("PDF fonts not loaded in advance")

    threading.Thread(target=warm, name="warm-papers", daemon=True).start()


class _StopRequest:
    """SIGTERM / SIGINT before the event loop runs: only noted (an exception raised
    wherever the signal lands could leave a lock held and hang the exit; one CI run
    did). The start-up looks at it between its steps and returns, so the `finally`
    blocks close the database, stop the simulators and remove the demo's folder."""

    requested = False

    def note(self, *_: Any) -> None:
        self.requested = True


STOP = _StopRequest()


def _stop_on_signals() -> None:
    import signal

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, STOP.note)


def _quit_on_signals(app: Any, stop: Any = None) -> None:
    """SIGTERM / SIGINT (a service manager, Ctrl+C in the terminal) end the event loop
    like closing the window, so the stop hooks run: drivers stop, simulators remove
    their pseudo-terminals, the demo its throw-away folder. Python handles a signal
    only when it runs, so a timer gives it a turn now and then."""
    import signal

    from PySide6.QtCore import QTimer

    quit_ = stop or app.quit

    def on_signal(*_: Any) -> None:
        STOP.note()
        quit_()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    ticker = QTimer(app)  # also catches a signal noted just before the loop ran
    ticker.timeout.connect(lambda: quit_() if STOP.requested else None)
    ticker.start(250)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _start_deliverer(ctx: Any) -> None:
    """The outbox deliverers to the provincial systems: ratings when hcp_url is set,
    case records when case_report_url is (several PCs may each run them: leases keep
    them apart)."""
    from counter_app.usecases.outbox import NotConfigured, deliverer_for

    if ctx.settings.delivery.url:
        try:
            deliverer = deliverer_for(ctx.rt).start()
        except NotConfigured:
            log.exception("好差评 delivery not configured; ratings stay in the outbox")
        else:
            ctx.deliverer = deliverer
            ctx.on_stop(deliverer.stop)
    if ctx.settings.delivery.case_url:
        try:
            cases_out = deliverer_for(ctx.rt, target="case").start()
        except NotConfigured:
            log.exception("case records delivery not configured; records stay in the outbox")
        else:
            ctx.on_stop(cases_out.stop)


def _start_sweeper(ctx: Any) -> None:
    """The overdue rules (容缺 → 终止办理, 补正 → 视为撤回) applied in the background of
    every window, every sweep_minutes (idempotent, safe with many windows)."""
    from counter_app.infra.sweeper import Sweeper

    sweeper = Sweeper(ctx.rt).start()
    ctx.sweeper = sweeper
    ctx.on_stop(sweeper.stop)


def _surface(command: str, ctx: Any, devices: str, *, later: bool = False) -> Any:
    """The surface's window. `later`: the teller's devices and rating pad come once
    the window is up (the demo's: _open_behind); until then it says so."""
    if command == "kiosk":
        from ui.windows.kiosk import KioskWindow

        kiosk = KioskWindow(ctx)
        # the kiosk prints its slips itself; the hub only reads cards and codes
        readers = _make_devices(ctx, devices, kinds=("idcard", "sscard", "scanner"))
        if readers is not None:
            kiosk.attach_devices(readers)
        return kiosk
    if command == "display":
        from ui.windows.display import DisplayWindow

        return DisplayWindow(ctx)
    if command == "backoffice":
        from counter_app.domain.roles import Permission
        from ui.windows.backoffice import BackOfficeWindow

        if not ctx.actor.can(Permission.HANDLE_SUB_ITEM):
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(
                None, "快办柜台", "后台工作台仅对后台经办人员、值班长和管理员开放。"
            )
            return None
        return BackOfficeWindow(ctx)
    if command == "supervisor":
        from counter_app.domain.roles import Permission
        from ui.windows.supervisor import SupervisorWindow

        if not ctx.actor.can(Permission.VIEW_REPORTS):  # a role: tellers don't see it
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(None, "快办柜台", "值班长视图仅对值班长和管理员开放。")
            return None
        return SupervisorWindow(ctx)
    from ui.windows.teller import TellerWindow

    if later:
        window = TellerWindow(ctx)
        window.expect_devices()
        window.rating.loading()
        return window
    ctx.devices = _make_devices(ctx, devices)
    window = TellerWindow(ctx)
    _attach_ratings(window, ctx, devices)
    return window


def _make_devices(ctx: Any, mode: str, kinds: tuple[str, ...] | None = None) -> Any:
    """The counter's devices: from the settings, simulated on pseudo-terminals (demo,
    trying a set-up), or none. Drivers start at once and reconnect by themselves."""
    if mode == "none":
        return None
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
        ctx.on_stop(simulators.stop)
        ports = simulators.ports
        resolver = simulators.resolver
    else:
        ports = {k: v for k, v in ports_from_settings(ctx.settings.devices).items() if v}
        if ports.get("pad") == "soft":  # the software pad is a window, not a port
            del ports["pad"]
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
    ctx.on_stop(controller.stop)
    return controller


def _attach_ratings(window: Any, ctx: Any, devices: str) -> None:
    """The evaluation pad for this window (hardware, or the software pad on a second
    screen) and the service that stores what comes back."""
    from counter_app.infra.pad_session import PadRatingService
    from ui.bridge.rating_hook import make_pad

    pad, screen = make_pad(ctx, devices)
    if pad is None:
        window.rating.no_pad()
        return
    service = PadRatingService(ctx.rt, pad, actor=ctx.actor).start()
    ctx.on_stop(service.stop)
    deliverer = getattr(ctx, "deliverer", None)
    if deliverer is not None:  # a rating stored: send it to the province now
        service.add_listener(lambda _event: deliverer.wake())
    window.rating.attach(service)
    if screen is not None:
        screen.place_beside(window)  # the applicant's monitor, or above the teller's window
        window.soft_pad_window = screen
        lights = getattr(window, "lights", None)
        if lights is not None:  # not a hub device: its light follows the pad's screen
            lights.set_state("pad", "online", "软件评价屏（本机窗口）")
            screen.closed.connect(
                lambda: lights.set_state("pad", "offline", "软件评价屏已关闭"))
