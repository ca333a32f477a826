"""The back-office worklist, by keys: Ctrl+D asks first (Enter completes with the
note typed, Esc leaves it), the cursor does not jump to the next case after a
change, 退回 takes a preset reason by its digit or a written one, Enter opens the
case in full; the columns show case numbers, clocks and masked IDs whole at 1366.
What counts is what the database holds."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QStyle

from counter_app.config import Settings
from counter_app.demo import with_all_materials
from counter_app.domain.application import ApplicantInput, Application
from counter_app.runtime import open_runtime
from counter_app.services import acceptance
from counter_app.services.backoffice import find_case
from tests.ui.detail_support import OTHER, PERSON, retirement
from ui.fonts import apply_app_font
from ui.windows.backoffice import COLUMNS, RETURN_REASONS, BackOfficeWindow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def rt(tmp_path: Path, clock):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    settings = Settings.of(db_url=url, papers_dir=str(tmp_path / "papers"))
    runtime = open_runtime(url, settings, clock=clock)
    yield runtime
    runtime.close()


def open_window(qtbot, ctx, size=(1366, 768)) -> BackOfficeWindow:  # type: ignore[no-untyped-def]
    window = BackOfficeWindow(ctx)
    qtbot.addWidget(window)
    window.resize(*size)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def items_of(rt, case_no: str) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    """{item code: (status, note)} as stored."""
    with rt.uow() as session:
        return {i.item_code: (str(i.status), i.note) for i in find_case(session, case_no).items}


def asked(qtbot, window):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window._asking() and window.pending_dialog.isActiveWindow(),
                    timeout=5_000)
    return window.pending_dialog


def closed(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The question is gone and the keys go to the worklist again."""
    qtbot.waitUntil(lambda: not window._asking() and window.isActiveWindow(), timeout=5_000)


def commit_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Chinese typed through the input method (QTest types ASCII only)."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def open_detail(qtbot, window):  # type: ignore[no-untyped-def]
    """Enter on the chosen row: the case opens in full and takes the keys."""
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.detail_dialog is not None
                    and window.detail_dialog.detail is not None, timeout=10_000)
    detail = window.detail_dialog
    with qtbot.waitActive(detail):
        detail.activateWindow()
    return detail


def accept_direct(rt, app: Application) -> str:  # type: ignore[no-untyped-def]
    with rt.uow() as session:
        return acceptance.accept(session, rt.deps, rt.desk(), app, require_form=False).case_no


def test_back_office_completes_a_bundle(  # type: ignore[no-untyped-def]
    qtbot, rt, clock, teller_user_factory, app_context
) -> None:
    handler = teller_user_factory(rt, clock, "backoffice", "2001", "李强")
    person = ApplicantInput("11010519491231002X", "王䶮", "13812345678")
    app = with_all_materials(rt, Application(person, bundle_code="370100-YJS-10"))
    with rt.uow() as session:
        result = acceptance.accept(session, rt.deps, rt.desk(), app, require_form=False)
    window = open_window(qtbot, app_context(rt, handler))
    qtbot.waitUntil(lambda: len(window.rows) == len(result.sub_items), timeout=10_000)
    assert all("********" in r.applicant_id for r in window.rows)  # masked in the list

    first = True
    for remaining in range(len(result.sub_items), 0, -1):
        qtbot.waitUntil(lambda n=remaining: len(window.rows) == n, timeout=10_000)
        if window.selected() is None:  # nothing chosen after a change: choose by keys
            qtbot.keyClick(window.table, Qt.Key.Key_Down)
        chosen = window.selected()
        qtbot.keyClick(window.table, Qt.Key.Key_D, CTRL)
        dialog = asked(qtbot, window)
        assert chosen.item_name in dialog.question.text()
        if first:
            qtbot.keyClicks(dialog.note, "OK 2001")
            first_item, first = chosen.item_code, False
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: hasattr(window, "completion_dialog"), timeout=20_000)
    qtbot.waitUntil(lambda: window.rows == [], timeout=10_000)
    with rt.uow() as session:
        assert find_case(session, result.case_no).status == "complete"
    assert items_of(rt, result.case_no)[first_item] == ("done", "OK 2001")
    pdf = window.completion_dialog.papers["completion"]
    text = "".join("".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert result.case_no in text and "已办结" in text
    # the completion dialog: its heading on one line, never cut inside a word
    assert not window.completion_dialog.head.wordWrap()
    assert window.completion_dialog.preview.ready
    window.runner.wait_idle()


def test_escape_completes_nothing_and_the_cursor_does_not_jump(  # type: ignore[no-untyped-def]
    qtbot, rt, clock, teller_user_factory, app_context
) -> None:
    """Two cases of one item each: Ctrl+D, Esc leaves the first; Ctrl+D, Enter
    completes it; then nothing is selected, and a second Ctrl+D completes nothing."""
    handler = teller_user_factory(rt, clock, "backoffice", "2001", "李强")
    one = accept_direct(rt, with_all_materials(rt, Application(PERSON,
                                                               item_codes=("370100-SK-0004",))))
    two = accept_direct(rt, with_all_materials(rt, Application(OTHER,
                                                               item_codes=("370100-SK-0004",))))
    window = open_window(qtbot, app_context(rt, handler))
    qtbot.waitUntil(lambda: len(window.rows) == 2, timeout=10_000)
    chosen = window.selected()
    assert chosen is not None
    other = two if chosen.case_no == one else one

    qtbot.keyClick(window.table, Qt.Key.Key_D, CTRL)
    qtbot.keyClick(asked(qtbot, window), Qt.Key.Key_Escape)
    closed(qtbot, window)
    window.runner.wait_idle()
    assert items_of(rt, chosen.case_no)[chosen.item_code][0] == "pending"

    qtbot.keyClick(window.table, Qt.Key.Key_D, CTRL)
    dialog = asked(qtbot, window)
    qtbot.keyClick(dialog.ok, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.rows) == 1, timeout=10_000)
    assert items_of(rt, chosen.case_no)[chosen.item_code][0] == "done"
    assert window.selected() is None  # the cursor did not jump to the other case
    qtbot.keyClick(window.table, Qt.Key.Key_D, CTRL)  # a second Ctrl+D: nothing asked
    assert not window._asking()
    assert "请先用 ↑↓ 选择" in window.message.text()
    window.runner.wait_idle()
    assert all(status == "pending" for status, _note in items_of(rt, other).values())


