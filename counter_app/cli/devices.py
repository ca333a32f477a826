"""Technician commands: `counter-app device …` tests a device without the GUI,
`counter-app simulate …` serves a simulated device on a pseudo-terminal.

    counter-app simulate idcard --card-type J --garbage      # prints the port to use
    counter-app device read-id --port /tmp/…/idcard --wait 5
    counter-app simulate pad --lost-ack-rate 0.1 --auto-level 5,4,1
    counter-app device rate --port /tmp/…/pad --count 20 --json
    counter-app simulate printer --paper-end
    counter-app device print-test --printer serial:/tmp/…/printer?baud=9600

Personal data is masked unless `--unmasked`. Device failures exit 1 with a Chinese
message; bad input exits 2.
"""

from __future__ import annotations

import argparse
import json
import queue
import signal
import sys
import threading
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.cli.runner import CliError
from counter_app.domain.masking import mask_card, mask_id, mask_name

DEVICE_FAILURE = 1


# ---- registration -------------------------------------------------------------------


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Device commands talk to ports, not to the database (`common` is unused)."""
    _register_simulate(subparsers)
    _register_device(subparsers)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是数字: {text}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"不能为负数: {text}")
    return value


def _rate(text: str) -> float:
    value = _positive_float(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"比例须在 0–1 之间: {text}")
    return value


def _add_line_faults(p: argparse.ArgumentParser, default_baud: int) -> None:
    p.add_argument("--baud", type=int, default=default_baud, help=f"波特率 (默认 {default_baud})")
    p.add_argument("--link", help="端口路径 (默认: 临时目录下新建)")
    p.add_argument("--garbage", action="store_true", help="帧间插入乱码")
    p.add_argument("--garbage-rate", type=_rate, default=0.3, help="插入乱码的比例 (默认 0.3)")
    p.add_argument("--split", action="store_true", help="帧分段发送")
    p.add_argument("--pull-cable-after", type=int, metavar="N",
                   help="第 N 次读卡/评价/打印/扫码后拔线一次")
    p.add_argument("--pull-seconds", type=_positive_float, default=2.0, help="拔线时长 (秒)")
    p.add_argument("--no-pacing", action="store_true", help="不模拟线路速率")
    p.add_argument("--seed", type=int, help="随机种子 (复现故障)")
    p.add_argument("--json", action="store_true", help="以 JSON 输出端口")


def _register_simulate(subparsers: Any) -> None:
    sim = subparsers.add_parser("simulate", help="在伪终端上运行模拟设备")
    kinds = sim.add_subparsers(dest="sim_kind", required=True)

    p = kinds.add_parser("idcard", help="模拟身份证读卡器 (SAM 串口协议)")
    _add_line_faults(p, 115200)
    p.add_argument("--card-type", default="resident", help="resident | J | I | Y")
    p.add_argument("--no-card", action="store_true", help="读卡器上没有证件")
    p.add_argument("--bad-checksum-once", action="store_true", help="第一次读卡应答校验和错误")
    p.add_argument("--bad-checksum-rate", type=_rate, default=0.0, help="读卡应答校验和错误比例")
    p.add_argument("--drop-rate", type=_rate, default=0.0, help="不应答的请求比例")
    p.add_argument("--replace-after", type=_positive_float, default=1.0,
                   help="读卡后证件离开并在几秒后重新放上 (默认 1)")
    p.set_defaults(handler=_simulate_idcard)

    p = kinds.add_parser("pad", help="模拟评价器 (协议 v1)")
    _add_line_faults(p, 9600)
    p.add_argument("--lost-ack-rate", type=_rate, default=0.0, help="丢失确认帧 (ACK) 的比例")
    p.add_argument("--bad-crc-rate", type=_rate, default=0.0, help="发送 CRC 错误帧的比例")
    p.add_argument("--auto-level", default="5", help="自动按下的评价等级, 如 5 或 5,4,1")
    p.add_argument("--no-press", action="store_true", help="无人评价 (超时)")
    p.add_argument("--press-delay", type=_positive_float, default=1.0, help="按键前等待 (秒)")
    p.add_argument("--reasons", type=lambda s: int(s, 0), default=0b11,
                   help="差评原因位 (默认 0b11)")
    p.add_argument("--heartbeat", type=_positive_float, default=5.0, help="心跳间隔 (秒)")
    p.set_defaults(handler=_simulate_pad)

    p = kinds.add_parser("printer", help="模拟小票打印机 (ESC/POS)")
    _add_line_faults(p, 9600)
    p.add_argument("--paper-end", action="store_true", help="缺纸")
    p.add_argument("--paper-near-end", action="store_true", help="纸将尽")
    p.add_argument("--cover-open", action="store_true", help="上盖打开")
    p.add_argument("--offline", action="store_true", help="脱机")
    p.add_argument("--silent", action="store_true", help="不应答状态查询")
    p.add_argument("--save", help="结束时把收到的打印数据写入此文件")
    p.set_defaults(handler=_simulate_printer)

    p = kinds.add_parser("scanner", help="模拟串口扫码枪")
    _add_line_faults(p, 9600)
    p.add_argument("--code", action="append", help="要扫的内容 (可多次); 默认演示电子社保卡码")
    p.add_argument("--every", type=_positive_float, default=3.0, help="每隔几秒扫一次")
    p.add_argument("--terminator", choices=("crlf", "cr", "lf"), default="crlf")
    p.set_defaults(handler=_simulate_scanner)


def _register_device(subparsers: Any) -> None:
    dev = subparsers.add_parser("device", help="不启动界面测试设备")
    cmds = dev.add_subparsers(dest="device_command", required=True)

    p = cmds.add_parser("read-id", help="读身份证/居住证/永居证")
    p.add_argument("--port", help="读卡器端口 (如 /dev/ttyUSB0、COM3)")
    p.add_argument("--baud", type=int, default=115200)
    p.add_argument("--wait", type=_positive_float, default=5.0, help="等待放证的秒数")
    p.add_argument("--vendor-lib", nargs="?", const="", metavar="PATH",
                   help="改用厂商动态库 (sdtapi 兼容); 可给出库文件路径")
    p.add_argument("--vendor-port", type=int, default=1001, help="厂商库端口号 (USB 默认 1001)")
    p.add_argument("--fingerprint", action="store_true", help="同时读指纹 (30 10)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--unmasked", action="store_true", help="显示完整个人信息")
    p.set_defaults(handler=_read_id)

    p = cmds.add_parser("read-sscard", help="读社会保障卡")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--reader", help="PC/SC 读卡器名称 (部分匹配)")
    group.add_argument("--simulated", action="store_true", help="使用模拟社保卡")
    p.add_argument("--wait", type=_positive_float, default=5.0)
    p.add_argument("--json", action="store_true")
    p.add_argument("--unmasked", action="store_true")
    p.set_defaults(handler=_read_sscard)

    p = cmds.add_parser("scan", help="从串口扫码枪读取二维码/条码")
    p.add_argument("--port", required=True)
    p.add_argument("--baud", type=int, default=9600)
    p.add_argument("--count", type=int, default=1, help="读几个码后结束")
    p.add_argument("--wait", type=_positive_float, default=30.0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_scan)

    p = cmds.add_parser("rate", help="在评价器上发起评价")
    p.add_argument("--port", required=True)
    p.add_argument("--baud", type=int, default=9600)
    p.add_argument("--count", type=int, default=1, help="依次发起几次评价")
    p.add_argument("--timeout", type=int, default=60, help="每次评价的超时 (10–255 秒)")
    p.add_argument("--connect-wait", type=_positive_float, default=10.0,
                   help="等待评价器应答的秒数")
    p.add_argument("--business", default="评价器测试")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_rate_cmd)

    p = cmds.add_parser("print-test", help="打印测试小票")
    p.add_argument("--printer", required=True,
                   help="serial:端口?baud=9600、tcp:主机:9100 或 file:路径")
    p.add_argument("--spool", help="失败任务保存目录 (默认: 数据目录/print-spool)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_print_test)

    p = cmds.add_parser("print-jobs", help="列出保留的打印任务")
    p.add_argument("--spool", help="任务目录 (默认: 数据目录/print-spool)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_print_jobs)

    p = cmds.add_parser("reprint", help="重新打印保留的任务")
    p.add_argument("job_id")
    p.add_argument("--printer", required=True)
    p.add_argument("--spool")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_reprint)


# ---- helpers -------------------------------------------------------------------------


def _out(text: str = "") -> None:
    print(text, flush=True)


def _json_line(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str), flush=True)


def _check_baud(baud: int) -> None:
    if baud <= 0:
        raise CliError(f"波特率无效: {baud}")


def mask_address(address: str) -> str:
    """Keep the region (first 6 characters), hide the rest."""
    if not address:
        return ""
    return address[:6] + "*" * min(8, max(1, len(address) - 6))


def _line_faults(args: argparse.Namespace) -> Any:
    from devices.pty_sim import LineFaults

    return LineFaults(
        garbage_rate=args.garbage_rate if args.garbage else 0.0,
        split_rate=0.5 if args.split else 0.0,
        seed=args.seed,
    )


def _serve(args: argparse.Namespace, sim: Any, describe: list[tuple[str, str, Any]],
           watch: Any = None) -> int:
    """Start a simulator, print its port, run until Ctrl-C.
    `describe`: (JSON key, Chinese label, value) of what the simulator plays."""
    _check_baud(args.baud)
    try:
        sim.start()
    except OSError as exc:
        raise CliError(f"无法创建模拟端口: {exc}", DEVICE_FAILURE) from exc
    info = {"port": sim.path, "baud": sim.baud, **{key: value for key, _, value in describe}}
    restore = _stop_on_signals()
    try:
        if args.json:
            _json_line(info)
        else:
            _out(f"端口: {sim.path}")
            _out(f"波特率: {sim.baud}")
            for _, label, value in describe:
                _out(f"{label}: {value}")
            _out("按 Ctrl-C 结束")
        while True:
            time.sleep(0.1)
            if watch is not None:
                watch()
    except KeyboardInterrupt:
        return 0
    finally:
        sim.stop()
        restore()


def _stop_on_signals() -> Any:
    """Ctrl-C and SIGTERM end a simulator cleanly (its port link removed), also when
    it was started in the background, where the shell leaves SIGINT ignored."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    old = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for sig, handler in old.items():
            signal.signal(sig, handler)

    return restore


