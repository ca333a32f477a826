"""Try one device with a setting before it is saved (the settings dialog's
"测试设备"; the technician's `counter-app device …` commands do the same by hand).

Blocking (opens a port, waits a few seconds): the GUI runs it on its task runner.
The result says in Chinese what was found, with personal data masked; it never
raises for a device that is absent or silent — that is the answer, not a fault.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.domain.masking import mask_id, mask_name
from counter_app.domain.roles import Actor, Permission
from counter_app.domain.transitions import LabelledEnum


class DeviceKind(LabelledEnum):
    """The devices a counter sets up; values are the hub's kinds (and "a4")."""

    IDCARD = "idcard", "身份证阅读器"
    SSCARD = "sscard", "社保卡读卡器"
    SCANNER = "scanner", "扫码枪"
    PAD = "pad", "评价器"
    SLIP_PRINTER = "printer", "号票打印机"
    A4_PRINTER = "a4", "A4 文书打印机"


#: The settings key of each kind.
SETTING_KEYS = {
    DeviceKind.IDCARD: "idcard_port",
    DeviceKind.SSCARD: "sscard_port",
    DeviceKind.SCANNER: "scanner_port",
    DeviceKind.PAD: "pad_port",
    DeviceKind.SLIP_PRINTER: "slip_printer",
    DeviceKind.A4_PRINTER: "a4_printer",
}


@dataclass(frozen=True)
class CheckDevice:
    actor: Actor
    kind: DeviceKind
    spec: str  # the setting as typed: a port, "sim", "pcsc", "soft", a printer URL …
    wait_s: float = 3.0  # how long to wait for an answer


@dataclass(frozen=True)
class DeviceCheck:
    ok: bool
    message: str  # Chinese, for the person at the screen


def check_device(cmd: CheckDevice) -> DeviceCheck:
    """Open the device with this setting and say what it answered."""
    cmd.actor.require(Permission.CHANGE_SETTINGS)
    spec = cmd.spec.strip()
    label = cmd.kind.label
    if not spec and cmd.kind is not DeviceKind.A4_PRINTER:
        return DeviceCheck(False, f"{label}未设置端口：本机不使用该设备")
    try:
        return _CHECKS[cmd.kind](spec, max(0.2, cmd.wait_s))
    except ValueError as exc:  # a setting the driver cannot parse: its message is Chinese
        return DeviceCheck(False, f"{label}设置无效：{exc}")
    except OSError as exc:
        return DeviceCheck(False, f"{label}无法打开：{exc.strerror or exc}")


def _idcard(spec: str, wait: float) -> DeviceCheck:
    from devices.idcard.reader import IdCardError, SerialSamBackend
    from devices.idcard.vendor import USB_PORT, VendorLibBackend
    from devices.transport import DeviceUnavailable

    backend: Any
    if spec == "sdtapi" or spec.startswith("sdtapi:"):
        arg = spec.partition(":")[2]
        backend = (VendorLibBackend(port=int(arg)) if arg.isdigit()
                   else VendorLibBackend(arg or None, port=USB_PORT))
    else:
        backend = SerialSamBackend(spec, 115200)
    try:
        backend.open()
    except DeviceUnavailable as exc:
        return DeviceCheck(False, f"身份证阅读器无法连接：{exc.reason}")
    try:
        card = None
        deadline = time.monotonic() + wait
        while card is None and time.monotonic() < deadline:
            try:
                card = backend.read_card()
            except IdCardError as exc:
                if exc.link:
                    return DeviceCheck(False, f"身份证阅读器无应答：{exc}")
            if card is None:
                time.sleep(0.2)
    finally:
        backend.close()
    if card is None:
        return DeviceCheck(True, "身份证阅读器已连接，未放证件（放上证件可再测一次读卡）")
    return DeviceCheck(True, f"身份证阅读器正常，读到证件：{mask_name(card.name)} "
                             f"{mask_id(card.id_number)}")


def _sscard(spec: str, wait: float) -> DeviceCheck:
    from devices.sscard.apdu import SsCardError
    from devices.sscard.backends import backend_for
    from devices.transport import DeviceUnavailable

    backend = backend_for(spec)
    try:
        backend.open()
    except DeviceUnavailable as exc:
        return DeviceCheck(False, f"社保卡读卡器无法连接：{exc.reason}")
    try:
        card = None
        deadline = time.monotonic() + wait
        while card is None and time.monotonic() < deadline:
            try:
                card = backend.read_card()
            except SsCardError as exc:
                return DeviceCheck(False, f"社保卡读卡失败：{exc}")
            if card is None:
                time.sleep(0.2)
    finally:
        backend.close()
    simulated = "（模拟读卡器）" if spec == "sim" else ""
    if card is None:
        return DeviceCheck(True, f"社保卡读卡器已连接{simulated}，未插卡（插卡后可再测一次）")
    return DeviceCheck(True, f"社保卡读卡器正常{simulated}，读到：{mask_name(card.name)} "
                             f"{mask_id(card.ssn)}")