def test_return_takes_a_preset_reason_by_its_digit_or_a_written_one(  # type: ignore[no-untyped-def]
    qtbot, rt, clock, teller_user_factory, app_context
) -> None:
    handler = teller_user_factory(rt, clock, "backoffice", "2001", "李强")
    one = accept_direct(rt, with_all_materials(rt, Application(PERSON,
                                                               item_codes=("370100-SK-0004",))))
    two = accept_direct(rt, with_all_materials(rt, Application(OTHER,
                                                               item_codes=("370100-SK-0004",))))
    window = open_window(qtbot, app_context(rt, handler))
    qtbot.waitUntil(lambda: len(window.rows) == 2, timeout=10_000)
    first = window.selected()

    qtbot.keyClick(window.table, Qt.Key.Key_R, CTRL)
    dialog = asked(qtbot, window)
    qtbot.keyClick(dialog.list, Qt.Key.Key_2)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    closed(qtbot, window)
    qtbot.waitUntil(lambda: items_of(rt, first.case_no)[first.item_code][0] == "returned",
                    timeout=10_000)
    assert items_of(rt, first.case_no)[first.item_code] == ("returned", RETURN_REASONS[1])

    # the other case: 0, a reason of one's own
    qtbot.waitUntil(lambda: len(window.rows) == 1, timeout=10_000)  # returned: off the list
    assert window.selected() is None
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    second = window.selected()
    assert second is not None and second.case_no != first.case_no
    qtbot.keyClick(window.table, Qt.Key.Key_R, CTRL)
    dialog = asked(qtbot, window)
    qtbot.keyClick(dialog.list, Qt.Key.Key_0)
    assert QApplication.focusWidget() is dialog.text
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)  # empty: refused, stays open
    assert window._asking() and "请选择或填写原因" in dialog.error.text()
    commit_text(dialog.text, "社保卡照片不清晰")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: items_of(rt, second.case_no)[second.item_code][0] == "returned",
                    timeout=10_000)
    assert items_of(rt, second.case_no)[second.item_code][1] == "社保卡照片不清晰"
    assert {first.case_no, second.case_no} == {one, two}
    window.runner.wait_idle()