def _pull_after(args: argparse.Namespace, sim: Any, count: Any) -> Any:
    """A watcher that pulls the cable once, after `count()` reaches --pull-cable-after."""

    def watch() -> None:
        after = args.pull_cable_after
        if after and sim.cable_pulls == 0 and count() >= after:
            sim.pull_cable(args.pull_seconds)

    return watch


# ---- simulate --------------------------------------------------------------------------


def _simulate_idcard(args: argparse.Namespace) -> int:
    from devices.idcard.model import CardType
    from devices.idcard.samples import sample_card
    from devices.idcard.simulator import IdCardSimulator

    try:
        card_type = CardType.parse(args.card_type)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    sim = IdCardSimulator(
        None if args.no_card else sample_card(card_type),
        baud=args.baud,
        faults=_line_faults(args),
        replace_after_s=args.replace_after,
        bad_checksum_once=args.bad_checksum_once,
        bad_checksum_rate=args.bad_checksum_rate,
        drop_rate=args.drop_rate,
        path=args.link,
        paced=not args.no_pacing,
    )
    card = "无" if args.no_card else card_type.label
    watch = _pull_after(args, sim, lambda: sim.reads_served)
    return _serve(args, sim, [("card", "证件", card)], watch)


def _simulate_pad(args: argparse.Namespace) -> int:
    from devices.pad.simulator import PadSimulator, parse_levels

    try:
        levels = [] if args.no_press else parse_levels(args.auto_level)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    sim = PadSimulator(
        baud=args.baud,
        faults=_line_faults(args),
        levels=levels,
        bad_reasons_mask=args.reasons,
        press_delay_s=args.press_delay,
        heartbeat_s=args.heartbeat,
        lost_ack_rate=args.lost_ack_rate,
        bad_crc_rate=args.bad_crc_rate,
        pull_cable_after=args.pull_cable_after,
        pull_seconds=args.pull_seconds,
        path=args.link,
        paced=not args.no_pacing,
    )
    levels_text = ",".join(map(str, levels)) if levels else "无人评价"
    return _serve(args, sim, [("levels", "评价等级", levels_text)])


