"""The big lists as model/view: a refresh keeps the row the user is on (by key, not
by position); a row that is gone leaves nothing selected rather than another row;
the papers dialog is deleted when closed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QPushButton
from sqlalchemy import select

from counter_app.config import Settings
from counter_app.demo import seed, with_all_materials
from counter_app.domain.application import ApplicantInput, Application
from counter_app.runtime import open_runtime
from counter_app.services import acceptance
from counter_app.services.users import actor_of
from counter_app.store.models import User
from printing.spooler import PrintError
from tests.ui.generated_rows import case_rows
from ui.context import AppContext
from ui.panels.papers import PapersDialog


def _idle(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10_000)


def test_cases_list_keeps_the_teller_on_the_same_case(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    _idle(qtbot, w)  # the window's own first load is in
    first, second = case_rows(40, refresh=0), case_rows(40, refresh=1)
    in_both = {r.case_no for r in first} & {r.case_no for r in second}
    w.cases.show_rows(first)
    table = w.cases.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    while table.current().case_no not in in_both or table.currentIndex().row() < 5:
        qtbot.keyClick(table, Qt.Key.Key_Down)
    chosen = table.current().case_no
    old_position = table.currentIndex().row()

    w.cases.show_rows(second)  # re-sorted, some rows gone, some new
    new_position = [r.case_no for r in second].index(chosen)
    assert new_position != old_position
    assert table.current().case_no == chosen
    assert table.currentIndex().row() == new_position
    assert [i.row() for i in table.selectionModel().selectedRows()] == [new_position]
    assert w.cases.table.row_model.text(new_position, 0).split("\n")[0] == chosen  # whole

    # Enter opens the papers of the case under the cursor
    with qtbot.waitSignal(w.cases.case_opened) as opened:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened.args == [chosen]

    # the case is gone (the list is today's): nothing selected, not the next case
    w.cases.show_rows([r for r in second if r.case_no != chosen])
    assert table.current() is None
    assert table.selectionModel().selectedRows() == []
    _idle(qtbot, w)


def test_back_office_refresh_keeps_the_row(qtbot, tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    from ui.windows.backoffice import BackOfficeWindow

    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    rt = open_runtime(url, Settings.of(db_url=url, papers_dir=str(tmp_path / "papers")),
                      clock=clock)
    seed(rt)
    with rt.uow() as session:
        handler = actor_of(session.scalar(select(User).where(User.staff_no == "2001")))
        teller = actor_of(session.scalar(select(User).where(User.staff_no == "1001")))
    person = ApplicantInput("11010519491231002X", "王䶮", "13812345678")
    app = with_all_materials(rt, Application(person, bundle_code="370100-YJS-10"))
    with rt.uow() as session:
        acceptance.accept(session, rt.deps, rt.desk(teller.user_id), app, require_form=False)
    window = BackOfficeWindow(AppContext(rt, handler))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: len(window.rows) >= 4, timeout=10_000)
    table = window.table
    assert table.currentIndex().row() == 0  # the first row is ready on first display
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    chosen = table.current()
    assert chosen is not None and table.currentIndex().row() == 2

    shown = window.rows
    qtbot.keyClick(window, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: window.rows is not shown, timeout=10_000)
    assert table.current() == chosen

    # done with the keyboard: that row leaves the list, and no other row is taken for it
    count = len(window.rows)
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window._asking(), timeout=5_000)  # 办结 asks first
    qtbot.keyClick(window.pending_dialog.ok, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.rows) == count - 1, timeout=10_000)
    assert chosen.item_id not in {r.item_id for r in window.rows}
    assert table.current() is None
    assert f"待办 {count - 1}" in window.summary.text()
    window.runner.wait_idle()
    rt.close()


def test_papers_dialog_is_deleted_when_closed(qtbot, teller_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    papers = {"receipt": tmp_path / "receipt.pdf", "tolerance": tmp_path / "tolerance.pdf"}
    live = []
    for n in range(60):
        w.show_papers(f"3701020120260929{n:04d}", f"办件编号 {n}", papers)
        dialogs = w.findChildren(PapersDialog)
        assert len(dialogs) == 1 and dialogs[0].isVisible()
        dialog = dialogs[0]
        if n % 2:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        else:
            close = next(b for b in dialog.findChildren(QPushButton) if b.text() == "关闭 Esc")
            qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        live.append(len(w.findChildren(PapersDialog)))
    assert max(live) == 0  # before: one more kept under the window per accept
    assert not hasattr(w, "dialogs")

    # a print that finishes after its dialog was closed goes nowhere, without an error
    dialog._failed(PrintError("打印机缺纸"))
    dialog._say("已打印")