def test_enter_opens_the_case_and_completes_from_there(  # type: ignore[no-untyped-def]
    qtbot, rt, clock, teller_user_factory, app_context
) -> None:
    handler = teller_user_factory(rt, clock, "backoffice", "2001", "李强")
    case_no = accept_direct(rt, with_all_materials(rt, Application(
        PERSON, item_codes=("370100-SK-0004",))))
    window = open_window(qtbot, app_context(rt, handler))
    qtbot.waitUntil(lambda: len(window.rows) == 1, timeout=10_000)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.detail_dialog is not None
                    and window.detail_dialog.detail is not None, timeout=10_000)
    detail = window.detail_dialog
    assert detail.backoffice and not detail.supply_button.isVisible()
    assert detail.detail.case_no == case_no
    assert detail.items.current() is not None  # the sub-item it was opened for
    with qtbot.waitActive(detail):
        detail.activateWindow()
    qtbot.keyClick(detail.items, Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: detail.pending_dialog_open(), timeout=5_000)
    qtbot.keyClick(detail.pending_dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.detail.status == "complete", timeout=10_000)
    assert all(status == "done" for status, _ in items_of(rt, case_no).values())
    qtbot.waitUntil(lambda: window.rows == [], timeout=10_000)  # the list followed
    qtbot.waitUntil(lambda: detail.papers_dialog is not None, timeout=10_000)
    window.runner.wait_idle()


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
def test_columns_show_case_numbers_clocks_and_masked_ids_whole(  # type: ignore[no-untyped-def]
    qtbot, rt, clock, teller_user_factory, app_context, size
) -> None:
    handler = teller_user_factory(rt, clock, "backoffice", "2001", "李强")
    teller = teller_user_factory(rt, clock)
    from tests.ui.detail_support import accept

    accept(rt, teller, retirement(rt, tolerated={"bank_card": date(2026, 10, 9)}))
    accept_direct(rt, with_all_materials(rt, Application(OTHER, bundle_code="370100-YJS-10")))
    clock.now += timedelta(days=20)  # overdue clocks: the longest texts
    apply_app_font(QApplication.instance())  # the font the app runs with (ui/app.py)
    window = open_window(qtbot, app_context(rt, handler), size)
    qtbot.waitUntil(lambda: len(window.rows) >= 3, timeout=10_000)
    table, header = window.table, window.table.horizontalHeader()
    metrics = table.fontMetrics()
    # a cell draws its text inside the focus frame's margin on each side (QCommonStyle)
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None,
                                       table) + 1
    whole = {0: "办件编号", 2: "时限", 4: "办结期限", 5: "申请人"}
    for column, title in whole.items():
        assert COLUMNS[column].title == title
        widest = max(metrics.horizontalAdvance(table.row_model.text(r, column))
                     for r in range(len(window.rows)))
        assert header.sectionSize(column) - 2 * margin >= widest, title  # nothing elided
    # the item's name keeps a readable width beside them
    assert header.sectionSize(1) >= metrics.horizontalAdvance("因病或非因工致残提前退休")
    assert header.sectionPosition(7) + header.sectionSize(7) <= table.viewport().width()
    assert all("********" in r.applicant_id for r in window.rows)
    window.runner.wait_idle()


