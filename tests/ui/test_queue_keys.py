"""The teller's queue strip driven by keys (issue 11 items 2, 12, 13, 20, 22):
F1 on a served visit asks first, doubled or bursting F-keys neither skip nor close
anyone, F7 stores an outcome code and note, F4 transfers by digit, Shift+F1 serves a
walk-in, F11 confirms arrival, F2 too early says when; F8 reaches the rating hook
from a dialog; a 不满意 on the pad leaves no rating word on the teller's screen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from counter_app.services import queue as q
from counter_app.store.models import Ticket, TicketTransaction

Key = Qt.Key


def take(w, *categories: str) -> None:  # type: ignore[no-untyped-def]
    hall = q.Hall.of(w.rt.settings, w.rt.deps.clock)
    with w.rt.uow() as s:
        for c in categories:
            q.take(s, hall, c)


def tickets(w) -> dict[str, tuple[str, int]]:  # type: ignore[no-untyped-def]
    with w.rt.uow() as s:
        return {t.number: (str(t.status), t.service_seconds)
                for t in s.scalars(select(Ticket).order_by(Ticket.id))}


def commit_text(widget: QWidget, text: str) -> None:
    """Chinese typed through the input method (QTest types ASCII only)."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def target(w) -> QWidget:  # type: ignore[no-untyped-def]
    """Where a key pressed now goes: the focus (inside the open question, if one is
    open), else the question, else the window."""
    modal, focus = QApplication.activeModalWidget(), QApplication.focusWidget()
    if focus is not None and (modal is None or modal.isAncestorOf(focus)):
        return focus
    return modal or w


def play(qtbot, w, steps: Sequence[object], gap_ms: int = 100) -> None:  # type: ignore[no-untyped-def]
    """Press keys one after another from a timer, as a teller would, while modal
    questions run their own event loops. A step is a key, (key, modifiers), a string
    of Chinese to commit, or a callable."""
    pending = list(steps)
    finished: list[bool] = []

    def next_step() -> None:
        if not pending:
            modal = QApplication.activeModalWidget()
            if modal is not None:  # a question left open would never let the test go on
                left_open.append(modal.windowTitle())
                modal.reject()
            finished.append(True)
            return
        step = pending.pop(0)
        # the next press is due whether or not this one opens a modal question
        # (whose own event loop keeps this call from returning until it closes)
        QTimer.singleShot(gap_ms, next_step)
        if callable(step):
            step()
        elif isinstance(step, str):
            commit_text(target(w), step)
        elif isinstance(step, tuple):
            qtbot.keyClick(target(w), step[0], step[1])
        else:
            qtbot.keyClick(target(w), step)

    left_open: list[str] = []
    QTimer.singleShot(0, next_step)
    qtbot.waitUntil(lambda: bool(finished), timeout=20_000)
    assert not left_open, f"question left open: {left_open}"


def settle(qtbot, w) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not w.queue.busy and QApplication.activeModalWidget() is None,
                    timeout=10_000)
    w.runner.wait_idle()