def _simulate_printer(args: argparse.Namespace) -> int:
    from devices.escpos.simulator import PrinterSimulator
    from devices.escpos.status import PrinterStatus

    status = PrinterStatus(
        offline=args.offline,
        cover_open=args.cover_open,
        paper_out=args.paper_end,
        paper_near_end=args.paper_near_end,
    )
    sim = PrinterSimulator(status, baud=args.baud, silent=args.silent,
                           faults=_line_faults(args), path=args.link,
                           paced=not args.no_pacing)
    state = "不应答" if args.silent else (status.problem or status.warning or "正常")
    try:
        watch = _pull_after(args, sim, lambda: sim.cuts)
        return _serve(args, sim, [("status", "状态", state)], watch)
    finally:
        if args.save:
            Path(args.save).write_bytes(bytes(sim.received))


def _simulate_scanner(args: argparse.Namespace) -> int:
    from devices.scanner.resolver import FakeResolver
    from devices.scanner.simulator import ScannerSimulator

    terminator = {"crlf": b"\r\n", "cr": b"\r", "lf": b"\n"}[args.terminator]
    codes = args.code or [FakeResolver.DEMO_CODE]
    sim = ScannerSimulator(baud=args.baud, terminator=terminator, codes=codes,
                           every_s=args.every or None, faults=_line_faults(args),
                           path=args.link, paced=not args.no_pacing)
    watch = _pull_after(args, sim, lambda: len(sim.sent))
    return _serve(args, sim, [("every_s", "扫码间隔 (秒)", args.every)], watch)


