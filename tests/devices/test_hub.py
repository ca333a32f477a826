"""The hub starts a counter's drivers from settings; the demo's simulated devices."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from devices.base import DeviceState, DeviceStatusChanged
from devices.escpos.builder import EscPosBuilder
from devices.escpos.driver import PrintJobDone
from devices.hub import DeviceHub, make_idcard_driver, ports_from_settings, start_simulated_devices
from devices.idcard.driver import IdCardRead
from devices.idcard.vendor import VendorLibBackend
from devices.pad.driver import RatingReceived
from devices.scanner.driver import CodeScanned
from devices.scanner.resolver import FakeResolver
from devices.sscard.driver import SsCardRead
from devices.transport import Backoff

from .conftest import Events, wait_for


def test_everything_simulated_works_together(tmp_path) -> None:
    events = Events()
    with start_simulated_devices(card_type="J", pad_press_delay_s=0.05) as sims:
        hub = DeviceHub(on_event=events)
        hub.configure(sims.ports, spool_dir=tmp_path / "spool")
        hub.start()
        try:
            wait_for(lambda: all(s.online for s in hub.statuses().values()), timeout=15)
            assert set(hub.statuses()) == {"idcard", "sscard", "scanner", "pad", "printer"}
            assert events.next(IdCardRead).card.card_type.value == "J"
            assert events.next(SsCardRead).card.name == "李晓梅"
            sims.scanner.scan(FakeResolver.DEMO_CODE)
            code = events.next(CodeScanned).text
            assert sims.resolver.resolve(code).id_number == "370102198808150035"
            assert hub.pad is not None and hub.printer is not None
            sid = hub.pad.open_session("C-1", "职工退休一件事", 30)
            assert events.next(RatingReceived, where=lambda e: e.session_id == sid).level == 5
            job = hub.printer.print_job(EscPosBuilder().init().line("A001").cut().build())
            assert events.next(PrintJobDone).job_id == job
            assert sims.printer.cuts == 1
        finally:
            hub.stop()


def test_ports_from_settings_and_empty_means_absent() -> None:
    settings = SimpleNamespace(idcard_port="COM3", sscard_port="", scanner_port="",
                               pad_port="COM4?baud=19200", slip_printer="file:/tmp/x.bin")
    ports = ports_from_settings(settings)
    assert ports == {"idcard": "COM3", "sscard": "", "scanner": "", "pad": "COM4?baud=19200",
                     "printer": "file:/tmp/x.bin"}
    hub = DeviceHub()
    hub.configure(ports)
    assert set(hub.drivers) == {"idcard", "pad", "printer"}
    assert hub.pad is not None and hub.pad.baud == 19200
    assert hub.scanner is None and hub.sscard is None


def test_bad_settings_are_chinese_errors() -> None:
    hub = DeviceHub()
    with pytest.raises(ValueError, match="未知设备类型"):
        hub.configure({"camera": "COM1"})
    with pytest.raises(ValueError, match="打印机地址无效"):
        hub.configure({"printer": "lpt1"})


def test_vendor_library_idcard_setting() -> None:
    driver = make_idcard_driver("sdtapi:1002")
    assert isinstance(driver.backend, VendorLibBackend) and driver.backend.port == 1002
    driver = make_idcard_driver("sdtapi:/opt/reader/libsdtapi.so")
    assert driver.backend.candidates == ("/opt/reader/libsdtapi.so",)  # type: ignore[attr-defined]


def test_restart_one_device(tmp_path) -> None:
    events = Events()
    with start_simulated_devices() as sims:
        hub = DeviceHub(on_event=events)
        hub.configure({"scanner": sims.ports["scanner"]})
        hub.start()
        try:
            hub.restart("printer", sims.ports["printer"])
            wait_for(lambda: hub.printer is not None and hub.printer.status.online)
            hub.restart("scanner", "")
            assert hub.scanner is None
        finally:
            hub.stop()


ASCII_WORD = re.compile(r"[A-Za-z]")


def test_every_pulled_device_says_why_in_chinese(tmp_path) -> None:
    """Pull the cable of each simulated serial device: every status reason on the way
    (lost, reopen failing, back) is Chinese text, with no English from pyserial or the
    OS and no port path; the detail is in the log."""
    events = Events()
    with start_simulated_devices(pad_press_delay_s=0.05) as sims:
        hub = DeviceHub(on_event=events)
        ports = {k: v for k, v in sims.ports.items() if k != "sscard"}
        hub.configure(ports, spool_dir=tmp_path / "spool")
        for driver in hub.drivers.values():
            driver._backoff = Backoff(0.05, 0.2)  # reopen attempts within the test
        hub.start()
        try:
            wait_for(lambda: all(s.online for s in hub.statuses().values()), timeout=15)
            pulled = {"idcard": sims.idcard, "pad": sims.pad, "printer": sims.printer,
                      "scanner": sims.scanner}
            for kind, sim in pulled.items():
                seen = len(events.items)
                sim.pull_cable()
                events.next(DeviceStatusChanged, where=lambda e, k=kind: e.device == k
                            and e.status.state is DeviceState.OFFLINE)
                # The reopen fails too (the port is gone): wait for that reason as well.
                events.next(DeviceStatusChanged, where=lambda e, k=kind: e.device == k
                            and "找不到端口" in e.status.reason)
                sim.plug_cable()
                wait_for(lambda k=kind: hub.statuses()[k].online, timeout=15)
                reasons = [e.status.reason for e in events.items[seen:]
                           if isinstance(e, DeviceStatusChanged) and e.device == kind]
                assert reasons, kind
                for reason in reasons:
                    assert not ASCII_WORD.search(reason), (kind, reason)
            sims.printer.set_status(paper_out=True)
            assert hub.printer is not None
            hub.printer.check_now()
            wait_for(lambda: hub.statuses()["printer"].state is DeviceState.ERROR)
            assert hub.statuses()["printer"].reason == "打印机缺纸"
        finally:
            hub.stop()


def test_device_io_from_another_thread_is_refused(stop_later) -> None:  # type: ignore[no-untyped-def]
    """The driver-thread rule is checked: a driver's I/O step called from a thread that
    is not the driver's own raises instead of racing it for the port."""
    from devices.pad.codec import ShowIdle
    from devices.pad.driver import PadDriver
    from devices.pad.simulator import PadSimulator

    sim = stop_later(PadSimulator(baud=115200).start())
    driver = stop_later(PadDriver(sim.path, 115200).start())
    with pytest.raises(AssertionError, match="off the driver thread"):
        driver._send(ShowIdle("1", "张敏", "1024", "大厅"))
    with pytest.raises(AssertionError, match="off the driver thread"):
        driver._tick()
