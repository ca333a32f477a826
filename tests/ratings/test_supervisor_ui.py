"""The supervisor view offscreen at 1920×1080 (grabbed to PNG), its live alert when a
bad rating arrives from another PC, a follow-up step from the ledger pane, the role
check, and the teller's 请评价 key with the software pad."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from counter_app.config import Settings
from counter_app.domain.rating import Reason, Satisfaction, rating_input
from counter_app.domain.roles import Actor
from counter_app.infra.pad_session import PadRatingService
from counter_app.infra.soft_pad import SoftPad
from counter_app.runtime import open_runtime
from counter_app.services import followup, ratings
from counter_app.services.context import Desk
from counter_app.services.users import actor_of
from counter_app.store.models import User
from tests.ratings.helpers import accept_case
from tests.ratings.shift_data import populate
from ui.context import AppContext

SHOTS = os.environ.get("COUNTER_SCREENSHOTS")  # a folder to keep the PNGs in


@pytest.fixture
def hall(tmp_path: Path, clock):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'hall.sqlite3'}"
    rt = open_runtime(url, Settings.of(db_url=url, papers_dir=str(tmp_path / "papers")),
                      clock=clock)
    shift = populate(rt, clock)
    yield rt, shift
    rt.close()


def _user(rt, staff_no: str) -> Actor:  # type: ignore[no-untyped-def]
    with rt.uow() as session:
        return actor_of(session.scalar(select(User).where(User.staff_no == staff_no)))


def _shot(widget, name: str, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert widget.grab().save(str(path))
    return path


def test_supervisor_view_at_1920x1080(qtbot, hall, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.windows.supervisor import SupervisorWindow

    rt, _shift = hall
    w = SupervisorWindow(AppContext(rt, _user(rt, "9001")))
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.loads >= 1, timeout=15_000)
    s = w.board.summary
    assert w.tiles["visits"].value.text() == str(s.visits)
    assert w.tiles["participation"].value.text() == s.participation.percent_text
    assert w.tiles["participation"].toolTip().startswith("参评率 =")
    assert w.chart_levels.values == [s.levels[lv] for lv in
                                     ("very_satisfied", "satisfied", "basically_satisfied",
                                      "dissatisfied", "very_dissatisfied")]
    assert not w.details.isVisible()  # tables on demand
    shot = _shot(w, "supervisor-overview.png", tmp_path)
    assert shot.stat().st_size > 20_000
    qtbot.mouseClick(w.details_button, Qt.MouseButton.LeftButton)
    assert w.details.isVisible() and w.details.model().rowCount() >= 20
    w.tabs.setCurrentIndex(1)
    assert w.handover.model().rowCount() == len(s.tellers) == 3
    _shot(w, "supervisor-handover.png", tmp_path)
    w.tabs.setCurrentIndex(2)
    assert w.fu_table.model().rowCount() == len(w.board.followups) >= 1
    _shot(w, "supervisor-followups.png", tmp_path)
    w.tabs.setCurrentIndex(3)
    assert w.ob_tiles["pending"].value.text() == str(w.board.outbox.pending)
    _shot(w, "supervisor-outbox.png", tmp_path)
    w.close()


def test_bad_rating_on_another_pc_alerts_the_supervisor(qtbot, hall) -> None:  # type: ignore[no-untyped-def]
    from ui.windows.supervisor import SupervisorWindow

    rt, shift = hall
    w = SupervisorWindow(AppContext(rt, _user(rt, "9001")))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.loads >= 1, timeout=15_000)
    assert not w.alert.isVisible()
    # The teller's PC: its own runtime on the same database.
    url = rt.engine.url.render_as_string(hide_password=False)
    teller_pc = open_runtime(url, Settings.of(db_url=url), clock=rt.deps.clock)
    try:
        desk = Desk(rt.settings.hall.code, "2", shift.users["1002"])
        case_no = accept_case(teller_pc, desk, person=2)
        with teller_pc.uow() as session:
            opened = ratings.open_session(session, teller_pc.deps, desk,
                                          ratings.visit_of_case(session, case_no))
            ratings.record_rating(session, teller_pc.deps, teller_pc.settings, opened.id,
                                  rating_input(Satisfaction.VERY_DISSATISFIED, [Reason.UNFAIR]))
    finally:
        teller_pc.close()
    qtbot.waitUntil(lambda: w.alert.isVisible(), timeout=5_000)  # within seconds
    assert "2号窗口" in w.alert.text() and "非常不满意" in w.alert.text()
    w.close()


def test_a_follow_up_step_from_the_ledger(qtbot, hall) -> None:  # type: ignore[no-untyped-def]
    from ui.windows.supervisor import SupervisorWindow

    rt, shift = hall
    w = SupervisorWindow(AppContext(rt, _user(rt, "9001")), watch=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.loads >= 1, timeout=15_000)
    fid = shift.followups[1]  # called, not reached
    row = next(r for r in w.board.followups if r.id == fid)
    w.fu_pane.show_row(row)
    assert w.fu_pane.buttons["callback"].isEnabled()
    assert not w.fu_pane.buttons["feedback"].isEnabled()
    loads = w.loads
    w.fu_pane.run_step("callback", fid, "再次回访，已联系上申请人。")
    qtbot.waitUntil(lambda: w.loads > loads, timeout=10_000)
    row = next(r for r in w.board.followups if r.id == fid)
    assert row.callback_done and row.status == followup.Status.CALLED_BACK
    # the pane shows the follow-up with its steps, the new one last
    qtbot.mouseClick(w.fu_table.viewport(), Qt.MouseButton.LeftButton,
                     pos=w.fu_table.visualRect(w.fu_table.model().index(
                         w.fu_table.row_model.find(fid), 0)).center())
    qtbot.waitUntil(lambda: w.fu_pane.row is not None and w.fu_pane.row.id == fid
                    and bool(w.fu_pane.row.steps), timeout=10_000)
    assert w.fu_pane.row.steps[-1].actor == "王丽"
    assert "再次回访" in w.fu_pane.row.steps[-1].what
    w.close()


def test_tellers_do_not_get_the_supervisor_view(qtbot, hall, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from ui import app

    rt, _shift = hall
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    assert app._surface("supervisor", AppContext(rt, _user(rt, "1001")), "none") is None
    assert warned and "值班长" in warned[0]
    window = app._surface("supervisor", AppContext(rt, _user(rt, "9001")), "none")
    qtbot.addWidget(window)
    assert type(window).__name__ == "SupervisorWindow"
    window.close()


def test_teller_presses_rate_and_never_sees_the_level(qtbot, hall, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.windows.soft_pad import SoftPadWindow
    from ui.windows.teller import TellerWindow

    rt, shift = hall
    teller = _user(rt, "1001")
    w = TellerWindow(AppContext(rt, teller))
    qtbot.addWidget(w)
    w.show()
    pad = SoftPad()
    screen = SoftPadWindow(pad, "1号窗口")  # the applicant's monitor (not shown here:
    qtbot.addWidget(screen)                 # the teller's window keeps the focus)
    screen.resize(1024, 600)
    service = PadRatingService(rt, pad, actor=teller, window_no="1").start()
    w.rating.attach(service)
    try:
        case_no = accept_case(rt, Desk(rt.settings.hall.code, "1", teller.user_id), person=1)

        class Done:  # what the window remembers of the last submit
            class result:  # noqa: N801
                pass

        Done.result.case_no = case_no  # type: ignore[attr-defined]
        w.last_submitted = Done  # type: ignore[assignment]
        assert w.queue.current_ticket_id is None  # no ticket at the window: rate the case
        # F8 请评价: the window's function keys take it whatever has the focus
        qtbot.keyClick(w, Qt.Key.Key_F8)
        qtbot.waitUntil(lambda: screen.stack.currentIndex() == 1, timeout=5_000)
        assert "评价器已显示" in w.status.currentMessage()
        _shot(screen, "soft-pad.png", tmp_path)
        screen.choose(1)  # a bad one: the reasons come next
        assert screen.stack.currentIndex() == 2
        screen.send_reasons()
        assert "请至少选择" in screen.hint.text()
        screen.reason_buttons[0].setChecked(True)
        screen.send_reasons()
        qtbot.waitUntil(lambda: "申请人已评价" in w.status.currentMessage(), timeout=5_000)
        message = w.status.currentMessage()
        assert "不满意" not in message and "满意" not in message  # never the level
        with rt.uow() as session:
            waiting = followup.awaiting_callback(session, rt.settings.hall.code, teller.user_id)
        assert waiting >= 1  # the supervisor has a callback to make …
        assert w.rating.label.text() == "已评价"  # … the teller only knows it was rated
        shown = " ".join(label.text() for label in w.findChildren(QLabel))
        assert "差评" not in shown and "不满意" not in shown
    finally:
        service.stop()
        w.runner.wait_idle()


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
def test_supervisor_view_fits_a_small_screen(qtbot, hall, tmp_path, size) -> None:  # type: ignore[no-untyped-def]
    """A hall's PC at 1366×768 or 1280×720: nothing pushes the window past the screen,
    the figures table opens inside it, every rating level is named under its bar, and
    the outbox tab speaks of the provincial system, not of HTTP."""
    from PySide6.QtCore import QPoint, QSize

    from ui.windows.supervisor import SupervisorWindow

    rt, _shift = hall
    w = SupervisorWindow(AppContext(rt, _user(rt, "9001")), watch=False)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.loads >= 1, timeout=15_000)
    hint = w.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1]
    w.chart_levels.grab()  # painted: the labels are laid out
    assert w.chart_levels._plan[1] == 1  # no level left without its label
    qtbot.mouseClick(w.details_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.details.isVisible(), timeout=5_000)
    assert w.size() == QSize(*size)  # the table did not grow the window
    bottom = w.details.mapTo(w, QPoint(0, w.details.height())).y()
    assert bottom <= w.height() and w.details.height() >= 200
    assert w.details.model().rowCount() >= 20
    _shot(w, f"supervisor-details-{size[0]}x{size[1]}.png", tmp_path)
    w.tabs.setCurrentIndex(3)
    shown = w.outbox.note.text() + w.outbox.empty.text() + " ".join(
        str(w.outbox.table.model().headerData(c, Qt.Orientation.Horizontal))
        for c in range(w.outbox.table.model().columnCount()))
    for jargon in ("HTTP", "2xx", "4xx", "5xx", "409"):
        assert jargon not in shown
    assert "省平台" in shown
    w.close()
