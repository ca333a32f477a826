"""The teller's cases list in two tabs, from the database: today's cases at this
window under 今日办件, an older open one under 未办结旧件 (not among today's); the
case number whole, the applicant masked; Enter and a double-click open a case by
its number. Driven by keys and the mouse as a teller would."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.config import Settings
from counter_app.demo import with_all_materials
from counter_app.domain.application import ApplicantInput, Application
from counter_app.runtime import open_runtime
from counter_app.services import acceptance
from counter_app.usecases import cases
from ui.panels.cases import OLDER_TAB, TODAY_TAB, CasesPanel

CTRL = Qt.KeyboardModifier.ControlModifier


def _accept(rt, teller_id: int, name: str, number: str) -> str:  # type: ignore[no-untyped-def]
    person = ApplicantInput(number, name, "13812345678")
    app = with_all_materials(rt, Application(person, bundle_code="370100-YJS-10"))
    with rt.uow() as session:
        result = acceptance.accept(session, rt.deps, rt.desk(teller_id), app,
                                   require_form=False)
    return result.case_no


def test_today_and_older_open_cases_in_two_tabs(qtbot, tmp_path: Path, clock,  # type: ignore[no-untyped-def]
                                                teller_user_factory) -> None:
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    rt = open_runtime(url, Settings.of(db_url=url, papers_dir=str(tmp_path / "papers"),
                                       window_no="3"), clock=clock)
    teller = teller_user_factory(rt, clock)
    now = clock.now
    clock.now = now - timedelta(days=6)  # last week: still open today
    old = _accept(rt, teller.user_id, "李娜", "11010519491231002X")
    clock.now = now
    fresh = [_accept(rt, teller.user_id, "王䶮", "11010519491231002X"),
             _accept(rt, teller.user_id, "阿卜杜·热合曼", "11010519491231002X")]
    rows = cases.desk_cases(rt)
    rt.close()

    panel = CasesPanel()
    qtbot.addWidget(panel)
    panel.resize(520, 400)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_rows(rows)

    assert panel.tabs.tabText(TODAY_TAB) == "今日办件 2"
    assert panel.tabs.tabText(OLDER_TAB) == "未办结旧件 1"
    today, older = panel.table, panel.older_table
    assert sorted(r.case_no for r in today.rows) == sorted(fresh)
    assert [r.case_no for r in older.rows] == [old]
    assert {r.case_no for r in panel.rows} == {old, *fresh}
    # the number whole, the name masked (the list faces the teller with a citizen there)
    shown = {today.row_model.text(i, 0) for i in range(len(today.rows))}
    assert shown == {f"{fresh[0]}\n王*", f"{fresh[1]}\n阿******"}
    assert older.row_model.text(0, 0) == f"{old}\n李*"
    clock_line, business = older.row_model.text(0, 1).split("\n")
    assert clock_line and business == older.rows[0].title
    # the number is not cut, even in the teller window's narrow pane (≈330 px)
    panel.resize(330, 400)
    qtbot.waitUntil(lambda: panel.width() == 330)
    metrics = today.fontMetrics()
    assert today.columnWidth(0) >= metrics.horizontalAdvance(fresh[0])
    assert today.columnWidth(0) + today.columnWidth(1) <= today.viewport().width()
    assert today.rowHeight(0) >= 2 * metrics.lineSpacing()

    # keys: into the list, Enter opens the case under the cursor
    panel.activateWindow()
    panel.focus_list()
    qtbot.waitUntil(today.hasFocus)
    chosen = today.current().case_no
    with qtbot.waitSignal(panel.case_opened) as opened:
        qtbot.keyClick(today, Qt.Key.Key_Return)
    assert opened.args == [chosen]

    # Ctrl+Tab: the older cases; Down, Enter: the old case
    qtbot.keyClick(today, Qt.Key.Key_Tab, CTRL)
    assert panel.tabs.currentIndex() == OLDER_TAB
    panel.focus_list()
    qtbot.waitUntil(older.hasFocus)
    assert QApplication.focusWidget() is older
    with qtbot.waitSignal(panel.case_opened) as opened:
        qtbot.keyClick(older, Qt.Key.Key_Return)
    assert opened.args == [old]

    # a double-click on a row of today's tab
    qtbot.keyClick(older, Qt.Key.Key_Tab, CTRL)
    assert panel.tabs.currentIndex() == TODAY_TAB
    second = today.row_model.row(1).case_no
    rect = today.visualRect(today.row_model.index(1, 1))
    with qtbot.waitSignal(panel.case_opened) as opened:  # a real one: press, then double
        qtbot.mouseClick(today.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(today.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [second]
