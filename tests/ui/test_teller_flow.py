"""The teller window's flow, by keys, asserting what was stored: the applicant typed
after the item reaches the form whole; a new ticket starts an empty visit; dates in
one go; situation answers fill the form; numbered answers; the message line; errors
that put the cursor in the first wrong field; the card reader's manners; promises by
Alt+Q/Alt+X; a unit with its agent; the case detail on Enter; drafts."""

from __future__ import annotations

import os
import stat
from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from counter_app.domain.application import MaterialStatus
from counter_app.domain.catalogue import FieldKind
from counter_app.services import queue as q
from counter_app.services.backoffice import find_case
from tests.ui.keyboard import Keys
from ui.panels.applicant import CardData
from ui.panels.fields import DateLine, NumberedCombo

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
ID = "11010519491231002X"
ID_MALE = "110105194912310011"
OTHER = "110105198001010024"  # a valid number, 9th-from-last digit odd: male
RETIREMENT = "370100-YJS-07"


def stored(rt, case_no: str):  # type: ignore[no-untyped-def]
    with rt.uow() as session:
        case = find_case(session, case_no)
        return dict(case.form_values), case.applicant_name, case.agent_name


def submitted(qtbot, w) -> str:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: w.last_submitted is not None or "请更正" in w.accept.message.text(),
                    timeout=20_000)
    assert w.last_submitted is not None, w.accept.message.text()
    return w.last_submitted.result.case_no


def choose(k: Keys, w, query: str) -> None:  # type: ignore[no-untyped-def]
    k.press(w, Qt.Key.Key_F, CTRL)
    k.type(w.accept.search.edit, query)
    k.press(w.accept.search.edit, Qt.Key.Key_Return)


def fill_rest_of_form(k: Keys, w) -> None:  # type: ignore[no-untyped-def]
    """Every required field still empty, typed by keys."""
    for merged in w.accept.form.fields:
        key = merged.field.key
        widget = w.accept.form.widgets[key]
        if not merged.required or not widget.isEnabled() or key in w.accept.form.values():
            continue
        if isinstance(widget, NumberedCombo):
            k.press(widget, Qt.Key.Key_1)
        elif isinstance(widget, DateLine):
            k.type(widget, "19700701")
        elif merged.field.kind is FieldKind.BANK_ACCOUNT:
            k.type(widget, "6222021234567890")
        elif merged.field.kind is FieldKind.NUMBER:
            k.type(widget, "12")
        elif merged.field.kind is FieldKind.PHONE:
            k.type(widget, "13812345678")
        else:
            k.type(widget, "济南某机械厂")


def answer(qtbot, w, yes: bool = True) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: w.pending_question is not None, timeout=5_000)
    box = w.pending_question
    qtbot.keyClick(box, Qt.Key.Key_Return if yes else Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: w.pending_question is None, timeout=5_000)
    qtbot.waitUntil(w.isActiveWindow, timeout=5_000)  # the keys are the window's again


def type_applicant(k: Keys, w, number: str = ID, name: str = "李娜") -> None:  # type: ignore[no-untyped-def]
    k.press(w, Qt.Key.Key_L, CTRL)
    k.type_here(number)
    k.press_here(Qt.Key.Key_Tab)
    assert k.focused() is w.applicant.name
    k.type_here(name)


# -- 1. the applicant reaches the form whole ------------------------------------------
@pytest.mark.parametrize("query", ["shbxgrqy", "zgtx"], ids=["item", "bundle"])
def test_applicant_typed_after_the_item_reaches_the_form_whole(qtbot, teller_window, query) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    choose(k, w, query)
    assert w.accept.items
    type_applicant(k, w)
    values = w.accept.form.values()
    assert values["applicant_name"] == "李娜" and values["id_number"] == ID
    fill_rest_of_form(k, w)
    if w.accept.credit_signed.isVisible():
        k.press(w, Qt.Key.Key_X, ALT)
    k.press(w, Qt.Key.Key_Return, CTRL)
    form, name, _agent = stored(w.rt, submitted(qtbot, w))
    assert (form["applicant_name"], form["id_number"], name) == ("李娜", ID, "李娜")