def serve_first(qtbot, w, number: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(w, Key.Key_F1)
    qtbot.waitUntil(lambda: w.queue.current_number == number, timeout=5000)
    qtbot.wait(750)  # past the debounce


def test_two_f1_250_ms_apart_call_exactly_one_citizen(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    take(w, "C", "C", "C")
    qtbot.keyClick(w, Key.Key_F1)
    qtbot.wait(250)
    qtbot.keyClick(w, Key.Key_F1)
    qtbot.waitUntil(lambda: w.queue.current_number == "C001", timeout=5000)
    settle(qtbot, w)
    assert "F1 debounce" in w.queue.function_keys.ignored
    assert tickets(w) == {"C001": ("serving", 0), "C002": ("waiting", 0),
                          "C003": ("waiting", 0)}
    # a held key (auto-repeat) is one press as well
    qtbot.wait(750)
    from PySide6.QtGui import QKeyEvent

    held = QKeyEvent(QKeyEvent.Type.KeyPress, Key.Key_F1, Qt.KeyboardModifier.NoModifier,
                     "", True)
    QApplication.sendEvent(w, held)
    assert "F1 repeat" in w.queue.function_keys.ignored
    assert tickets(w)["C002"] == ("waiting", 0)


def test_f1_on_a_served_visit_asks_esc_keeps_serving_enter_calls_the_next(  # type: ignore[no-untyped-def]
    qtbot, teller_window, clock
) -> None:
    w = teller_window
    take(w, "C", "C")
    serve_first(qtbot, w, "C001")
    clock.now += timedelta(minutes=3)
    seen: list[str] = []
    play(qtbot, w, [Key.Key_F1, lambda: seen.append(w.queue.confirm.windowTitle()),
                    Key.Key_Escape])
    settle(qtbot, w)
    assert seen == ["结束本次服务？"]
    assert w.queue.message.text() == "继续办理 C001"
    assert tickets(w) == {"C001": ("serving", 0), "C002": ("waiting", 0)}
    qtbot.wait(750)
    play(qtbot, w, [Key.Key_F1, Key.Key_Return])
    qtbot.waitUntil(lambda: w.queue.current_number == "C002", timeout=5000)
    settle(qtbot, w)
    assert tickets(w) == {"C001": ("done", 180), "C002": ("serving", 0)}


@pytest.mark.parametrize("burst", [
    ["F7", "F1", "F1", "F1", "F3", "F1", "F1"],
    ["F1", "F1", "F1", "F3", "F1", "F1", "F7", "F1"],
])
def test_a_burst_of_f_keys_skips_and_closes_nobody(qtbot, teller_window, clock, burst) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    take(w, "A", "A", "A")
    serve_first(qtbot, w, "A001")
    clock.now += timedelta(minutes=2)
    seen: list[tuple[str, str]] = []

    def look() -> None:  # the question still open at the end of the burst
        asked = QApplication.activeModalWidget()
        seen.append((asked.windowTitle(), asked.error.text()) if asked else ("", ""))

    keys = [getattr(Key, f"Key_{k}") for k in burst]
    play(qtbot, w, [*keys, look, Key.Key_Escape], gap_ms=60)
    settle(qtbot, w)
    assert seen[0][0] in ("办结 A001", "结束本次服务？")
    assert "请先回答本对话框" in seen[0][1]
    state = tickets(w)
    for number, (status, served) in state.items():
        assert status in ("waiting", "serving") or served > 0, (number, status, served)
    assert state == {"A001": ("serving", 0), "A002": ("waiting", 0), "A003": ("waiting", 0)}


def test_f7_stores_an_outcome_code_and_a_note(qtbot, teller_window, clock) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    take(w, "B")
    serve_first(qtbot, w, "B001")
    clock.now += timedelta(minutes=4)
    errors: list[str] = []
    play(qtbot, w, [
        Key.Key_F7,
        Key.Key_Return,  # nothing chosen yet
        lambda: errors.append(w.queue.outcome_dialog.error.text()),
        Key.Key_7, Key.Key_Return,  # 其他 needs a note
        lambda: errors.append(w.queue.outcome_dialog.error.text()),
        # the focus went to the note: back to the list, choose 2, then the note
        (Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier),
        Key.Key_2, Key.Key_Tab, "缺户口本，已一次性告知", Key.Key_Return,
    ], gap_ms=250)  # a teller's pace: each question settles before the next key
    qtbot.waitUntil(lambda: w.queue.current_number == "", timeout=5000)
    settle(qtbot, w)
    assert errors == ["请按数字 1–7 选择办理结果", "办理结果为“其他”时请填写说明"]
    assert w.queue.message.text() == "B001 已办结（一次性告知）"
    with w.rt.uow() as s:
        tx = s.scalar(select(TicketTransaction))
        assert (tx.outcome, tx.outcome_code, tx.note) == ("done", "informed",
                                                           "缺户口本，已一次性告知")
        assert (tx.ended_at - tx.started_at).total_seconds() == 240


def test_f4_transfers_by_digit_to_a_listed_window(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    take(w, "A", "B")
    hall = q.Hall.of(w.rt.settings, w.rt.deps.clock)
    with w.rt.uow() as s:
        q.call_next(s, hall, "5", categories="B")  # window 5 exists, serving B001
    serve_first(qtbot, w, "A001")
    rows: list[str] = []

    def look() -> None:
        rows.extend(w.queue.transfer_dialog.list.item(i).text()
                    for i in range(w.queue.transfer_dialog.list.count()))

    play(qtbot, w, [Key.Key_F4, look, Key.Key_1, Key.Key_Return], gap_ms=150)
    qtbot.waitUntil(lambda: w.queue.current_number == "", timeout=5000)
    settle(qtbot, w)
    assert rows[0] == "1  5号窗口（在办 B001）"
    assert rows[1:] == ["2  业务 B 社会保险（排队等候）", "3  业务 C 人事人才（排队等候）",
                        "4  业务 D 劳动关系（排队等候）", "5  业务 E 社保卡（排队等候）"]
    with w.rt.uow() as s:
        t = s.scalar(select(Ticket).where(Ticket.number == "A001"))
        assert (t.status, t.target_window, t.return_window) == ("waiting", "5", "3")


def test_walk_in_arrival_and_the_recall_gap_by_keys(qtbot, teller_window, clock) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    take(w, "A")
    qtbot.keyClick(w, Key.Key_F1, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: w.queue.current_number == "A002", timeout=5000)
    settle(qtbot, w)
    assert w.queue.message.text() == "无号现场办理：已建 A002（就业创业）"
    assert "待到达确认(F11)" in w.queue.ticket_label.text()
    clock.now += timedelta(seconds=10)
    qtbot.keyClick(w, Key.Key_F11)
    qtbot.waitUntil(lambda: "已到达" in w.queue.message.text(), timeout=5000)
    settle(qtbot, w)
    assert " · 已到达" in w.queue.ticket_label.text()
    qtbot.keyClick(w, Key.Key_F2)
    qtbot.waitUntil(lambda: "可再重呼" in w.queue.message.text(), timeout=5000)
    assert "21 秒后（10:00:30 起）" in w.queue.message.text()
    with w.rt.uow() as s:
        t = s.scalar(select(Ticket).where(Ticket.number == "A002"))
        assert (t.channel, t.status, t.arrived_at) == ("walk_in", "serving", clock.now)
        assert s.scalar(select(Ticket.status).where(Ticket.number == "A001")) == "waiting"


def _rating_setup(w):  # type: ignore[no-untyped-def]
    from counter_app.infra.pad_session import PadRatingService
    from counter_app.infra.soft_pad import SoftPad

    pad = SoftPad()
    service = PadRatingService(w.rt, pad, actor=w.user, window_no="3").start()
    w.rating.attach(service)
    return pad, service


def test_f8_reaches_the_rating_hook_from_a_dialog(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    take(w, "A")
    serve_first(qtbot, w, "A001")
    pad, service = _rating_setup(w)
    try:
        dialog = QDialog(w)  # e.g. the papers dialog, a note, a list: focus inside it
        dialog.setWindowTitle("文书")
        edit = QLineEdit()
        QVBoxLayout(dialog).addWidget(edit)
        dialog.show()
        qtbot.waitExposed(dialog)
        edit.setFocus()
        qtbot.keyClick(edit, Key.Key_F8)
        qtbot.waitUntil(lambda: pad.current is not None, timeout=5000)
        assert edit.text() == ""
        pad.cancel_session(pad.current.session_id)
        qtbot.waitUntil(lambda: w.rating.label.text() == "未评价", timeout=5000)
        # a modal dialog too (the rating hook is not one of the queue's own questions)
        dialog.close()
        modal = QDialog(w)
        modal.setModal(True)
        modal.show()
        qtbot.waitExposed(modal)
        qtbot.wait(750)
        qtbot.keyClick(modal, Key.Key_F8)
        qtbot.waitUntil(lambda: pad.current is not None, timeout=5000)
        modal.close()
    finally:
        service.stop()
        w.runner.wait_idle()


RATING_WORDS = ("非常满意", "基本满意", "不满意", "满意", "差评", "好评", "回访")


def visible_text(window: QWidget) -> str:
    parts = [window.windowTitle(), window.statusBar().currentMessage()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            parts.append(widget.text())
        elif isinstance(widget, QListWidget):
            parts += [widget.item(i).text() for i in range(widget.count())]
    return "\n".join(parts)


def test_a_bad_rating_leaves_no_rating_word_on_the_tellers_screen(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    take(w, "A")
    serve_first(qtbot, w, "A001")
    pad, service = _rating_setup(w)
    try:
        before = visible_text(w)
        assert not [word for word in RATING_WORDS if word in before]
        qtbot.keyClick(w, Key.Key_F8)
        qtbot.waitUntil(lambda: pad.current is not None, timeout=5000)
        assert pad.press(2, [pad.reasons[0]])  # 不满意, on the applicant's side
        qtbot.waitUntil(lambda: w.rating.label.text() == "已评价", timeout=5000)
        w.runner.wait_idle()
        qtbot.wait(200)
        shown = visible_text(w)
        assert "已评价" in shown
        assert [word for word in RATING_WORDS if word in shown] == []
        assert not [word for word in RATING_WORDS if word in w.rating.label.toolTip()]
    finally:
        service.stop()
        w.runner.wait_idle()
