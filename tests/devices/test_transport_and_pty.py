"""The shared parts: port names and URLs, backoff, the pty cable, the driver base."""

from __future__ import annotations

import errno
import re

import pytest
import serial

from devices.base import DeviceDriver, DeviceState, DeviceStatusChanged, SerialDeviceDriver
from devices.pty_sim import LineFaults, PtyPort, PtySimulator, wire_time
from devices.transport import (
    Backoff,
    DeviceUnavailable,
    PortGone,
    SerialPort,
    describe_port_error,
    open_serial,
    parse_port,
)

from .conftest import Events, wait_for


def test_parse_port() -> None:
    assert parse_port("/dev/ttyUSB0", 9600) == parse_port("/dev/ttyUSB0", 9600)
    assert parse_port("COM3?baud=115200", 9600).baud == 115200
    assert parse_port("COM3?baud=115200", 9600).url == "COM3"
    assert parse_port("serial:/dev/ttyS1?baud=19200", 9600).url == "/dev/ttyS1"
    spec = parse_port("socket://10.0.0.5:4001?logging=debug&baud=38400", 9600)
    assert (spec.url, spec.baud) == ("socket://10.0.0.5:4001?logging=debug", 38400)
    with pytest.raises(ValueError, match="波特率无效"):
        parse_port("COM3?baud=fast", 9600)
    with pytest.raises(ValueError, match="未设置端口"):
        parse_port("  ", 9600)


def test_open_errors_are_chinese(tmp_path) -> None:
    with pytest.raises(DeviceUnavailable, match="找不到端口"):
        open_serial(str(tmp_path / "ttyUSB9"), 9600)


def test_loop_url_works() -> None:
    port = open_serial("loop://", 9600)
    port.write(b"abc")
    assert port.read(3) == b"abc"
    port.close()


def test_backoff_doubles_up_to_the_limit() -> None:
    backoff = Backoff(initial=0.1, maximum=0.5, jitter=0)
    assert [round(backoff.next(), 3) for _ in range(5)] == [0.1, 0.2, 0.4, 0.5, 0.5]
    backoff.reset()
    assert backoff.next() == 0.1


def test_wire_time() -> None:
    assert wire_time(1295, 115200) == pytest.approx(0.1124, abs=1e-4)


def test_pty_port_carries_bytes_both_ways_and_the_cable_can_be_pulled(tmp_path) -> None:
    port = PtyPort(115200, path=tmp_path / "tty").open()
    try:
        host = open_serial(port.path, 115200)
        host.write(b"ping")
        assert wait_for(lambda: port.read(0.05)) == b"ping"
        port.write(b"pong" * 100)
        assert host.read(400) == b"pong" * 100
        assert port.bytes_written == 400
        port.pull_cable()
        assert not (tmp_path / "tty").exists()
        for step in (host.reset_input_buffer, lambda: host.read(1), lambda: host.write(b"x")):
            with pytest.raises(PortGone) as info:  # never pyserial's or termios' own
                step()
            assert info.value.reason.startswith("连接中断") and info.value.detail
        host.close()
        port.write(b"lost")  # no error: nobody hears it
        port.plug_cable()
        host = open_serial(port.path, 115200)
        port.write(b"back")
        assert host.read(4) == b"back"
        host.close()
    finally:
        port.close()


class Echo(PtySimulator):
    name = "echo"

    def on_bytes(self, data: bytes) -> None:
        self.send_frame(data)


def test_line_faults_garbage_and_split(stop_later) -> None:
    sim = stop_later(Echo(faults=LineFaults(garbage_rate=1.0, garbage_max=4, split_rate=1.0,
                                            split_gap_s=0.001, seed=1)).start())
    host = open_serial(sim.path, 115200, timeout=0.2)
    try:
        host.write(b"FRAME")
        got = wait_for(lambda: host.read(64))
        got += host.read(64)
        assert got.endswith(b"FRAME") and len(got) > 5
    finally:
        host.close()


