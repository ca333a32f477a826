"""ESC/POS: the builder's bytes, status answers, printer URLs, the spool, and printing
to the simulated printer. Done when: a slip job to a simulated printer reporting
paper-end is detected and kept."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from devices.base import DeviceState, DeviceStatusChanged
from devices.escpos.builder import Align, EscPosBuilder, encode_gb18030, status_request
from devices.escpos.driver import PrinterDriver, PrintJobDone, PrintJobFailed, PrintJobsWaiting
from devices.escpos.links import FileLink, SerialLink, TcpLink, open_link
from devices.escpos.printer import EscPosPrinter
from devices.escpos.simulator import PrinterSimulator
from devices.escpos.spool import FAILED, JobSpool
from devices.escpos.status import NO_ANSWER, PrinterStatus, encode_status, parse_status

from .conftest import Events, wait_for

H = bytes.fromhex


# ---- builder -------------------------------------------------------------------------


def test_text_is_gb18030_with_chinese_mode() -> None:
    data = EscPosBuilder().init().line("王䶮，你好「B012」").build()
    assert data.startswith(H("1B40") + H("1C26"))
    assert "你好".encode("gb18030") in data
    assert "，".encode("gb18030") in data and "「".encode("gb18030") in data
    assert data.endswith(b"\n")


def test_four_byte_and_control_characters_fall_back() -> None:
    assert len("㐀".encode("gb18030")) == 4  # CJK Ext-A outside the two-byte range
    assert encode_gb18030("王㐀") == "王".encode("gb18030") + b"?"
    assert encode_gb18030("a\x1bb\x00c") == b"abc"
    assert encode_gb18030("𠀀", fallback="□") == "□".encode("gb18030")


def test_bold_size_align_cut() -> None:
    data = EscPosBuilder().bold().size(2, 2).align(Align.CENTER).cut().build()
    assert data == (H("1B4501") + H("1D2111") + H("1C210C") + H("1B6101") + H("1D564203"))
    assert EscPosBuilder().size().build() == H("1D2100") + H("1C2100")
    assert EscPosBuilder().cut(partial=True, feed=2).build() == H("1B6402") + H("1D5601")
    with pytest.raises(ValueError):
        EscPosBuilder().size(9, 1)


def test_native_qr_sequence_matches_the_table() -> None:
    data = EscPosBuilder().qr("ABC", module_size=6, error_level="M").build()
    assert data == (
        H("1D286B0400314132 00".replace(" ", ""))
        + H("1D286B0300314306")
        + H("1D286B0300314531")
        + H("1D286B0600315030") + b"ABC"
        + H("1D286B0300315130")
    )


def test_code128_uses_code_set_b() -> None:
    data = EscPosBuilder().code128("C2024-01", height=60).build()
    assert data.endswith(H("1D6B49") + bytes([10]) + b"{BC2024-01")
    with pytest.raises(ValueError):
        EscPosBuilder().code128("中文")


def test_status_requests() -> None:
    assert [status_request(n) for n in (1, 2, 4)] == [H("100401"), H("100402"), H("100404")]


# ---- status --------------------------------------------------------------------------


def test_status_bits_from_the_doc() -> None:
    assert parse_status({1: 0x12, 2: 0x12, 4: 0x12}).ok
    near = parse_status({1: 0x12, 2: 0x12, 4: 0x12 | 0x0C})
    assert near.ok and near.paper_near_end and near.warning == "打印纸将尽"
    out = parse_status({1: 0x1A, 2: 0x12 | 0x20, 4: 0x12 | 0x60})
    assert out.paper_out and not out.ok and out.problem == "打印机缺纸"
    cover = parse_status({1: 0x1A, 2: 0x16, 4: 0x12})
    assert cover.cover_open and cover.problem == "打印机上盖打开"
    offline = parse_status({1: 0x1A, 2: 0x12, 4: 0x12})
    assert offline.offline and offline.problem == "打印机离线"


def test_no_answer_or_noise_is_never_ok() -> None:
    assert parse_status({1: None}) == NO_ANSWER
    assert not parse_status({1: 0x00, 2: 0x12, 4: 0x12}).ok  # not a status byte
    assert NO_ANSWER.problem == "打印机无应答"


@pytest.mark.parametrize("flag", ["paper_out", "cover_open", "offline", "paper_near_end", "error"])
def test_simulator_status_bytes_round_trip(flag: str) -> None:
    status = PrinterStatus(**{flag: True})
    decoded = parse_status({n: encode_status(n, status) for n in (1, 2, 4)})
    assert getattr(decoded, flag)


# ---- links and spool -------------------------------------------------------------------


def test_printer_urls(tmp_path) -> None:
    serial_link = open_link("serial:/dev/ttyS0?baud=19200")
    assert isinstance(serial_link, SerialLink) and serial_link.baud == 19200
    assert isinstance(open_link("serial:COM3"), SerialLink)
    tcp = open_link("tcp:192.168.1.50:9100")
    assert isinstance(tcp, TcpLink) and (tcp.host, tcp.port) == ("192.168.1.50", 9100)
    assert open_link("tcp:printer.local").port == 9100  # type: ignore[attr-defined]
    assert isinstance(open_link(f"file:{tmp_path / 'out.bin'}"), FileLink)
    for bad in ("lpt1", "tcp:", "tcp:host:abc", "file:", "serial:"):
        with pytest.raises(ValueError, match="打印机"):
            open_link(bad)


def test_file_printer_appends_raw_bytes(tmp_path) -> None:
    target = tmp_path / "slips.bin"
    printer = EscPosPrinter(f"file:{target}")
    assert printer.print_job(b"one").ok and printer.print_job(b"two").ok
    assert target.read_bytes() == b"onetwo"
    assert printer.spool.jobs() == []


def test_spool_survives_a_restart(tmp_path) -> None:
    spool = JobSpool(tmp_path / "spool")
    job = spool.add(b"\x1b@slip", "排队小票", "tcp:x:9100")
    spool.mark_failed(job.job_id, "打印机缺纸")
    again = JobSpool(tmp_path / "spool")
    (kept,) = again.failed()
    assert (kept.job_id, kept.state, kept.reason, kept.attempts) == (job.job_id, FAILED,
                                                                    "打印机缺纸", 1)
    assert again.data(job.job_id) == b"\x1b@slip"
    meta = json.loads((tmp_path / "spool" / f"{job.job_id}.json").read_text("utf-8"))
    assert meta["title"] == "排队小票"
    again.mark_done(job.job_id)
    assert again.jobs() == [] and list((tmp_path / "spool").iterdir()) == []


# ---- printing to the simulated printer ---------------------------------------------------


@pytest.fixture
def printer_sim(stop_later):
    def make(**options):
        return stop_later(PrinterSimulator(baud=115200, **options).start())

    return make


def slip() -> bytes:
    return (EscPosBuilder().init().bold().size(2, 2).line("A001").size().bold(False)
            .line("请稍候，前面还有 3 人").qr("https://x.invalid/q?t=1").code128("A001")
            .cut().build())


def test_print_ok_records_the_bytes(printer_sim, tmp_path) -> None:
    sim = printer_sim()
    printer = EscPosPrinter(f"serial:{sim.path}?baud=115200", spool=JobSpool(tmp_path))
    result = printer.print_job(slip(), "排队小票")
    printer.close()
    assert result.ok and result.status is not None and result.status.ok
    assert bytes(sim.received) == slip() and sim.cuts == 1
    assert printer.spool.jobs() == []


def test_paper_end_is_detected_and_the_job_kept(printer_sim, tmp_path) -> None:
    sim = printer_sim(status=PrinterStatus(paper_out=True))
    spool = JobSpool(tmp_path / "spool")
    printer = EscPosPrinter(f"serial:{sim.path}?baud=115200", spool=spool)
    result = printer.print_job(slip(), "排队小票")
    assert not result.ok and result.reason == "打印机缺纸"
    assert bytes(sim.received) == b""  # nothing was sent to a printer without paper
    (kept,) = JobSpool(tmp_path / "spool").failed()
    assert kept.job_id == result.job_id and kept.reason == "打印机缺纸"
    # Paper refilled: the kept job prints and leaves the spool.
    sim.set_status(paper_out=False)
    again = printer.reprint(result.job_id)
    printer.close()
    assert again.ok and bytes(sim.received) == slip() and spool.failed() == []


def test_paper_running_out_during_the_job_keeps_it(printer_sim) -> None:
    sim = printer_sim()
    printer = EscPosPrinter(f"serial:{sim.path}?baud=115200")

    class RunsOut:
        def __init__(self, link):
            self.link, self.url, self.supports_status = link, link.url, True

        def open(self):
            self.link.open()

        def close(self):
            self.link.close()

        def query(self, request, timeout):
            return self.link.query(request, timeout)

        def write(self, data):
            self.link.write(data)
            wait_for(lambda: len(sim.received) >= len(data))
            sim.set_status(paper_out=True)

    printer.link = RunsOut(printer.link)
    result = printer.print_job(slip())
    printer.close()
    assert not result.ok and result.reason == "打印过程中缺纸"
    assert printer.spool.failed()[0].job_id == result.job_id


@pytest.mark.parametrize(
    ("options", "reason"),
    [({"status": PrinterStatus(cover_open=True)}, "打印机上盖打开"),
     ({"status": PrinterStatus(offline=True)}, "打印机离线"),
     ({"silent": True}, "打印机无应答")],
)
def test_other_failures_are_kept(printer_sim, options, reason) -> None:
    sim = printer_sim(**options)
    printer = EscPosPrinter(f"serial:{sim.path}?baud=115200", status_timeout=0.2)
    result = printer.print_job(slip())
    printer.close()
    assert not result.ok and result.reason == reason
    assert len(printer.spool.failed()) == 1


def test_pulled_printer_cable_keeps_the_job(printer_sim) -> None:
    sim = printer_sim()
    printer = EscPosPrinter(f"serial:{sim.path}?baud=115200", status_timeout=0.2)
    assert printer.print_job(slip()).ok
    sim.pull_cable()
    result = printer.print_job(slip())
    assert not result.ok and printer.spool.failed()[0].job_id == result.job_id


def test_driver_shows_paper_state_and_keeps_failed_jobs(printer_sim, stop_later) -> None:
    sim = printer_sim()
    events = Events()
    driver = stop_later(PrinterDriver(f"serial:{sim.path}?baud=115200", on_event=events,
                                      status_interval_s=0.05, status_timeout_s=0.2).start())
    wait_for(lambda: driver.status.online)
    first = driver.print_job(slip(), "A001")
    assert events.next(PrintJobDone).job_id == first
    sim.set_status(paper_out=True)
    events.next(DeviceStatusChanged, where=lambda e: e.status.state is DeviceState.ERROR)
    assert driver.status.reason == "打印机缺纸"
    second = driver.print_job(slip(), "A002")
    failed = events.next(PrintJobFailed)
    assert (failed.job_id, failed.reason) == (second, "打印机缺纸")
    assert [j.job_id for j in driver.kept_jobs()] == [second]
    sim.set_status(paper_out=False, paper_near_end=True)
    wait_for(lambda: driver.status.online)
    assert driver.status.reason == "打印纸将尽"
    # Nobody presses anything: the kept slip comes out by itself.
    done = events.next(PrintJobDone, where=lambda e: e.job_id == second)
    assert done.retried
    assert driver.kept_jobs() == [] and sim.cuts == 2


def test_driver_goes_offline_when_the_printer_is_unplugged(printer_sim, stop_later) -> None:
    sim = printer_sim()
    events = Events()
    driver = stop_later(PrinterDriver(f"serial:{sim.path}?baud=115200", on_event=events,
                                      status_interval_s=0.05, status_timeout_s=0.2).start())
    wait_for(lambda: driver.status.online)
    sim.pull_cable(0.5)
    events.next(DeviceStatusChanged, where=lambda e: e.status.state is DeviceState.OFFLINE)
    job = driver.print_job(slip())
    failed = events.next(PrintJobFailed)
    assert failed.job_id == job and failed.reason.startswith("打印机未连接")
    wait_for(lambda: driver.status.online)
    assert events.next(PrintJobDone).job_id == job  # printed once the cable is back
    driver.reprint(job)  # by hand as well: it is gone already, and says so
    assert events.next(PrintJobFailed).reason == "打印任务不存在"
    assert sim.cuts == 1


def numbered_slip(number: str) -> bytes:
    return EscPosBuilder().init().line(f"号票 {number}").cut().build()


def printed_numbers(sim: PrinterSimulator) -> list[str]:
    text = bytes(sim.received).decode("gb18030", errors="replace")
    return re.findall(r"号票 (A\d{3})", text)


def test_a_slip_kept_on_paper_out_prints_by_itself_when_paper_returns(printer_sim, stop_later,
                                                                       tmp_path) -> None:
    sim = printer_sim(status=PrinterStatus(paper_out=True))
    events = Events()
    driver = stop_later(PrinterDriver(f"serial:{sim.path}?baud=115200", on_event=events,
                                      spool=JobSpool(tmp_path / "spool"),
                                      status_interval_s=0.05, status_timeout_s=0.2).start())
    wait_for(lambda: driver.status.state is DeviceState.ERROR)
    job = driver.print_job(numbered_slip("A001"), "号票 A001")
    assert events.next(PrintJobFailed).reason == "打印机缺纸"
    waiting = events.next(PrintJobsWaiting, where=lambda e: e.jobs)
    assert [(j.job_id, j.title, j.reason) for j in waiting.jobs] == [(job, "号票 A001",
                                                                     "打印机缺纸")]
    assert bytes(sim.received) == b""
    sim.set_status(paper_out=False)  # paper refilled; nobody touches the software
    done = events.next(PrintJobDone)
    assert done.job_id == job and done.retried
    assert printed_numbers(sim) == ["A001"]
    events.next(PrintJobsWaiting, where=lambda e: e.jobs == ())
    assert JobSpool(tmp_path / "spool").jobs() == []


def test_kept_jobs_survive_a_restart_and_print_in_the_order_taken(printer_sim, stop_later,
                                                                  tmp_path) -> None:
    sim = printer_sim(status=PrinterStatus(paper_out=True))
    url = f"serial:{sim.path}?baud=115200"
    folder = tmp_path / "spool"
    events = Events()
    first = PrinterDriver(url, on_event=events, spool=JobSpool(folder), status_interval_s=0.05,
                          status_timeout_s=0.2).start()
    numbers = [f"A{n:03d}" for n in range(1, 7)]
    jobs = [first.print_job(numbered_slip(n), f"号票 {n}") for n in numbers]
    for job in jobs:
        events.next(PrintJobFailed, where=lambda e, j=job: e.job_id == j)
    first.stop()  # the kiosk is switched off with six slips unprinted
    kept = JobSpool(folder).failed()
    assert [j.job_id for j in kept] == jobs and [j.title for j in kept] == [
        f"号票 {n}" for n in numbers]

    events = Events()
    second = stop_later(PrinterDriver(url, on_event=events, spool=JobSpool(folder),
                                      status_interval_s=0.05, status_timeout_s=0.2).start())
    waiting = events.next(PrintJobsWaiting, where=lambda e: e.jobs)
    assert [j.job_id for j in waiting.jobs] == jobs
    new = second.print_job(numbered_slip("A007"), "号票 A007")  # taken while still out
    events.next(PrintJobFailed, where=lambda e: e.job_id == new)
    sim.set_status(paper_out=False)
    for job in [*jobs, new]:
        events.next(PrintJobDone, where=lambda e, j=job: e.job_id == j)
    assert printed_numbers(sim) == [*numbers, "A007"]
    assert second.kept_jobs() == [] and JobSpool(folder).jobs() == []


def test_a_job_left_pending_by_a_crash_is_printed_at_start(printer_sim, stop_later,
                                                          tmp_path) -> None:
    sim = printer_sim()
    url = f"serial:{sim.path}?baud=115200"
    spool = JobSpool(tmp_path / "spool")
    spool.add(numbered_slip("A001"), "号票 A001", url)  # written, never sent: a crash
    events = Events()
    stop_later(PrinterDriver(url, on_event=events, spool=JobSpool(tmp_path / "spool"),
                             status_interval_s=0.05, status_timeout_s=0.2).start())
    events.next(PrintJobDone)
    assert printed_numbers(sim) == ["A001"]


def test_same_second_jobs_list_in_the_order_added(tmp_path, monkeypatch) -> None:
    import devices.escpos.spool as spool_module

    class FrozenClock(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return datetime(2026, 9, 29, 10, 0, 0)

    monkeypatch.setattr(spool_module, "datetime", FrozenClock)
    spool = JobSpool(tmp_path / "spool")
    added = [spool.add(b"x", f"号票 A{n:03d}", "tcp:x:9100").job_id for n in range(1, 31)]
    assert len({j.created for j in spool.jobs()}) == 1  # all in one second
    assert [j.job_id for j in spool.jobs()] == added
    assert [j.job_id for j in JobSpool(tmp_path / "spool").failed()] == added  # after restart
    assert [j.job_id for j in JobSpool(tmp_path / "spool").failed("tcp:x:9100")] == added
    assert JobSpool(tmp_path / "spool").failed("tcp:other:9100") == []


def test_a_claimed_job_is_printed_by_one_owner_only(tmp_path) -> None:
    kiosk, cli = JobSpool(tmp_path / "spool"), JobSpool(tmp_path / "spool")
    job = kiosk.add(b"x", "号票 A001", "tcp:x:9100", claim=True)
    assert not cli.claim(job.job_id) and cli.claimed_elsewhere(job.job_id)
    kiosk.release(job.job_id)
    assert cli.claim(job.job_id) and not kiosk.claim(job.job_id)
    cli.release(job.job_id)
    # A claim left by a process that is gone does not block anyone.
    (tmp_path / "spool" / f"{job.job_id}.claim").write_text("999999999 0\n")
    assert kiosk.claim(job.job_id)
    kiosk.mark_done(job.job_id)
    assert list((tmp_path / "spool").iterdir()) == []


# ---- CLI -----------------------------------------------------------------------------------


def test_print_test_cli_paper_end_kept_then_reprinted(run_cli, printer_sim, tmp_path) -> None:
    sim = printer_sim(status=PrinterStatus(paper_out=True))
    url = f"serial:{sim.path}?baud=115200"
    spool = str(tmp_path / "spool")
    code, out, err = run_cli("device", "print-test", "--printer", url, "--spool", spool, "--json")
    assert code == 1 and "打印机缺纸" in err and "任务已保留" in err
    job = json.loads(out)["job"]
    code, out, _ = run_cli("device", "print-jobs", "--spool", spool, "--json")
    assert code == 0 and [j["job_id"] for j in json.loads(out)] == [job]
    sim.set_status(paper_out=False)
    code, out, err = run_cli("device", "reprint", job, "--printer", url, "--spool", spool)
    assert code == 0, err
    assert "已打印" in out
    assert "快办柜台 打印测试".encode("gb18030") in bytes(sim.received)
    code, out, _ = run_cli("device", "print-jobs", "--spool", spool)
    assert "没有保留的打印任务" in out


def test_print_test_cli_to_a_file(run_cli, tmp_path) -> None:
    target = tmp_path / "out.bin"
    code, out, err = run_cli("device", "print-test", "--printer", f"file:{target}",
                             "--spool", str(tmp_path / "spool"))
    assert code == 0, err
    assert target.read_bytes().endswith(H("1D564203"))
    code, _, err = run_cli("device", "print-test", "--printer", "lpt1")
    assert code == 2 and "打印机地址无效" in err


def test_without_auto_retry_a_kept_job_waits_for_reprint(printer_sim, stop_later) -> None:
    sim = printer_sim(status=PrinterStatus(paper_out=True))
    events = Events()
    driver = stop_later(PrinterDriver(f"serial:{sim.path}?baud=115200", on_event=events,
                                      auto_retry=False, status_interval_s=0.05,
                                      status_timeout_s=0.2).start())
    job = driver.print_job(numbered_slip("A001"), "号票 A001")
    events.next(PrintJobFailed)
    sim.set_status(paper_out=False)
    wait_for(lambda: driver.status.online)
    later = driver.print_job(numbered_slip("A002"), "号票 A002")  # only the new one goes out
    assert events.next(PrintJobDone).job_id == later
    assert [j.job_id for j in driver.kept_jobs()] == [job]
    driver.reprint(job)
    assert events.next(PrintJobDone).job_id == job
    assert printed_numbers(sim) == ["A002", "A001"]
