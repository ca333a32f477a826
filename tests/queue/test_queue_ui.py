"""The queue's screens, offscreen: the hall display follows calls made in another
process within a second (both engines); the kiosk takes numbers by touch and by ID
card and prints the slip in the background; the teller's queue strip drives call
next → accept a case → done, with the case linked to the ticket."""

from __future__ import annotations

import multiprocessing as mp
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from counter_app.config import Settings
from counter_app.runtime import open_runtime
from counter_app.services import queue as q
from counter_app.store.models import Case, Ticket
from counter_app.usecases.queue import hall_snapshot
from devices.escpos.simulator import PrinterSimulator
from devices.escpos.status import PrinterStatus
from tests.queue.workers import call_once_on_signal
from tests.ui.keyboard import Keys
from tests.ui.test_teller_flow import ID, choose, fill_rest_of_form, type_applicant
from ui.context import AppContext
from ui.panels.applicant import CardData
from ui.windows.display import DisplayWindow
from ui.windows.kiosk import KioskWindow


@pytest.fixture
def live_rt(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A runtime on the system clock: other processes share its 'today'."""
    rt = open_runtime(db_url, Settings.of(db_url=db_url, slip_printer=""))
    yield rt
    rt.close()


def test_display_shows_a_call_from_another_process_within_one_second(qtbot, live_rt) -> None:  # type: ignore[no-untyped-def]
    rt = live_rt
    hall = q.Hall.of(rt.settings)
    with rt.uow() as s:
        q.take(s, hall, "A")
        q.take(s, hall, "B")
    display = DisplayWindow(AppContext(rt))
    qtbot.addWidget(display)
    display.resize(1920, 1080)
    display.show()
    qtbot.waitUntil(lambda: display.snapshot is not None, timeout=5000)
    assert display.snapshot.waiting_total == 2

    ctx = mp.get_context("spawn")
    go, done = ctx.Event(), ctx.Queue()
    url = rt.engine.url.render_as_string(hide_password=False)
    proc = ctx.Process(target=call_once_on_signal, args=(url, rt.settings.hall.code, "3", go, done))
    proc.start()
    try:
        assert done.get(timeout=60)[0] == "ready"
        go.set()
        number, committed = done.get(timeout=30)
        assert number == "A001"
        qtbot.waitUntil(lambda: display.window_number("3") == "A001", timeout=1000)
        latency = time.time() - committed
    finally:
        proc.join(timeout=30)
        display.close()
    assert latency < 1.0
    assert display.latest.text() == "请 A001 号到 3 号窗口办理"
    assert display.speaker.spoken == ["请 A零零一 号到 三 号窗口办理"]  # as it is read aloud
    assert display.snapshot.waiting == {"A": 0, "B": 1, "C": 0, "D": 0, "E": 0}
    print(f"\n{rt.engine.dialect.name}: call shown on the display {latency * 1000:.0f} ms "
          "after its commit")


@pytest.fixture
def kiosk(qtbot, sqlite_url: str, tmp_path: Path, clock):  # type: ignore[no-untyped-def]
    settings = Settings.of(
        db_url=sqlite_url, slip_printer=f"file:{tmp_path / 'slips.bin'}",
        slip_qr_url="https://hall.example.invalid/q?no={number}",
    )
    rt = open_runtime(sqlite_url, settings, clock=clock)
    card = CardData("11010519491231002X", "王䶮", birth_date=date(1949, 12, 31), sex="女")
    window = KioskWindow(AppContext(rt), card_source=lambda: card, spool_dir=tmp_path / "spool")
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    yield window
    window.close()
    rt.close()


def test_kiosk_takes_a_number_by_touch_and_prints_the_slip(qtbot, kiosk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: "等候" in kiosk.category_buttons["B"].waiting.text(), timeout=5000)
    qtbot.mouseClick(kiosk.category_buttons["B"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.last_printed is not None, timeout=10_000)
    assert kiosk.number.text() == "B001"
    assert kiosk.pages.currentIndex() == 1
    assert kiosk.last_printed.ok, kiosk.last_printed.message
    assert "请取走号票" in kiosk.print_state.text()
    data = (tmp_path / "slips.bin").read_bytes().decode("gb18030")
    assert "B001" in data and "社会保险" in data
    # the counts follow
    qtbot.waitUntil(lambda: "1</b> 人" in kiosk.category_buttons["B"].waiting.text(),
                    timeout=5000)
    kiosk.back_to_start()
    assert kiosk.pages.currentIndex() == 0


def test_kiosk_takes_a_number_with_an_id_card_masked_and_priority(qtbot, kiosk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(kiosk.card_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.card is not None, timeout=5000)
    assert kiosk.banner.text().startswith("王*  110105********002X")
    qtbot.mouseClick(kiosk.category_buttons["A"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.last_printed is not None, timeout=10_000)
    t = kiosk.last_taken.ticket
    assert (t.number, t.priority_reason, t.holder) == ("A001", "老年人", "王*")
    assert "王*" in kiosk.result_category.text() and "王䶮" not in kiosk.result_category.text()
    data = (tmp_path / "slips.bin").read_bytes().decode("gb18030")
    assert "11010519491231002X" not in data and "王䶮" not in data and "王*" in data
    with kiosk.rt.uow() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.number == "A001"))
        assert ticket.applicant.id_number == "11010519491231002X"
    assert kiosk.card is None  # the card is forgotten after one ticket


def test_kiosk_says_plainly_when_the_slip_did_not_print(qtbot, sqlite_url, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rt = open_runtime(sqlite_url, Settings.of(db_url=sqlite_url), clock=clock)
    window = KioskWindow(AppContext(rt), printer="tcp:127.0.0.1:9", watch=False,
                         spool_dir=tmp_path / "spool")
    qtbot.addWidget(window)
    window.show()
    window.take("C")
    qtbot.waitUntil(lambda: window.last_printed is not None, timeout=15_000)
    assert not window.last_printed.ok
    assert "号票未打印" in window.print_state.text() and window.number.text() == "C001"
    assert "C001" in window.print_state.text() and "自动补打" in window.print_state.text()
    qtbot.waitUntil(lambda: "C001" in window.staff_alert.text(), timeout=15_000)
    assert window.staff_alert.isVisible() and "请工作人员处理" in window.staff_alert.text()
    window.close()
    rt.close()


def test_kiosk_paper_out_alerts_staff_and_the_slip_prints_itself_after_a_restart(  # type: ignore[no-untyped-def]
    qtbot, sqlite_url, clock, tmp_path, stop_later
) -> None:
    """Paper runs out: the light and a staff alert say so, the number stays on screen
    (result page, then the alert), the slip is kept across a kiosk restart and comes
    out by itself when paper is refilled, with no one touching the kiosk."""
    sim = stop_later(PrinterSimulator(baud=115200, status=PrinterStatus(paper_out=True)).start())
    settings = Settings.of(db_url=sqlite_url, slip_printer=f"serial:{sim.path}?baud=115200")
    rt = open_runtime(sqlite_url, settings, clock=clock)
    spool = tmp_path / "spool"

    def open_kiosk() -> KioskWindow:
        window = KioskWindow(AppContext(rt), watch=False, spool_dir=spool)
        qtbot.addWidget(window)
        window.resize(1920, 1080)
        window.show()
        qtbot.waitExposed(window)
        return window

    kiosk = open_kiosk()
    qtbot.waitUntil(lambda: "缺纸" in kiosk.printer_light.text(), timeout=15_000)
    assert kiosk.printer_light.property("state") == "error"
    assert kiosk.staff_alert.isVisible()
    assert kiosk.staff_alert.text().startswith("打印机缺纸，请工作人员处理")

    qtbot.mouseClick(kiosk.category_buttons["A"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.last_printed is not None, timeout=15_000)
    assert not kiosk.last_printed.ok and kiosk.last_printed.kept
    assert kiosk.number.isVisible() and kiosk.number.text() == "A001"
    assert "号票未打印：打印机缺纸。请记住您的号码 A001" in kiosk.print_state.text()
    qtbot.waitUntil(lambda: "A001" in kiosk.staff_alert.text(), timeout=15_000)
    assert kiosk.staff_alert.text() == "打印机缺纸，请工作人员处理（待补打号票：A001）"
    qtbot.keyClick(kiosk, Qt.Key.Key_Escape)  # the applicant walks away
    assert kiosk.pages.currentIndex() == 0
    assert kiosk.staff_alert.isVisible() and "A001" in kiosk.staff_alert.text()
    assert sim.cuts == 0

    kiosk.close()  # switched off and on again: the slip is still waiting
    kiosk = open_kiosk()
    qtbot.waitUntil(lambda: kiosk.staff_alert.text()
                    == "打印机缺纸，请工作人员处理（待补打号票：A001）", timeout=15_000)

    sim.set_status(paper_out=False)  # staff refill the paper; nobody touches the kiosk
    qtbot.waitUntil(lambda: sim.cuts == 1, timeout=20_000)
    qtbot.waitUntil(lambda: not kiosk.staff_alert.isVisible(), timeout=15_000)
    assert "A001" in bytes(sim.received).decode("gb18030", errors="replace")
    assert kiosk.printer_light.property("state") == "online"
    assert list(spool.glob("*.json")) == []
    kiosk.close()
    rt.close()


@pytest.fixture
def teller(teller_window):  # type: ignore[no-untyped-def]
    return teller_window


def fill_retirement(qtbot, w) -> Keys:  # type: ignore[no-untyped-def]
    """The retirement visit of tests/ui/test_teller_flow.py, by keys: applicant typed,
    bundle by pinyin, special-job retirement, the rest of the form, bank card 容缺,
    both promises."""
    k = Keys(qtbot)
    type_applicant(k, w, ID, "王䶮")
    choose(k, w, "zgtx")
    k.press_here(Qt.Key.Key_2)  # 特殊工种提前退休
    fill_rest_of_form(k, w)
    k.press(w, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    bank = [m.code for m in w.accept.materials.materials].index("bank_card")
    k.press_here(Qt.Key.Key_Down, times=bank)
    k.press_here(Qt.Key.Key_3)  # 容缺
    k.press(w, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    k.press(w, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    return k


def test_queue_panel_call_next_accept_a_case_done(qtbot, teller, clock) -> None:  # type: ignore[no-untyped-def]
    w = teller
    panel = w.queue
    hall = q.Hall.of(w.rt.settings, clock)
    with w.rt.uow() as s:
        q.take(s, hall, "B")
        q.take(s, hall, "A")
    clock.now += timedelta(minutes=6)

    qtbot.keyClick(w, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: panel.current_number == "B001", timeout=5000)
    assert "当前 B001 · 等候 6 分钟 · 社会保险" in panel.ticket_label.text()
    assert panel.message.text() == "请 B001 号到 3 号窗口办理"
    assert "排队 1 人" in panel.waiting_label.text()

    fill_retirement(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.last_submitted is not None or "请更正" in w.accept.message.text(),
                    timeout=20_000)
    case_no = w.last_submitted.result.case_no
    qtbot.waitUntil(lambda: "已受理 1 件" in panel.ticket_label.text(), timeout=5000)

    clock.now += timedelta(minutes=9)
    papers = next(d for d in QApplication.topLevelWidgets()
                  if d.isVisible() and getattr(d, "case_no", None) == case_no and d is not w)
    qtbot.keyClick(papers, Qt.Key.Key_Escape)
    qtbot.waitUntil(w.isActiveWindow, timeout=5_000)
    k = Keys(qtbot)
    k.answer_next_question([Qt.Key.Key_Return])  # the case was accepted: 1 办结 is chosen
    k.press(w, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: panel.current_number == "" and not panel.busy, timeout=5000)
    assert panel.message.text() == "B001 已办结（办结）"
    with w.rt.uow() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.number == "B001"))
        case = s.scalar(select(Case).where(Case.case_no == case_no))
        assert case.ticket_id == ticket.id
        assert ticket.status == "done"
        assert (ticket.wait_seconds, ticket.service_seconds) == (360, 540)
        assert ticket.teller_id == w.user.user_id and ticket.window_no == "3"


def test_queue_panel_keys_recall_no_show_and_pause(qtbot, teller, clock) -> None:  # type: ignore[no-untyped-def]
    w = teller
    panel = w.queue
    with w.rt.uow() as s:
        q.take(s, q.Hall.of(w.rt.settings, clock), "C")
    qtbot.keyClick(w, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: panel.current_number == "C001", timeout=5000)
    clock.now += timedelta(seconds=30)
    qtbot.keyClick(w, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: "重呼 C001" in panel.message.text(), timeout=5000)
    qtbot.keyClick(w, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: panel.message.text() == "C001 已过号", timeout=5000)
    assert panel.current_number == ""
    panel.pause("休息")
    qtbot.waitUntil(lambda: panel.view is not None and panel.view.paused, timeout=5000)
    assert panel.buttons["F6"].text() == "恢复 F6" and "已暂停服务" in panel.ticket_label.text()
    qtbot.keyClick(w, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: "暂停服务" in panel.message.text(), timeout=5000)
    qtbot.keyClick(w, Qt.Key.Key_F6)  # resumes without a dialog
    qtbot.waitUntil(lambda: panel.view is not None and not panel.view.paused, timeout=5000)


def test_kiosk_and_display_render_full_hd(qtbot, sqlite_url, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    rt = open_runtime(sqlite_url, Settings.of(db_url=sqlite_url), clock=clock)
    hall = q.Hall.of(rt.settings, clock)
    with rt.uow() as s:
        for i in range(12):
            q.take(s, hall, "ABCDE"[i % 5])
        for window in "1234":
            q.call_next(s, hall, window)
    snap = hall_snapshot(rt)  # read before a window marks this thread as the GUI's
    for cls in (KioskWindow, DisplayWindow):
        w = cls(AppContext(rt), watch=False)
        qtbot.addWidget(w)
        w.show_snapshot(snap) if cls is DisplayWindow else w.show_counts(snap)
        w.resize(1920, 1080)
        w.show()
        qtbot.waitExposed(w)
        image = w.grab()
        assert (image.width(), image.height()) == (1920, 1080)
        assert image.save(str(tmp_path / f"{cls.__name__}.png"))
        w.close()
    rt.close()
