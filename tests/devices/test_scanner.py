"""QR scanners: the serial line codec and driver, the keyboard-wedge burst detector,
the resolver port, and `device scan`."""

from __future__ import annotations

import json

import pytest

from devices.base import DeviceState, DeviceStatusChanged
from devices.pty_sim import LineFaults
from devices.scanner.codec import LineDecoder, encode_line
from devices.scanner.driver import CodeScanned, ScannerDriver
from devices.scanner.resolver import FakeResolver, QrIdentity, QrResolveError
from devices.scanner.simulator import ScannerSimulator
from devices.scanner.wedge import WedgeDetector

from .conftest import Events, wait_for


def test_lines_end_with_cr_lf_or_both() -> None:
    decoder = LineDecoder()
    assert decoder.feed(b"AB\r\nCD\rEF\n\n\r\x00") == ["AB", "CD", "EF"]
    assert decoder.feed(b"GH") == [] and decoder.feed(b"I\r") == ["GHI"]


def test_non_utf8_is_read_as_gb18030_and_runaway_lines_are_dropped() -> None:
    assert LineDecoder().feed("社保卡".encode("gb18030") + b"\n") == ["社保卡"]
    decoder = LineDecoder(max_line=8)
    assert decoder.feed(b"0123456789ABC\nOK\n") == ["OK"]


def test_encode_line() -> None:
    assert encode_line("码") == "码".encode() + b"\r\n"


# ---- wedge -----------------------------------------------------------------------------


def feed(detector: WedgeDetector, keys: str, start: float, gap: float):
    results = [detector.feed(k, start + i * gap) for i, k in enumerate(keys)]
    return results[-1], start + len(keys) * gap


def test_a_scanner_burst_is_recognised() -> None:
    detector = WedgeDetector()
    result, _ = feed(detector, "ESSC0001ABCD", 0.0, 0.004)
    assert result is None and detector.in_burst
    scanned = detector.feed("Enter", 12 * 0.004 + 0.004)
    assert scanned is not None and scanned.text == "ESSC0001ABCD" and scanned.length == 12


def test_human_typing_is_not_a_scan() -> None:
    detector = WedgeDetector()
    feed(detector, "370102198808150035", 0.0, 0.12)
    assert detector.feed("Enter", 18 * 0.12 + 0.1) is None


def test_short_bursts_and_a_slow_enter_are_not_scans() -> None:
    detector = WedgeDetector()
    _, t = feed(detector, "F5ab", 0.0, 0.005)
    assert detector.feed("Enter", t) is None
    _, t = feed(detector, "ESSC0001ABCD", 1.0, 0.005)
    assert detector.feed("Enter", t + 0.5) is None


def test_typing_then_a_scan_counts_only_the_burst() -> None:
    detector = WedgeDetector()
    _, t = feed(detector, "abc", 0.0, 0.2)
    _, t = feed(detector, "QRCODE123", t + 0.3, 0.003)
    scanned = detector.feed("\r", t)
    assert scanned is not None and scanned.text == "QRCODE123"


def test_resolver() -> None:
    resolver = FakeResolver()
    assert resolver.resolve(FakeResolver.DEMO_CODE).name == "李晓梅"
    resolver.add("X1", QrIdentity("张三", "370102199003070019"))
    assert resolver.resolve("X1").id_number == "370102199003070019"
    with pytest.raises(QrResolveError, match="二维码无效或已过期"):
        resolver.resolve("unknown")
    assert resolver.calls == [FakeResolver.DEMO_CODE, "X1", "unknown"]


# ---- serial scanner ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [{}, {"terminator": b"\r"}, {"terminator": b"\n"},
     {"faults": LineFaults(garbage_rate=1.0, split_rate=1.0, split_gap_s=0.01, seed=4)}],
    ids=["crlf", "cr", "lf", "garbage-split"],
)
def test_driver_reads_codes(stop_later, options) -> None:
    sim = stop_later(ScannerSimulator(baud=115200, **options).start())
    events = Events()
    driver = stop_later(ScannerDriver(sim.path, 115200, on_event=events).start())
    wait_for(lambda: driver.status.online)
    codes = ["ESSC-1", "https://x.invalid/q?a=1&b=2", "证件码"]
    for code in codes:
        sim.scan(code)
        assert events.next(CodeScanned).text == code


def test_driver_survives_a_pulled_cable(stop_later) -> None:
    sim = stop_later(ScannerSimulator(baud=115200).start())
    events = Events()
    driver = stop_later(ScannerDriver(sim.path, 115200, on_event=events).start())
    wait_for(lambda: driver.status.online)
    sim.pull_cable(0.3)
    events.next(DeviceStatusChanged, where=lambda e: e.status.state is DeviceState.OFFLINE)
    wait_for(lambda: driver.status.online)
    sim.scan("AFTER")
    assert events.next(CodeScanned).text == "AFTER"


def test_scan_cli(run_cli, stop_later) -> None:
    sim = stop_later(ScannerSimulator(baud=115200, codes=["C-1", "C-2"], every_s=0.1).start())
    code, out, err = run_cli("device", "scan", "--port", sim.path, "--baud", "115200",
                             "--count", "2", "--json", "--wait", "10")
    assert code == 0, err
    # the simulator repeats its codes; the CLI may open the port after the first one
    assert sorted(json.loads(line)["code"] for line in out.splitlines()) == ["C-1", "C-2"]


def test_scan_cli_nothing_scanned(run_cli, stop_later) -> None:
    sim = stop_later(ScannerSimulator(baud=115200).start())
    code, _, err = run_cli("device", "scan", "--port", sim.path, "--wait", "0.3")
    assert code == 1 and "未扫描到二维码" in err