def _online(driver: Any, wait: float) -> tuple[bool, str]:
    """Start a driver, wait until it says online (or the time is up), stop it."""
    driver.start()
    try:
        deadline = time.monotonic() + wait
        while not driver.status.online and time.monotonic() < deadline:
            time.sleep(0.05)
        return driver.status.online, driver.status.reason
    finally:
        driver.stop()


def _scanner(spec: str, wait: float) -> DeviceCheck:
    from devices.scanner.driver import ScannerDriver

    online, reason = _online(ScannerDriver(spec), wait)
    if online:
        return DeviceCheck(True, "扫码枪端口已打开，可以扫码")
    return DeviceCheck(False, f"扫码枪无法连接：{reason or '端口无响应'}")


def _pad(spec: str, wait: float) -> DeviceCheck:
    if spec == "soft":
        return DeviceCheck(True, "软件评价器：在第二块屏幕上显示，无需串口")
    from devices.pad.driver import PadDriver

    online, reason = _online(PadDriver(spec), max(wait, 3.0))
    if online:
        return DeviceCheck(True, "评价器在线，应答正常")
    return DeviceCheck(False, f"评价器无应答：{reason or '请检查串口和电源'}")


def _slip_printer(spec: str, wait: float) -> DeviceCheck:
    from devices.escpos.printer import EscPosPrinter
    from devices.escpos.spool import JobSpool

    with tempfile.TemporaryDirectory(prefix="kuaiban-print-test-") as spool_dir:
        printer = EscPosPrinter(spec, spool=JobSpool(spool_dir))
        try:
            result = printer.print_job(slip_for_test(spec), "打印测试")
        finally:
            printer.close()
    if result.ok:
        return DeviceCheck(True, "号票打印机正常，已打印测试小票")
    return DeviceCheck(False, f"号票打印机打印失败：{result.reason or '无应答'}")


def slip_for_test(printer: str) -> bytes:
    """A short ESC/POS test slip: Chinese text, a QR code, a cut."""
    from devices.escpos.builder import Align, EscPosBuilder

    now = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    return (
        EscPosBuilder().init().align(Align.CENTER).bold().line("快办柜台 打印测试").bold(False)
        .align(Align.LEFT).line(f"时间：{now}").line(f"打印机：{printer}")
        .align(Align.CENTER).qr("https://kuaiban.example.invalid/print-test", module_size=4)
        .feed(1).cut().build()
    )


def _a4_printer(spec: str, wait: float) -> DeviceCheck:
    """An ordinary printer: a folder must be writable; a queue must exist in the
    system's spooler (no page is printed: the test costs no paper)."""
    if spec.startswith("folder:"):
        folder = Path(spec[len("folder:"):]).expanduser()
        if not str(folder).strip():
            return DeviceCheck(False, "folder: 后面要写保存文书的目录")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
                pass
        except OSError as exc:
            return DeviceCheck(False, f"目录 {folder} 不能写入：{exc.strerror or exc}")
        return DeviceCheck(True, f"文书将保存到目录 {folder}（可写入）")
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        import sys

        if sys.platform == "win32":  # pragma: no cover - Windows only
            return DeviceCheck(True, "将使用 Windows 默认打印机打印（请在系统中确认默认打印机）")
        return DeviceCheck(False, "本机未安装打印服务（CUPS），无法打印；"
                                  "可填 folder:目录 把文书保存到文件夹")
    args = [lpstat, "-p", spec] if spec else [lpstat, "-d"]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=max(wait, 5.0))
    except subprocess.TimeoutExpired:
        return DeviceCheck(False, "打印服务无响应，请检查 CUPS")
    out = (done.stdout or "").strip()
    if done.returncode != 0 or not out or "no system default" in out.lower():
        if spec:
            return DeviceCheck(False, f"系统中没有名为 {spec} 的打印机")
        return DeviceCheck(False, "本机没有默认打印机：请填写打印队列名，或 folder:目录")
    if not spec:
        return DeviceCheck(True, f"将使用系统默认打印机（{out.splitlines()[0]}）")
    return DeviceCheck(True, f"打印机 {spec} 可用（{out.splitlines()[0]}）")


_CHECKS = {
    DeviceKind.IDCARD: _idcard,
    DeviceKind.SSCARD: _sscard,
    DeviceKind.SCANNER: _scanner,
    DeviceKind.PAD: _pad,
    DeviceKind.SLIP_PRINTER: _slip_printer,
    DeviceKind.A4_PRINTER: _a4_printer,
}


def serial_ports() -> list[tuple[str, str]]:
    """(port, description) of the serial ports this PC has now (for the dialog's
    choices; a port can still be typed by hand)."""
    try:
        from serial.tools import list_ports
    except ImportError:  # pragma: no cover - pyserial always ships it
        return []
    return [(p.device, p.description or "") for p in sorted(list_ports.comports())]


def printer_queues() -> list[str]:
    """The system spooler's printer queues (CUPS `lpstat -e`), [] when there is none."""
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return []
    try:
        done = subprocess.run([lpstat, "-e"], capture_output=True, text=True, timeout=5)
    except (subprocess.TimeoutExpired, OSError):
        return []
    return [line.strip() for line in (done.stdout or "").splitlines() if line.strip()]