# ---- device: ID card ---------------------------------------------------------------------


_ID_LABELS = (
    ("card_type_label", "证件类型"),
    ("name", "姓名"),
    ("english_name", "英文姓名"),
    ("sex", "性别"),
    ("nation", "民族"),
    ("nationality_name", "国籍"),
    ("birth_date", "出生日期"),
    ("address", "住址"),
    ("id_number", "证件号码"),
    ("pass_number", "通行证号码"),
    ("issue_count", "签发次数"),
    ("authority", "签发机关"),
    ("valid_from", "有效期起"),
    ("valid_to", "有效期止"),
)


def id_card_fields(card: Any, unmasked: bool) -> dict[str, Any]:
    data = card.to_dict()
    if not unmasked:
        data["name"] = mask_name(data["name"])
        data["english_name"] = mask_name(data["english_name"])
        data["id_number"] = mask_id(data["id_number"])
        data["address"] = mask_address(data["address"])
        data["pass_number"] = mask_card(data["pass_number"])
    data["photo"] = f"WLT {len(card.photo_wlt)} 字节 (未解码, 不保存)" if card.photo_wlt else ""
    return data


def _read_id(args: argparse.Namespace) -> int:
    from devices.idcard.reader import NO_CARD_MESSAGE, IdCardError, SerialSamBackend
    from devices.idcard.vendor import VendorLibBackend
    from devices.transport import DeviceUnavailable

    backend: Any
    if args.vendor_lib is not None:
        backend = VendorLibBackend(args.vendor_lib or None, port=args.vendor_port)
    else:
        if not args.port:
            raise CliError("请用 --port 指定读卡器端口, 或用 --vendor-lib 使用厂商动态库")
        _check_baud(args.baud)
        try:
            backend = SerialSamBackend(args.port, args.baud, fingerprint=args.fingerprint)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    try:
        backend.open()
    except DeviceUnavailable as exc:
        raise CliError(exc.reason, DEVICE_FAILURE) from None
    try:
        deadline = time.monotonic() + args.wait
        last_error = ""
        while True:
            try:
                card = backend.read_card()
            except IdCardError as exc:
                if exc.link:
                    raise CliError(str(exc), DEVICE_FAILURE) from None
                last_error = str(exc)
                card = None
            if card is not None:
                break
            if time.monotonic() >= deadline:
                detail = f" (最后一次: {last_error})" if last_error else ""
                raise CliError(f"{NO_CARD_MESSAGE}: 等待 {args.wait:g} 秒{detail}", DEVICE_FAILURE)
            time.sleep(0.2)
    finally:
        backend.close()
    data = id_card_fields(card, args.unmasked)
    if args.json:
        _json_line(data)
        return 0
    for key, label in _ID_LABELS:
        if data.get(key):
            _out(f"{label}: {data[key]}")
    if data["photo"]:
        _out(f"照片: {data['photo']}")
    return 0