def test_back_office_sees_waiting_and_terminated_items(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, clock, teller_user_factory, app_context
) -> None:
    """分段办理: 病退 waits for 劳动能力鉴定 (Ctrl+D on it is refused, saying why); a
    case whose 容缺 promise broke stays on the list a while, saying why."""
    from datetime import date, timedelta

    from counter_app.domain.application import MaterialDecision, MaterialStatus
    from counter_app.services import lifecycle

    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    rt = open_runtime(url, Settings.of(db_url=url), clock=clock)
    handler = teller_user_factory(rt, clock, "backoffice", "2001", "李强")
    person = ApplicantInput("11010519491231002X", "王䶮", "13812345678")
    sick = with_all_materials(rt, Application(
        person, bundle_code="370100-YJS-07", situations={"retire_type": "illness",
                                                          "medical": "no"}))
    other = ApplicantInput("370102198001011237", "李娜", "13905311234")
    late = with_all_materials(rt, Application(
        other, bundle_code="370100-YJS-07", situations={"retire_type": "normal",
                                                         "medical": "no"},
        tolerance_promise_signed=True))
    late.materials["bank_card"] = MaterialDecision(MaterialStatus.TOLERATED, date(2026, 10, 9))
    with rt.uow() as session:
        acceptance.accept(session, rt.deps, rt.desk(), sick, require_form=False)
        broken = acceptance.accept(session, rt.deps, rt.desk(), late, require_form=False)
    clock.now += timedelta(days=12)
    with rt.uow() as session:
        lifecycle.sweep(session, rt.deps)
    window = open_window(qtbot, app_context(rt, handler))
    qtbot.waitUntil(lambda: len(window.rows) == 4, timeout=10_000)
    model = window.table.row_model
    shown = {(model.data(model.index(r, 1)), model.data(model.index(r, 2))): r
             for r in range(model.rowCount())}
    stopped = shown[("基本养老保险待遇申领", "终止办理")]
    assert "容缺材料" in model.data(model.index(stopped, 3))
    assert broken.case_no == model.data(model.index(stopped, 0))
    waiting = shown[("因病或非因工致残提前退休审批", "待前置事项办结")]
    assert "劳动能力鉴定申请" in model.data(model.index(waiting, 3))
    assert "待前置事项 1" in window.summary.text() and "近期终止 1" in window.summary.text()
    window.table.selectRow(waiting)
    qtbot.keyClick(window.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert not window._asking()  # refused before asking, saying why
    assert "待前置事项" in window.message.text() and "劳动能力鉴定" in window.message.text()
    window.runner.wait_idle()
    rt.close()


def test_another_units_sub_item_is_refused_by_keys(  # type: ignore[no-untyped-def]
    qtbot, rt, clock, app_context
) -> None:
    """A handler of the card centre opens a case that also has a 就业登记 sub-item:
    Ctrl+D on that one says whose it is and leaves it pending; their own completes."""
    from counter_app.services.users import Role, actor_of, add_user

    card_unit = rt.deps.catalogue.items["370100-SK-0004"].unit.code
    with rt.uow() as session:
        handler = actor_of(add_user(session, "2003", "赵敏", "secret1", Role.BACKOFFICE,
                                    card_unit, clock))
    case_no = accept_direct(rt, with_all_materials(rt, Application(
        PERSON, item_codes=("370100-SK-0004", "370100-JY-0001"))))
    window = open_window(qtbot, app_context(rt, handler))
    qtbot.waitUntil(lambda: len(window.rows) == 1, timeout=10_000)  # its own unit's list
    detail = open_detail(qtbot, window)
    while detail.items.current().item_code != "370100-JY-0001":
        qtbot.keyClick(detail.items, Qt.Key.Key_Down)
    qtbot.keyClick(detail.items, Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: detail.pending_dialog_open(), timeout=5_000)
    qtbot.keyClick(detail.pending_dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "不是本单位的子事项" in detail.message.text(), timeout=10_000)
    assert "就业服务科" in detail.message.text()
    assert items_of(rt, case_no)["370100-JY-0001"][0] == "pending"

    while detail.items.current().item_code != "370100-SK-0004":
        qtbot.keyClick(detail.items, Qt.Key.Key_Up)
    qtbot.keyClick(detail.items, Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: detail.pending_dialog_open(), timeout=5_000)
    qtbot.keyClick(detail.pending_dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: items_of(rt, case_no)["370100-SK-0004"][0] == "done",
                    timeout=10_000)
    assert items_of(rt, case_no)["370100-JY-0001"][0] == "pending"
    window.runner.wait_idle()


def test_a_return_from_the_case_says_which_sub_item_and_why(  # type: ignore[no-untyped-def]
    qtbot, rt, clock, teller_user_factory, app_context
) -> None:
    """Enter on a case of two sub-items, Ctrl+R, 2, Enter: the message names the
    sub-item returned and the reason, then the case's status; the other goes on."""
    handler = teller_user_factory(rt, clock, "backoffice", "2001", "李强")
    case_no = accept_direct(rt, with_all_materials(rt, Application(
        PERSON, item_codes=("370100-SK-0004", "370100-JY-0001"))))
    window = open_window(qtbot, app_context(rt, handler))
    qtbot.waitUntil(lambda: len(window.rows) == 2, timeout=10_000)
    detail = open_detail(qtbot, window)
    chosen = detail.items.current()
    qtbot.keyClick(detail.items, Qt.Key.Key_R, CTRL)
    qtbot.waitUntil(lambda: detail.pending_dialog_open(), timeout=5_000)
    qtbot.keyClick(detail.pending_dialog.list, Qt.Key.Key_2)
    qtbot.keyClick(detail.pending_dialog.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "已退回（" in detail.message.text(), timeout=10_000)
    assert detail.message.text() == (f"“{chosen.item_name}”已退回（{RETURN_REASONS[1]}）；"
                                     "办件现为“已退回”")
    stored = items_of(rt, case_no)
    assert stored[chosen.item_code] == ("returned", RETURN_REASONS[1])
    assert [s for code, (s, _n) in stored.items() if code != chosen.item_code] == ["pending"]
    window.runner.wait_idle()
