"""A teller's day at window 3, by keyboard only: twenty citizens called with F1, one
after the other, served the way a day brings them — a card laid on the (simulated,
pseudo-terminal) ID reader for 职工退休一件事 with a situation and a 容缺 material,
an applicant typed by hand, a 一次性告知, a 不予受理, a transfer, a no-show — each served
visit printed, rated on the pad and closed with F7 and its outcome.

What it asserts is what the hall would check at night: every stored form holds the
names, ID numbers and dates as read or typed; no ticket was closed with 0 s of
service; every citizen was called once and none skipped; the applicant panel was
empty at every call; the teller's screen never showed how anyone rated."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from counter_app.config import Settings
from counter_app.domain.idnumber import check_char
from counter_app.runtime import open_runtime
from counter_app.services import queue as q
from counter_app.services.backoffice import find_case
from counter_app.store.models import Ticket
from devices.hub import DeviceHub
from devices.idcard.model import CardType
from devices.idcard.samples import sample_card
from devices.idcard.simulator import IdCardSimulator
from tests.ui.keyboard import Keys
from tests.ui.test_queue_keys import RATING_WORDS, visible_text
from tests.ui.test_teller_flow import choose, fill_rest_of_form
from ui.bridge.devices import DeviceController
from ui.panels.fields import DateLine
from ui.windows.teller import TellerWindow

pytestmark = pytest.mark.slow  # about a minute and a half: CI runs it, `-m "not slow"` skips

Key = Qt.Key
CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier

# the day: what each of the twenty citizens came for
DAY = (
    "card_bundle", "typed_item", "supplement", "typed_item", "reject",
    "card_bundle", "no_show", "typed_item", "transfer", "supplement",
    "card_bundle", "typed_item", "reject", "typed_item", "no_show",
    "card_bundle", "typed_item", "supplement", "transfer", "typed_item",
)
NAMES = ("李娜", "王䶮", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴昊",
         "徐丽", "孙强", "马超", "朱琳", "胡军", "郭靖", "何欢", "高峰", "林青", "罗兰")
LEVELS = (5, 4, 3, 2, 1)  # 非常满意 … 非常不满意, in turn


def person_id(n: int) -> str:
    """A valid 公民身份号码 of 济南市历下区, born in 1960 + n."""
    first17 = f"370102{1960 + n}0{(n % 9) + 1}15{n % 10}{(n * 7) % 10}{n % 2 + 1}"
    return first17 + check_char(first17)


@pytest.fixture
def counter(qtbot, tmp_path: Path, clock, teller_user_factory, app_context):  # type: ignore[no-untyped-def]
    """Window 3 (calls category A only) with the simulated ID reader on a pty and the
    software rating pad."""
    from counter_app.infra.pad_session import PadRatingService
    from counter_app.infra.soft_pad import SoftPad

    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    settings = Settings.of(db_url=url, papers_dir=str(tmp_path / "papers"), window_no="3",
                           queue_window_categories="A")
    rt = open_runtime(url, settings, clock=clock)
    user = teller_user_factory(rt, clock)
    sim = IdCardSimulator(None, baud=115200, replace_after_s=None).start()
    hub = DeviceHub()
    hub.configure({"idcard": f"{sim.path}?baud=115200"}, spool_dir=tmp_path / "spool")
    devices = DeviceController(hub)
    window = TellerWindow(app_context(rt, user, devices))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    devices.start()
    pad = SoftPad()
    service = PadRatingService(rt, pad, actor=user, window_no="3").start()
    window.rating.attach(service)
    qtbot.waitUntil(lambda: window.lights.state("idcard") == "online", timeout=10_000)
    yield window, sim, pad
    service.stop()
    devices.stop()
    sim.stop()
    window.runner.wait_idle()
    rt.close()


def submitted(qtbot, w, before: object) -> str:  # type: ignore[no-untyped-def]
    with contextlib.suppress(qtbot.TimeoutError):
        qtbot.waitUntil(lambda: w.last_submitted is not before
                        or "请更正" in w.accept.message.text(), timeout=20_000)
    assert w.last_submitted is not before, (w.accept.message.text(), w.message_line.text())
    return w.last_submitted.result.case_no


def close_papers(qtbot, k: Keys, w, case_no: str) -> None:  # type: ignore[no-untyped-def]
    papers = next(d for d in QApplication.topLevelWidgets()
                  if d.isVisible() and getattr(d, "case_no", None) == case_no and d is not w)
    k.press(papers, Key.Key_Escape)
    qtbot.waitUntil(w.isActiveWindow, timeout=5_000)


def rate(qtbot, k: Keys, w, pad, level: int) -> None:  # type: ignore[no-untyped-def]
    """F8 on the teller's side; the citizen presses on the pad."""
    k.press(w, Key.Key_F8)
    qtbot.waitUntil(lambda: pad.current is not None, timeout=5_000)
    assert pad.press(level, [pad.reasons[0]] if level <= 2 else [])
    qtbot.waitUntil(lambda: w.rating.label.text() == "已评价", timeout=5_000)
    shown = visible_text(w) + w.rating.label.toolTip()
    assert [word for word in RATING_WORDS if word in shown] == [], shown