# ---- device: social-security card ---------------------------------------------------------


def _read_sscard(args: argparse.Namespace) -> int:
    from devices.sscard.apdu import SsCardError
    from devices.sscard.backends import PcscBackend, SimulatedBackend
    from devices.transport import DeviceUnavailable

    backend: Any = SimulatedBackend() if args.simulated else PcscBackend(args.reader)
    try:
        backend.open()
    except DeviceUnavailable as exc:
        raise CliError(exc.reason, DEVICE_FAILURE) from None
    try:
        deadline = time.monotonic() + args.wait
        while True:
            try:
                card = backend.read_card()
            except SsCardError as exc:
                raise CliError(f"读社保卡失败: {exc}", DEVICE_FAILURE) from None
            if card is not None:
                break
            if time.monotonic() >= deadline:
                raise CliError(f"未检测到社保卡: 等待 {args.wait:g} 秒", DEVICE_FAILURE)
            time.sleep(0.3)
    finally:
        backend.close()
    data = card.to_dict()
    if not args.unmasked:
        data["name"] = mask_name(data["name"])
        data["ssn"] = mask_id(data["ssn"])
        data["card_number"] = mask_card(data["card_number"])
        data["card_id"] = mask_card(data["card_id"])
    if args.json:
        _json_line(data)
        return 0
    labels = (("name", "姓名"), ("sex", "性别"), ("nation", "民族"), ("birth_date", "出生日期"),
              ("ssn", "社会保障号码"), ("card_number", "社保卡卡号"),
              ("issue_date", "发卡日期"), ("expiry_date", "有效期至"))
    for key, label in labels:
        if data.get(key):
            _out(f"{label}: {data[key]}")
    return 0


# ---- device: scanner ----------------------------------------------------------------------


def _event_queue() -> tuple[queue.Queue[Any], Any]:
    events: queue.Queue[Any] = queue.Queue()
    return events, events.put


def _scan(args: argparse.Namespace) -> int:
    from devices.scanner.driver import CodeScanned, ScannerDriver

    _check_baud(args.baud)
    if args.count < 1:
        raise CliError("--count 须至少为 1")
    events, put = _event_queue()
    try:
        driver = ScannerDriver(args.port, args.baud, on_event=put)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    got = 0
    deadline = time.monotonic() + args.wait
    with driver:
        while got < args.count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                reason = driver.status.reason
                detail = f" ({reason})" if reason and not driver.status.online else ""
                raise CliError(f"未扫描到二维码: 等待 {args.wait:g} 秒{detail}", DEVICE_FAILURE)
            try:
                event = events.get(timeout=min(0.2, remaining))
            except queue.Empty:
                continue
            if isinstance(event, CodeScanned):
                got += 1
                if args.json:
                    _json_line({"code": event.text, "source": event.source})
                else:
                    _out(event.text)
    return 0


# ---- device: pad --------------------------------------------------------------------------


def rating_line(event: Any) -> dict[str, Any]:
    from devices.pad.driver import RatingReceived

    if isinstance(event, RatingReceived):
        return {"session": event.session_id, "level": event.level,
                "level_name": event.level_name, "reasons": event.reasons}
    return {"session": event.session_id, "not_rated": event.cause.value,
            "cause": event.cause.label, "detail": event.detail}