def test_a_value_typed_in_the_form_is_kept(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    choose(k, w, "shbxgrqy")
    type_applicant(k, w)
    phone = w.accept.form.widgets.get("phone")
    name_field = w.accept.form.widgets["applicant_name"]
    k.press(name_field, Qt.Key.Key_A, CTRL)
    k.type(name_field, "李娜娜")
    k.type(w.applicant.name, "X")  # the applicant panel changes on
    assert w.accept.form.values()["applicant_name"] == "李娜娜"
    assert phone is None or phone.text() == ""


# -- 2. one visit = one applicant -----------------------------------------------------
def _two_tickets(w, clock) -> None:  # type: ignore[no-untyped-def]
    hall = q.Hall.of(w.rt.settings, clock)
    with w.rt.uow() as s:
        q.take(s, hall, "A")
        q.take(s, hall, "A")


@pytest.mark.parametrize("discard", [True, False], ids=["enter-clears", "esc-keeps"])
def test_a_new_ticket_starts_an_empty_visit(qtbot, teller_window, clock, discard) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    _two_tickets(w, clock)
    k = Keys(qtbot)
    k.press(w, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: w.queue.current_number == "A001", timeout=5_000)
    type_applicant(k, w)
    choose(k, w, "zgtx")
    clock.now += timedelta(minutes=3)
    k.answer_next_question([Qt.Key.Key_5, Qt.Key.Key_Return])  # 办理结果: 5 咨询
    k.press(w, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: w.queue.current_number == "" and not w.queue.busy, timeout=5_000)
    k.press(w, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: w.queue.current_number == "A002", timeout=5_000)
    answer(qtbot, w, discard)
    if discard:
        assert w.applicant.name.text() == "" and w.applicant.id_number.text() == ""
        assert not w.accept.items and w.accept.form.values() == {}
        assert not w.accept.situations.isVisible()
        assert w.accept.materials.materials == []
    else:
        assert w.applicant.name.text() == "李娜" and w.accept.bundle_code == RETIREMENT


def test_a_card_read_visit_is_cleared_without_a_question(qtbot, teller_window, clock) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    _two_tickets(w, clock)
    k = Keys(qtbot)
    k.press(w, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: w.queue.current_number == "A001", timeout=5_000)
    w._card_read(CardData(ID, "王䶮"))  # what the reader's signal delivers
    k.answer_next_question([Qt.Key.Key_5, Qt.Key.Key_Return])  # 办理结果: 5 咨询
    k.press(w, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: w.queue.current_number == "" and not w.queue.busy, timeout=5_000)
    qtbot.wait(750)  # a visit outlasts F1's debounce (ui.bridge.keys)
    k.press(w, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: w.queue.current_number == "A002", timeout=5_000)
    qtbot.waitUntil(lambda: w.applicant.id_number.text() == "", timeout=2_000)
    assert w.pending_question is None


# -- 3. dates -------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["19700701", "1970-07-01", "1970年7月1日"])
def test_a_date_typed_in_one_go_is_stored(qtbot, teller_window, typed) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    choose(k, w, "zgtx")
    line = w.accept.form.widgets["work_start_date"]
    assert isinstance(line, DateLine)
    line.setFocus()
    k.type_here(typed)
    k.press_here(Qt.Key.Key_Tab)
    assert k.focused() is not line  # Tab leaves the field
    assert line.text() == "1970-07-01" and w.accept.form.values()["work_start_date"] == "1970-07-01"
    line.setFocus()
    k.press_here(Qt.Key.Key_A, CTRL)
    assert line.selectedText() == "1970-07-01"
    k.type_here("19700231")
    k.press_here(Qt.Key.Key_Tab)
    assert "没有 1970-02-31 这一天" in w.accept.message.text()
    assert "work_start_date" not in w.accept.form.values()
    line.setFocus()
    k.press_here(Qt.Key.Key_A, CTRL)
    k.type_here("19700228")
    k.press_here(Qt.Key.Key_Tab)
    assert w.accept.message.text() == "" and line.problem == ""


def test_submit_with_an_impossible_date_focuses_it(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    choose(k, w, "zgtx")
    type_applicant(k, w)
    line = w.accept.form.widgets["work_start_date"]
    k.type(line, "19701301")
    k.press(w, Qt.Key.Key_Return, CTRL)
    assert QApplication.focusWidget() is line
    assert "请更正" in w.accept.message.text() and w.last_submitted is None


# -- 4, 5. situations fill the form; numbered answers; no wheel -----------------------
def test_the_situation_answer_fills_the_form_and_is_not_asked_again(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    choose(k, w, "zgtx")
    combo = w.accept.situations.combos["retire_type"]
    assert k.focused() is combo
    assert [combo.itemText(i)[:2] for i in range(3)] == ["1 ", "2 ", "3 "]
    k.press_here(Qt.Key.Key_2)  # 特殊工种提前退休
    assert combo.currentData() == "special"
    retire = w.accept.form.widgets["retire_type"]
    assert not retire.isEnabled() and w.accept.form.values()["retire_type"] == "特殊工种提前退休"
    assert "special_job_name" in w.accept.form.widgets


def test_the_wheel_does_not_turn_an_answer_it_passes_over(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    choose(k, w, "zgtx")
    combo = w.accept.situations.combos["retire_type"]
    w.accept.search.edit.setFocus()
    before = combo.currentIndex()
    for _ in range(3):
        event = QWheelEvent(QPoint(5, 5), combo.mapToGlobal(QPoint(5, 5)), QPoint(0, 0),
                            QPoint(0, -120), Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier,
                            Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(combo, event)
    assert combo.currentIndex() == before
    assert w.accept.situations.answers()["retire_type"] == "normal"


# -- 6, 7. fits small screens; the message line ----------------------------------------
@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
def test_the_window_fits_the_screen_with_nothing_cut(qtbot, teller_window, size) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    hint = w.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1] - 30  # a title bar
    w.resize(size[0], size[1] - 30)
    qtbot.wait(50)
    for widget in (w.accept.accept_button, w.accept.reject_button, w.message_line,
                   w.applicant.address, w.cases.table):
        top_left = widget.mapTo(w, QPoint(0, 0))
        assert widget.isVisible()
        assert top_left.x() + widget.width() <= w.width()
        assert top_left.y() + widget.height() <= w.height()
    assert w.applicant.address.width() >= 220  # an address shows more than its end
    k = Keys(qtbot)
    type_applicant(k, w)
    assert ID not in w.applicant.id_status.text() and "1101" not in w.applicant.id_status.text()


def test_a_called_ticket_does_not_widen_the_window_past_1280(qtbot, teller_window, clock) -> None:  # type: ignore[no-untyped-def]
    """The queue strip with a served ticket (number, wait, category, arrival) and the
    call message: the window still fits a 1280 px screen (it did not under Xvfb)."""
    w = teller_window
    _two_tickets(w, clock)
    k = Keys(qtbot)
    k.press(w, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: w.queue.current_number == "A001", timeout=5_000)
    qtbot.waitUntil(lambda: "待到达确认" in w.queue.ticket_label.toolTip(), timeout=5_000)
    assert w.minimumSizeHint().width() <= 1280
    assert w.queue.ticket_label.toolTip().startswith("当前 A001")  # whole where it is cut


def test_the_message_line_says_what_was_submitted(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    choose(k, w, "shbxgrqy")
    type_applicant(k, w)
    k.press(w, Qt.Key.Key_Return, CTRL)
    case_no = submitted(qtbot, w)
    assert w.message_line.isVisible() and f"已提交 {case_no}" in w.message_line.text()
    w.show_message("评价器已显示", good=True)  # as the rating hook says it
    assert w.message_line.text() == "评价器已显示"


# -- 10. errors ----------------------------------------------------------------------
def test_errors_focus_the_first_wrong_field_and_fold(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    choose(k, w, "zgtx")
    k.press(w, Qt.Key.Key_L, CTRL)
    k.type_here(ID)  # no name, and a phone number too short
    k.type(w.applicant.phone, "123")
    k.press(w, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: "请更正" in w.accept.message.text(), timeout=10_000)
    errors = w.accept.errors
    assert len(errors) > 1 and errors[0].field == "applicant.name"
    assert QApplication.focusWidget() is w.applicant.name
    assert w.applicant.name.styleSheet() and "border" in w.applicant.name.styleSheet()
    message = w.accept.message
    assert not message.scroll.isVisible()  # folded: one line
    k.press(w, Qt.Key.Key_E, CTRL)
    assert message.scroll.isVisible() and message.scroll.maximumHeight() <= 110
    assert w.accept.accept_button.isVisible()
    assert QApplication.focusWidget() is w.applicant.name
    k.type_here("李娜")  # the name is fixed: its problem leaves the list
    assert all(e.field != "applicant.name" for e in w.accept.errors)
    assert w.applicant.name.styleSheet() == ""


# -- 8. the card reader ---------------------------------------------------------------
def test_a_card_asks_before_replacing_a_typed_applicant(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    type_applicant(k, w, name="张三")
    w._card_read(CardData(OTHER, "赵四", source="身份证"))
    answer(qtbot, w, yes=False)
    assert w.applicant.name.text() == "张三"
    w._card_read(CardData(OTHER, "赵四", source="身份证"))  # reported again: not asked again
    assert w.pending_question is None and w.applicant.name.text() == "张三"
    w._card_read(CardData(ID_MALE, "王五", sex="女", source="社会保障卡"))
    answer(qtbot, w, yes=True)
    assert w.applicant.name.text() == "王五"
    assert w.applicant.applicant().sex == "男"  # the number wins
    assert "不符" in w.applicant.facts.text() and "女" in w.applicant.facts.text()
    assert "已读取社会保障卡" in w.message_line.text()


def test_a_card_fills_an_empty_panel_without_moving_the_cursor(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    choose(k, w, "zgtx")
    line = w.accept.form.widgets["work_start_date"]
    line.setFocus()
    k.type_here("1970")
    w._card_read(CardData(ID, "王䶮", address="北京市西城区"))
    assert w.pending_question is None and QApplication.focusWidget() is line
    k.type_here("0701")
    assert w.accept.form.values()["work_start_date"] == "1970-07-01"
    assert w.accept.form.values()["applicant_name"] == "王䶮"


def test_f5_without_a_reader_says_so(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    Keys(qtbot).press(w, Qt.Key.Key_F5)
    assert "未配置读卡器" in w.message_line.text() and w.applicant.is_empty()
    w._card_failed("未检测到证件")
    assert "未检测到证件" in w.message_line.text() and w.applicant.is_empty()


# -- 9. promises ----------------------------------------------------------------------
def test_promises_by_alt_keys_and_the_message_goes_when_ticked(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    choose(k, w, "zgtx")
    type_applicant(k, w)
    fill_rest_of_form(k, w)
    w.accept.materials.focus_table()
    table = w.accept.materials.table
    bank = [m.code for m in w.accept.materials.materials].index("bank_card")
    for _ in range(bank):
        k.press(table, Qt.Key.Key_Down)
    k.press(table, Qt.Key.Key_3)  # 容缺
    assert w.accept.materials.decisions()["bank_card"].status is MaterialStatus.TOLERATED
    k.press(w, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: "请更正" in w.accept.message.text(), timeout=10_000)
    assert {e.field for e in w.accept.errors} == {"tolerance_promise", "credit_promise"}
    k.press(w, Qt.Key.Key_Q, ALT)
    k.press(w, Qt.Key.Key_X, ALT)
    qtbot.waitUntil(lambda: w.accept.message.text() == "", timeout=2_000)
    k.press(w, Qt.Key.Key_Return, CTRL)
    case_no = submitted(qtbot, w)
    with w.rt.uow() as session:
        case = find_case(session, case_no)
        assert case.tolerance_promise and case.credit_promise


# -- 11. a unit and its agent ---------------------------------------------------------
def test_a_unit_with_its_agent_is_stored(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    w.applicant.kind.setFocus()
    k.press_here(Qt.Key.Key_2)  # 单位
    assert w.applicant.is_unit and w.applicant.has_agent.isChecked()
    k.type(w.applicant.credit_code, "91370100MA3C8XXXXX")
    k.type(w.applicant.name, "济南某机械厂")
    k.type(w.applicant.agent_name, "赵六")
    k.type(w.applicant.agent_id, ID_MALE)
    k.type(w.applicant.agent_phone, "13812345678")
    k.type(w.applicant.agent_relation, "单位经办人")
    assert w.applicant.agent().name == "赵六"
    k.press(w, Qt.Key.Key_Return, CTRL)  # nothing chosen yet: told so
    assert "请先搜索并选择办理事项" in w.accept.message.text()


# -- 13. case detail on Enter; settings for an admin ------------------------------------
def test_enter_on_a_case_opens_its_detail(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    choose(k, w, "shbxgrqy")
    type_applicant(k, w)
    k.press(w, Qt.Key.Key_Return, CTRL)
    case_no = submitted(qtbot, w)
    for dialog in QApplication.topLevelWidgets():
        if dialog is not w and dialog.isVisible() and dialog.windowTitle().startswith("文书"):
            dialog.close()
    qtbot.waitUntil(lambda: any(r.case_no == case_no for r in w.cases.rows), timeout=10_000)
    table = w.cases.table
    table.setFocus()
    k.press(table, Qt.Key.Key_Home)
    k.press(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.detail_dialog is not None, timeout=5_000)
    assert w.detail_dialog.case_no == case_no
    w.detail_dialog.close()


# -- 12. drafts -----------------------------------------------------------------------
def test_a_draft_is_written_as_typed_and_removed_on_submit(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    choose(k, w, "shbxgrqy")
    type_applicant(k, w)
    path = w.draft_store.path
    qtbot.waitUntil(path.exists, timeout=5_000)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "李娜" in path.read_text(encoding="utf-8")
    k.press(w, Qt.Key.Key_Return, CTRL)
    submitted(qtbot, w)
    qtbot.waitUntil(lambda: not path.exists(), timeout=5_000)


# -- the whole 职工退休一件事 visit by keys, counted ----------------------------------------
def test_a_retirement_visit_takes_at_most_25_control_keys(qtbot, teller_window, clock) -> None:  # type: ignore[no-untyped-def]
    """Card on the reader, one situation, one 容缺, both promises, submit, print all,
    close the papers, 办结. Content typed is not counted; every other key is."""
    w = teller_window
    hall = q.Hall.of(w.rt.settings, clock)
    with w.rt.uow() as s:
        q.take(s, hall, "A")
    k = Keys(qtbot)
    k.press(w, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: w.queue.current_number == "A001", timeout=5_000)
    w._card_read(CardData(ID, "王䶮", sex="女", address="北京市西城区"))  # laid on the reader
    choose(k, w, "zgtx")
    k.press_here(Qt.Key.Key_2)  # 特殊工种提前退休
    k.press_here(Qt.Key.Key_Return)  # on to the first empty field
    for text in ("13812345678", "19700701", "中国工商银行", "6222021234567890", "济南某机械厂",
                 "高温作业", "12"):
        k.type_here(text)
        k.press_here(Qt.Key.Key_Return)
    table = w.accept.materials.table
    assert k.focused() is table  # the form is done: the materials are next
    bank = [m.code for m in w.accept.materials.materials].index("bank_card")
    k.press_here(Qt.Key.Key_Down, times=bank)
    k.press_here(Qt.Key.Key_3)  # 容缺
    k.press(w, Qt.Key.Key_Q, ALT)
    k.press(w, Qt.Key.Key_X, ALT)
    k.press(w, Qt.Key.Key_Return, CTRL)
    case_no = submitted(qtbot, w)
    papers = next(d for d in QApplication.topLevelWidgets()
                  if d.isVisible() and getattr(d, "case_no", None) == case_no and d is not w)
    k.press(papers, Qt.Key.Key_P, CTRL)  # 全部打印
    k.press(papers, Qt.Key.Key_Escape)
    qtbot.waitUntil(w.isActiveWindow, timeout=5_000)
    k.answer_next_question([Qt.Key.Key_Return])  # 办理结果: 办结, chosen for an accepted case
    k.press(w, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: w.queue.current_number == "", timeout=5_000)
    form, name, _agent = stored(w.rt, case_no)
    assert name == "王䶮" and form["id_number"] == ID and form["work_start_date"] == "1970-07-01"
    with w.rt.uow() as session:  # the phone typed in the form is the applicant's too
        assert find_case(session, case_no).applicant_phone == "13812345678"
    assert form["retire_type"] == "特殊工种提前退休" and form["special_job_years"] == "12"
    with w.rt.uow() as session:
        case = find_case(session, case_no)
        assert {m.material_code: str(m.status) for m in case.materials}["bank_card"] == "tolerated"
    print("keys:", " ".join(k.log), f"control={k.control} content={k.content}")
    assert k.control <= 25, k.log


def test_a_card_left_on_the_reader_does_not_refill_the_next_visit(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    w._card_read(CardData(ID, "王䶮"))
    choose(k, w, "shbxgrqy")
    k.press(w, Qt.Key.Key_Return, CTRL)
    case_no = submitted(qtbot, w)
    papers = next(d for d in QApplication.topLevelWidgets()
                  if d.isVisible() and getattr(d, "case_no", None) == case_no and d is not w)
    k.press(papers, Qt.Key.Key_Escape)
    qtbot.waitUntil(w.isActiveWindow, timeout=5_000)
    w._card_read(CardData(ID, "王䶮"))  # reported again: still lying there
    assert w.applicant.is_empty()
    type_applicant(k, w, number=ID_MALE, name="张三")
    w._card_read(CardData(ID, "王䶮"))
    assert w.pending_question is None and w.applicant.name.text() == "张三"


def test_the_settings_key_opens_settings_only_for_an_admin(  # type: ignore[no-untyped-def]
        qtbot, tmp_path, clock, teller_user_factory, app_context) -> None:
    from counter_app.config import Settings
    from counter_app.runtime import open_runtime
    from ui.windows.settings_dialog import SettingsDialog
    from ui.windows.teller import TellerWindow

    url = f"sqlite:///{tmp_path / 'admin.sqlite3'}"
    rt = open_runtime(url, Settings.of(db_url=url, window_no="3"), clock=clock)
    try:
        for role, opens in (("teller", False), ("admin", True)):
            actor = teller_user_factory(rt, clock, role=role, staff_no=f"9{len(role)}",
                                        name="李管理")
            w = TellerWindow(app_context(rt, actor))
            qtbot.addWidget(w)
            w.show()
            qtbot.waitExposed(w)
            qtbot.waitUntil(lambda w=w: w.pending_question is None and not w.runner.busy)
            w.activateWindow()
            qtbot.waitUntil(w.isActiveWindow, timeout=5_000)
            Keys(qtbot).press(w, Qt.Key.Key_S,
                              CTRL | Qt.KeyboardModifier.ShiftModifier)
            qtbot.waitUntil(lambda w=w: w.settings_dialog is not None, timeout=5_000)
            assert isinstance(w.settings_dialog, SettingsDialog) is opens
            w.settings_dialog.close()
            w.runner.wait_idle()
            w.close()
    finally:
        rt.close()
