"""The queue slip: printed to `file:` it decodes as GB18030 with the number, the
category and the waiting count, a native QR command holding the configured URL, and
never a full ID number or name; the PDF variant says the same."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

from pypdf import PdfReader

from counter_app.cli import main as cli
from counter_app.config import Settings
from counter_app.runtime import open_runtime
from counter_app.services import queue as q
from counter_app.services.queue_slip import print_ticket, slip_for
from devices.escpos.driver import PrinterDriver, PrintJobDone
from devices.escpos.simulator import PrinterSimulator
from devices.escpos.spool import JobSpool
from devices.escpos.status import PrinterStatus
from printing.slip import SlipData, escpos_bytes, slip_pdf
from tests.support import wait_for

QR_URL = "https://hall.example.invalid/q?hall={hall}&no={number}"
FULL_ID = "11010519491231002X"


def qr_payloads(data: bytes) -> list[bytes]:
    """Data of every GS ( k … 31 50 30 (QR store) command."""
    out = []
    for m in re.finditer(rb"\x1d\x28\x6b(.)(.)\x31\x50\x30", data, re.DOTALL):
        length = m.group(1)[0] + 256 * m.group(2)[0] - 3
        out.append(data[m.end() : m.end() + length])
    return out


def test_cli_take_prints_the_slip_to_a_file(db_url, tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COUNTER_SLIP_QR_URL", QR_URL)
    out = tmp_path / "slip.bin"
    assert cli(["--db", db_url, "queue", "take", "--category", "B"]) == 0
    capsys.readouterr()
    code = cli(["--db", db_url, "queue", "take", "--category", "b", "--print", f"file:{out}",
                "--spool", str(tmp_path / "spool"), "--json"])
    answer = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (answer["ticket"], answer["category"], answer["waiting_ahead"]) == ("B002", "B", 1)
    assert answer["printed"]["ok"] is True
    raw = out.read_bytes()
    text = raw.decode("gb18030")  # every byte sequence is valid GB18030
    assert "B002" in text and "社会保险" in text and "您前面还有 1 人等候" in text
    assert "济南市历下区人力资源和社会保障局政务服务大厅" in text
    assert "过号" in text
    assert qr_payloads(raw) == [b"https://hall.example.invalid/q?hall=37010201&no=B002"]
    assert raw.startswith(b"\x1b\x40\x1c\x26")  # ESC @, Chinese mode
    assert raw.rstrip(b"\x00").endswith(b"\x1d\x56\x42\x04")  # feed and cut


def test_slip_of_a_card_ticket_has_no_full_id_or_name(sqlite_url, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    settings = Settings.of(db_url=sqlite_url, slip_qr_url=QR_URL)
    rt = open_runtime(sqlite_url, settings, clock=clock)
    hall = q.Hall.of(settings, clock)
    with rt.uow() as s:
        taken = q.take_with_card(s, hall, "E", id_number=FULL_ID, name="王䶮",
                                 birth_date=date(1949, 12, 31))
    out = tmp_path / "slip.bin"
    printed = print_ticket(taken, settings, hall, f"file:{out}")
    assert printed.ok
    text = out.read_bytes().decode("gb18030")
    assert "E001" in text and "社保卡" in text and "【优先】老年人" in text
    assert "王*" in text
    assert FULL_ID not in text and "王䶮" not in text and "19491231" not in text
    pdf = slip_pdf(slip_for(taken, settings, hall), tmp_path / "slip.pdf")
    pdf_text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    flat = "".join(pdf_text.split())
    assert "E001" in flat and "社保卡" in flat and "您前面还有0人等候" in flat
    assert FULL_ID not in flat and "王䶮" not in flat
    rt.close()


def test_an_id_number_that_slips_into_the_data_is_masked() -> None:
    slip = SlipData("大厅", "A001", "就业创业", 0, datetime(2026, 9, 29, 10, 0),
                    qr_url=f"https://x.invalid/?id={FULL_ID}", note=f"备注 {FULL_ID}")
    raw = escpos_bytes(slip)
    assert FULL_ID.encode() not in raw
    assert b"110105********002X" in raw


def test_cli_take_with_the_printer_out_of_paper_keeps_the_slip(  # type: ignore[no-untyped-def]
    sqlite_url, tmp_path, capsys, stop_later
) -> None:
    """The ticket is taken and stored whatever the printer does; the slip that did not
    print stays in the spool folder (exit code 4, said in Chinese), is listed, and a
    printer driver on that folder prints it by itself once paper is back."""
    sim = stop_later(PrinterSimulator(baud=115200, status=PrinterStatus(paper_out=True)).start())
    url = f"serial:{sim.path}?baud=115200"
    spool = tmp_path / "spool"
    code = cli(["--db", sqlite_url, "queue", "take", "--category", "A", "--print", url,
                "--spool", str(spool)])
    out, err = capsys.readouterr()
    assert code == 4
    assert out.startswith("A001 就业创业")
    assert "号票未打印：打印机缺纸。号码 A001 已取号并保存" in err and "打印任务已保留" in err
    (kept,) = JobSpool(spool).failed()
    assert kept.job_id in err and kept.title == "号票 A001" and kept.reason == "打印机缺纸"
    assert cli(["--db", sqlite_url, "queue", "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["waiting"]["A"] == 1  # the ticket stands

    code = cli(["--db", sqlite_url, "queue", "take", "--category", "A", "--print", url,
                "--spool", str(spool), "--json"])
    answer = json.loads(capsys.readouterr().out)
    assert code == 4 and answer["ticket"] == "A002"
    assert answer["printed"]["ok"] is False and answer["printed"]["kept"] is True
    assert [j.title for j in JobSpool(spool).failed()] == ["号票 A001", "号票 A002"]

    events: list = []
    driver = stop_later(PrinterDriver(url, spool=JobSpool(spool), on_event=events.append,
                                      status_interval_s=0.05, status_timeout_s=0.2).start())
    sim.set_status(paper_out=False)  # paper refilled; nobody types a command
    wait_for(lambda: len([e for e in events if isinstance(e, PrintJobDone)]) == 2)
    text = bytes(sim.received).decode("gb18030", errors="replace")
    assert text.index("A001") < text.index("A002")
    assert JobSpool(spool).jobs() == [] and driver.kept_jobs() == []