class Flaky(DeviceDriver):
    """A driver whose device fails to open twice, then works, then vanishes once."""

    kind = "flaky"

    def __init__(self, **kw) -> None:
        super().__init__(backoff=Backoff(0.01, 0.05), **kw)
        self.opens = 0
        self.ticks = 0

    def _connect(self) -> None:
        self.opens += 1
        if self.opens <= 2:
            raise DeviceUnavailable("还没插上")

    def _disconnect(self) -> None:
        pass

    def _tick(self) -> None:
        self.ticks += 1
        if self.ticks == 3:
            raise serial.SerialException("gone")
        if self.ticks == 6:
            raise RuntimeError("bug")
        import time

        time.sleep(0.005)


def test_driver_base_reconnects_and_reports_status(stop_later) -> None:
    events = Events()
    driver = stop_later(Flaky(on_event=events).start())
    wait_for(lambda: driver.ticks > 10)
    states = [(e.status.state, e.status.reason) for e in events.of(DeviceStatusChanged)]
    assert states[0] == (DeviceState.OFFLINE, "还没插上")
    assert (DeviceState.ONLINE, "") in states
    assert any(s == DeviceState.OFFLINE and "连接中断" in r for s, r in states)
    assert any(s == DeviceState.ERROR and "驱动内部错误" in r for s, r in states)
    assert driver.status.online
    ran = []
    driver.call_soon(lambda: ran.append(True))
    wait_for(lambda: ran)
    driver.stop()
    assert driver.status == type(driver.status)(DeviceState.OFFLINE, "已停止")


def test_a_failing_listener_does_not_stop_the_driver(stop_later) -> None:
    def bad(event) -> None:
        raise ValueError("listener bug")

    events = Events()
    driver = Flaky(on_event=bad)
    driver.add_listener(events)
    stop_later(driver.start())
    wait_for(lambda: driver.ticks > 10)
    assert events.of(DeviceStatusChanged)


def test_serial_driver_port_settings() -> None:
    class Probe(SerialDeviceDriver):
        def _tick(self) -> None:
            pass

    probe = Probe("COM7?baud=57600")
    assert (probe.port_url, probe.baud) == ("COM7", 57600)


def test_every_low_level_failure_of_an_open_port_is_port_gone() -> None:
    """The flake's cause: a pulled pty fails in `tcflush` with termios.error (not an
    OSError), in read with SerialException, in write with OSError, depending on timing.
    The transport turns each into PortGone with a Chinese reason."""
    import termios

    failures = [
        termios.error(errno.EIO, "Input/output error"),
        serial.SerialException("device reports readiness to read but returned no data "
                               "(device disconnected or multiple access on port?)"),
        OSError(errno.EIO, "Input/output error"),
        serial.SerialTimeoutException("Write timeout"),
    ]

    class Broken:
        def __init__(self, exc: BaseException) -> None:
            self.exc = exc

        @property
        def in_waiting(self) -> int:
            raise self.exc

        def read(self, size: int = 1) -> bytes:
            raise self.exc

        def write(self, data: bytes) -> int:
            raise self.exc

        def flush(self) -> None:
            raise self.exc

        def reset_input_buffer(self) -> None:
            raise self.exc

        def close(self) -> None:
            raise self.exc

    for exc in failures:
        port = SerialPort(Broken(exc), "/dev/ttyUSB0")  # type: ignore[arg-type]
        for step in (lambda p=port: p.in_waiting, port.read, lambda p=port: p.write(b"x"),
                     port.flush, port.reset_input_buffer):
            with pytest.raises(PortGone) as info:
                step()
            assert info.value.reason.startswith("连接中断")
            assert not re.search(r"[A-Za-z]", info.value.reason), info.value.reason
            assert "/dev/ttyUSB0" in info.value.detail
        port.close()  # closing a vanished port never raises


def test_open_failures_name_no_port_and_no_english(tmp_path) -> None:
    with pytest.raises(DeviceUnavailable) as info:
        open_serial(str(tmp_path / "ttyUSB9"), 9600)
    assert info.value.reason == "找不到端口（设备未连接？）"
    assert "ttyUSB9" in info.value.detail
    assert describe_port_error("COM3", PermissionError(errno.EACCES, "denied")).startswith(
        "没有权限")
    assert describe_port_error("COM3", OSError(errno.EBUSY, "busy")) == "端口被其他程序占用"
    assert describe_port_error("COM3", serial.SerialException("weird")) == "端口打开失败"