def type_person(k: Keys, w, number: str, name: str) -> None:  # type: ignore[no-untyped-def]
    k.press(w, Key.Key_L, CTRL)
    k.type_here(number)
    k.press_here(Key.Key_Tab)
    k.type_here(name)


def dates_typed(w) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The form's date fields as the keys filled them (fill_rest_of_form: 19700701)."""
    return {key: "1970-07-01" for key, widget in w.accept.form.widgets.items()
            if isinstance(widget, DateLine) and widget.isEnabled()
            and widget.text().replace("-", "") == "19700701"}


def test_a_tellers_day_by_keys(qtbot, counter, clock) -> None:  # type: ignore[no-untyped-def]
    w, sim, pad = counter
    hall = q.Hall.of(w.rt.settings, clock)
    with w.rt.uow() as s:  # the morning's tickets, taken at the kiosk
        numbers = [q.take(s, hall, "A").ticket.number for _ in DAY]
    k = Keys(qtbot)
    expected: dict[str, dict[str, str]] = {}  # case no → what the form must hold
    called: list[str] = []
    ratings = 0
    for n, (visit, name) in enumerate(zip(DAY, NAMES, strict=True)):
        qtbot.wait(750)  # the previous visit outlasts F1's debounce
        k.press(w, Key.Key_F1)
        qtbot.waitUntil(lambda: w.queue.current_number not in ("", *called), timeout=5_000)
        called.append(w.queue.current_number)
        # a new citizen: an empty applicant panel, no item, no form
        assert (w.applicant.id_number.text(), w.applicant.name.text()) == ("", ""), visit
        assert not w.accept.items and w.accept.form.values() == {}
        clock.now += timedelta(minutes=3)  # the citizen walks up and is served
        before = w.last_submitted
        number = person_id(n)
        if visit == "no_show":
            k.press(w, Key.Key_F3)
            qtbot.waitUntil(lambda: w.queue.current_number == "", timeout=5_000)
            continue
        if visit == "transfer":  # to the 社会保险 queue (B), which window 3 does not call
            k.answer_next_question([Key.Key_1, Key.Key_Return])
            k.press(w, Key.Key_F4)
            qtbot.waitUntil(lambda: w.queue.current_number == "", timeout=5_000)
            continue
        if visit == "card_bundle":
            male = int(number[16]) % 2 == 1
            card = replace(sample_card(CardType.RESIDENT), name=name, id_number=number,
                           birth_date=date(1960 + n, (n % 9) + 1, 15),
                           sex="男" if male else "女", sex_code="1" if male else "2")
            sim.place_card(card)
            qtbot.waitUntil(lambda number=number: w.applicant.id_number.text() == number,
                            timeout=10_000)
            choose(k, w, "zgtx")
            k.press_here(Key.Key_2)  # 特殊工种提前退休
            fill_rest_of_form(k, w)
            want = {"applicant_name": name, "id_number": number, **dates_typed(w),
                    "retire_type": "特殊工种提前退休"}
            k.press(w, Key.Key_M, CTRL)
            bank = [m.code for m in w.accept.materials.materials].index("bank_card")
            k.press_here(Key.Key_Down, times=bank)
            k.press_here(Key.Key_3)  # 容缺
            k.press(w, Key.Key_Q, ALT)
            k.press(w, Key.Key_X, ALT)
            k.press(w, Key.Key_Return, CTRL)
            outcome = [Key.Key_Return]  # an accepted case: 办结 is chosen already
        else:
            type_person(k, w, number, name)
            choose(k, w, "shbxgrqy")
            fill_rest_of_form(k, w)
            want = {"applicant_name": name, "id_number": number, **dates_typed(w)}
            if w.accept.credit_signed.isVisible():
                k.press(w, Key.Key_X, ALT)
            if visit == "typed_item":
                k.press(w, Key.Key_Return, CTRL)
                outcome = [Key.Key_Return]
            elif visit == "supplement":  # the first material not brought: 一次性告知
                k.press(w, Key.Key_M, CTRL)
                k.press_here(Key.Key_5)  # 未提供
                k.press(w, Key.Key_G, CTRL)
                outcome = [Key.Key_2, Key.Key_Return]  # 一次性告知
            else:  # 不予受理, the first preset reason
                k.press(w, Key.Key_J, CTRL)
                qtbot.waitUntil(lambda: w.reject_dialog is not None  # seen, then answered
                                and w.reject_dialog.isActiveWindow(), timeout=5_000)
                k.press_here(Key.Key_1)
                k.press_here(Key.Key_Return)
                outcome = [Key.Key_3, Key.Key_Return]  # 不予受理
        case_no = submitted(qtbot, w, before)
        expected[case_no] = want
        if visit == "card_bundle":
            sim.remove_card()
        close_papers(qtbot, k, w, case_no)
        rate(qtbot, k, w, pad, LEVELS[ratings % len(LEVELS)])
        ratings += 1
        k.answer_next_question(outcome)
        k.press(w, Key.Key_F7)
        qtbot.waitUntil(lambda: w.queue.current_number == "" and not w.queue.busy,
                        timeout=5_000)
        qtbot.waitUntil(w.isActiveWindow, timeout=5_000)  # the keys are the window's again
    w.runner.wait_idle()

    # every citizen called once, in the order they took their tickets
    assert called == numbers
    with w.rt.uow() as s:
        tickets = {t.number: t for t in s.scalars(select(Ticket))}
        for number, visit in zip(numbers, DAY, strict=True):
            t = tickets[number]
            if visit == "no_show":
                assert str(t.status) == "no_show"
            elif visit == "transfer":  # waiting in the B queue: not lost, not skipped
                assert (str(t.status), t.category) == ("waiting", "B")
            else:
                assert str(t.status) == "done" and t.service_seconds > 0, (number, visit)
        # the forms as read from the cards and typed
        assert len(expected) == DAY.count("card_bundle") + DAY.count("typed_item") \
            + DAY.count("supplement") + DAY.count("reject")
        for case_no, want in expected.items():
            case = find_case(s, case_no)
            form = dict(case.form_values)
            assert {key: form.get(key) for key in want} == want, case_no
            assert case.applicant_name == want["applicant_name"]
        statuses = sorted(str(find_case(s, c).status) for c in expected)
    assert statuses.count("rejected") == DAY.count("reject")
    assert statuses.count("supplement") == DAY.count("supplement")
    print("teller's day:", len(called), "calls,", len(expected), "cases,", ratings,
          "ratings,", k.control, "control keys,", k.content, "characters typed")

