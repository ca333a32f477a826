"""The same 职工退休 visit done item by item — each item of the bundle found, its form
filled and submitted on its own, its papers printed — counted with the same keys as
the bundle (tests/ui/test_teller_flow.py::test_a_retirement_visit_takes_at_most_25_
control_keys): the "one thing" must cost fewer keys than its items one by one.
`benchmarks/bench_keys.py` prints both counts."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from counter_app.domain.catalogue import FieldKind
from counter_app.services import queue as q
from tests.ui.keyboard import Keys
from tests.ui.test_teller_flow import ID, choose
from ui.panels.applicant import CardData
from ui.panels.fields import DateLine, NumberedCombo

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
CONTENT = {FieldKind.PHONE: "13812345678", FieldKind.BANK_ACCOUNT: "6222021234567890",
           FieldKind.NUMBER: "12"}


def _field_of(w, widget: QWidget):  # type: ignore[no-untyped-def]
    for merged in w.accept.form.fields:
        if w.accept.form.widgets.get(merged.field.key) is widget:
            return merged
    return None


def fill_where_the_cursor_goes(k: Keys, w) -> None:  # type: ignore[no-untyped-def]
    """Type into the field the cursor is in and press Enter (on to the next empty
    one), as long as the cursor is in an empty form field."""
    for _ in range(30):
        merged = _field_of(w, k.focused())
        if merged is None:
            return
        widget = k.focused()
        if isinstance(widget, NumberedCombo):
            k.press_here(Qt.Key.Key_1)
        elif isinstance(widget, DateLine):
            k.type_here("19700701")
        else:
            k.type_here(CONTENT.get(merged.field.kind, "济南某机械厂"))
        k.press_here(Qt.Key.Key_Return)


def test_item_by_item_costs_more_keys_than_the_bundle(qtbot, teller_window, clock) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    # the bundle's items for this situation, read off the window (not counted)
    probe = Keys(qtbot)
    choose(probe, w, "zgtx")
    probe.press_here(Qt.Key.Key_2)  # 特殊工种提前退休
    items = [item.code for item in w.accept.items]
    assert len(items) >= 2
    w.clear_visit()  # (setup, not counted)
    hall = q.Hall.of(w.rt.settings, clock)
    with w.rt.uow() as s:
        q.take(s, hall, "A")
    qtbot.wait(750)
    k = Keys(qtbot)
    k.press(w, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: w.queue.current_number == "A001", timeout=5_000)
    w._card_read(CardData(ID, "王䶮", sex="女", address="北京市西城区"))  # laid on the reader
    cases = []
    for code in items:
        if not w.applicant.id_number.text():  # a submitted visit's card is not re-read
            k.press(w, Qt.Key.Key_L, CTRL)   # unasked: the teller types the applicant
            k.type_here(ID)
            k.press_here(Qt.Key.Key_Tab)
            k.type_here("王䶮")
        choose(k, w, code)
        qtbot.waitUntil(lambda code=code: [i.code for i in w.accept.items] == [code],
                        timeout=5_000)
        fill_where_the_cursor_goes(k, w)
        codes = [m.code for m in w.accept.materials.materials]
        if "bank_card" in codes:  # the 容缺 material belongs to this item
            k.press(w, Qt.Key.Key_M, CTRL)
            k.press_here(Qt.Key.Key_Down, times=codes.index("bank_card"))
            k.press_here(Qt.Key.Key_3)
            k.press(w, Qt.Key.Key_Q, ALT)
        if w.accept.credit_signed.isVisible():
            k.press(w, Qt.Key.Key_X, ALT)
        before = w.last_submitted
        k.press(w, Qt.Key.Key_Return, CTRL)
        qtbot.waitUntil(lambda before=before: w.last_submitted is not before
                        or "请更正" in w.accept.message.text(), timeout=20_000)
        assert w.last_submitted is not before, (w.accept.message.text(), k.log)
        case_no = w.last_submitted.result.case_no
        cases.append(case_no)
        papers = next(d for d in QApplication.topLevelWidgets()
                      if d.isVisible() and getattr(d, "case_no", None) == case_no and d is not w)
        k.press(papers, Qt.Key.Key_P, CTRL)
        k.press(papers, Qt.Key.Key_Escape)
        qtbot.waitUntil(w.isActiveWindow, timeout=5_000)
    clock.now += timedelta(minutes=5)
    k.answer_next_question([Qt.Key.Key_Return])
    k.press(w, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: w.queue.current_number == "", timeout=5_000)
    assert len(set(cases)) == len(items)
    print("keys item by item:", " ".join(k.log), f"control={k.control} content={k.content}",
          f"items={len(items)}")
    assert k.control > 23, k.log  # the bundle's count (docs/teller-keys.md)