def _rate_cmd(args: argparse.Namespace) -> int:
    from devices.pad.driver import NotRated, PadDriver, RatingReceived

    _check_baud(args.baud)
    if args.count < 1:
        raise CliError("--count 须至少为 1")
    if not 10 <= args.timeout <= 255:
        raise CliError("--timeout 须在 10–255 秒之间")
    events, put = _event_queue()
    try:
        driver = PadDriver(args.port, args.baud, on_event=put)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    timings = driver.timings
    with driver:
        deadline = time.monotonic() + args.connect_wait
        while not driver.status.online:
            if time.monotonic() >= deadline:
                raise CliError(f"评价器无应答: {driver.status.reason}", DEVICE_FAILURE)
            time.sleep(0.05)
        stamp = datetime.now().strftime("%Y%m%d%H%M%S")
        for i in range(args.count):
            sid = driver.open_session(f"TEST-{stamp}-{i + 1:03d}", args.business, args.timeout)
            slack = timings.session_grace_s + timings.offline_after_s + 5
            limit = time.monotonic() + args.timeout + slack
            while True:
                try:
                    event = events.get(timeout=max(0.0, limit - time.monotonic()))
                except queue.Empty:
                    raise CliError(f"评价会话 {sid} 没有结果", DEVICE_FAILURE) from None
                if isinstance(event, RatingReceived | NotRated) and event.session_id == sid:
                    break
            line = rating_line(event)
            if args.json:
                _json_line(line)
            elif "level" in line:
                reasons = f" ({'、'.join(line['reasons'])})" if line["reasons"] else ""
                _out(f"会话 {sid}: {line['level']} {line['level_name']}{reasons}")
            else:
                _out(f"会话 {sid}: 未评价 — {line['cause']} ({line['detail']})")
    return 0


# ---- device: printer ----------------------------------------------------------------------


def _spool(path: str | None) -> Any:
    from devices.escpos.spool import JobSpool

    if path:
        return JobSpool(path)
    from counter_app.config import data_dir

    return JobSpool(data_dir() / "print-spool")


def test_slip(printer: str) -> bytes:
    from devices.escpos.builder import Align, EscPosBuilder

    now = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    return (
        EscPosBuilder()
        .init()
        .align(Align.CENTER)
        .bold()
        .line("快办柜台 打印测试")
        .bold(False)
        .size(2, 2)
        .line("A001")
        .size()
        .align(Align.LEFT)
        .line(f"时间: {now}")
        .line(f"打印机: {printer}")
        .line("中文与标点：「测试」，。！")
        .align(Align.CENTER)
        .qr("https://kuaiban.example.invalid/print-test", module_size=5)
        .code128("TEST-0001")
        .feed(1)
        .cut()
        .build()
    )


def _print_result(result: Any, args: argparse.Namespace) -> int:
    data = {"job": result.job_id, "ok": result.ok, "reason": result.reason}
    if args.json:
        _json_line(data)
    elif result.ok:
        _out(f"已打印 (任务 {result.job_id}){' — ' + result.reason if result.reason else ''}")
    if not result.ok:
        print(f"打印失败: {result.reason}; 任务已保留, 可重打 (编号 {result.job_id})",
              file=sys.stderr)
        return DEVICE_FAILURE
    return 0


def _printer(url: str, spool: Any) -> Any:
    from devices.escpos.printer import EscPosPrinter

    try:
        return EscPosPrinter(url, spool=spool)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _print_test(args: argparse.Namespace) -> int:
    printer = _printer(args.printer, _spool(args.spool))
    try:
        result = printer.print_job(test_slip(printer.url), "打印测试")
    finally:
        printer.close()
    return _print_result(result, args)


def _print_jobs(args: argparse.Namespace) -> int:
    jobs = _spool(args.spool).failed()
    if args.json:
        _json_line([asdict(job) for job in jobs])
        return 0
    if not jobs:
        _out("没有保留的打印任务")
    for job in jobs:
        _out(f"{job.job_id}  {job.created}  {job.title}  {job.reason}  (已试 {job.attempts} 次)")
    return 0


def _reprint(args: argparse.Namespace) -> int:
    spool = _spool(args.spool)
    if spool.get(args.job_id) is None:
        raise CliError(f"打印任务不存在: {args.job_id}")
    printer = _printer(args.printer, spool)
    try:
        result = printer.reprint(args.job_id)
    finally:
        printer.close()
    return _print_result(result, args)
