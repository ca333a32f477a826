"""The supervisor view on a hall PC's small screens, driven by keys: Ctrl+1…4 for the
tabs, Tab to "显示明细表" and Space to open it. At 1366×768 and 1280×720 nothing is
cut or off the window, the rating chart names all five levels, the figures table
opens inside the window, and the 好差评上报 tab speaks of the provincial platform
(no HTTP codes). Screenshots of every tab to $COUNTER_TEST_SHOTS when set."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from sqlalchemy import select

from counter_app.config import Settings
from counter_app.domain.rating import LEVELS_BEST_FIRST
from counter_app.runtime import open_runtime
from counter_app.services.users import actor_of
from counter_app.store.models import User
from tests.ratings.shift_data import populate
from ui.context import AppContext
from ui.fonts import apply_app_font

SHOTS = os.environ.get("COUNTER_TEST_SHOTS")  # COUNTER_* others are dropped by conftest
JARGON = ("HTTP", "2xx", "4xx", "5xx", "409", "status", "200")


@pytest.fixture
def hall(qapp, tmp_path: Path, clock):  # type: ignore[no-untyped-def]
    apply_app_font(qapp)
    url = f"sqlite:///{tmp_path / 'hall.sqlite3'}"
    rt = open_runtime(url, Settings.of(db_url=url, papers_dir=str(tmp_path / "papers")),
                      clock=clock)
    populate(rt, clock)
    with rt.uow() as session:
        boss = actor_of(session.scalar(select(User).where(User.staff_no == "9001")))
    yield rt, boss
    rt.close()


def _shot(widget: QWidget, name: str, tmp_path: Path) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(folder / name))


def _cut(root: QWidget) -> list[str]:
    """Visible one-line labels and buttons whose text does not fit, or that lie
    (partly) outside the window."""
    out = []
    frame = QRect(0, 0, root.width(), root.height())
    for w in root.findChildren(QWidget):
        if not w.isVisible() or not isinstance(w, QLabel | QAbstractButton):
            continue
        text = re.sub(r"<[^>]+>", "", w.text())
        if not text.strip():
            continue
        if not frame.contains(QRect(w.mapTo(root, QPoint(0, 0)), w.size())):
            out.append(f"outside: {text}")
        ignored = w.sizePolicy().horizontalPolicy().name == "Ignored"  # elided on purpose
        if isinstance(w, QLabel) and (w.wordWrap() or ignored):
            continue
        if QFontMetrics(w.font()).horizontalAdvance(text) > w.contentsRect().width() + 2:
            out.append(text)
    return out


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
def test_the_supervisor_view_by_keys_on_a_small_screen(qtbot, hall, tmp_path, size) -> None:  # type: ignore[no-untyped-def]
    from ui.windows.supervisor import SupervisorWindow

    rt, boss = hall
    w = SupervisorWindow(AppContext(rt, boss), watch=False)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.loads >= 1, timeout=15_000)
    assert w.size() == QSize(*size)
    tag = f"{size[0]}x{size[1]}"

    # 实时概况: five bars, five names under them
    qtbot.keyClick(w, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert w.tabs.currentIndex() == 0
    w.chart_levels.grab()
    assert w.chart_levels.labels == [lv.label for lv in LEVELS_BEST_FIRST]
    assert w.chart_levels._plan[1] == 1  # every bar labelled (no label skipped)
    _shot(w, f"supervisor-overview-{tag}.png", tmp_path)
    assert _cut(w) == []

    # the figures table, opened with the keyboard, inside the window
    w.details_button.setFocus()
    qtbot.keyClick(w.details_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: w.details.isVisible(), timeout=5_000)
    assert w.size() == QSize(*size)
    top = w.details.mapTo(w, QPoint(0, 0))
    assert top.y() >= 0 and top.y() + w.details.height() <= w.height()
    assert w.details.height() >= 200 and w.details.model().rowCount() >= 20
    _shot(w, f"supervisor-details-{tag}.png", tmp_path)
    qtbot.keyClick(w.details_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not w.details.isVisible(), timeout=5_000)

    for key, name in ((Qt.Key.Key_2, "handover"), (Qt.Key.Key_3, "followups"),
                      (Qt.Key.Key_4, "outbox")):
        qtbot.keyClick(w, key, Qt.KeyboardModifier.ControlModifier)
        qtbot.wait(20)
        _shot(w, f"supervisor-{name}-{tag}.png", tmp_path)
        assert _cut(w) == [], name

    # 好差评上报 in the province's words
    assert w.tabs.currentIndex() == 3
    model = w.outbox.table.model()
    words = " ".join([w.outbox.note.text(), w.outbox.empty.text(),
                      *(str(model.headerData(c, Qt.Orientation.Horizontal))
                        for c in range(model.columnCount())),
                      *(t.findChild(QLabel).text() for t in w.ob_tiles.values())])
    assert "省平台" in words
    assert [j for j in JARGON if j in words] == []
    w.close()


def test_a_follow_up_step_by_keys(qtbot, hall) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+3, ↓ to a follow-up waiting for its 回访, Alt+1: the note takes the keys
    (a space typed does not untick 已联系上申请人), Tab leaves it, Ctrl+Enter records
    the step; the keys then stay with the pane's next step, not the date at the top."""
    from PySide6.QtWidgets import QApplication

    from ui.windows.supervisor import SupervisorWindow

    rt, boss = hall
    w = SupervisorWindow(AppContext(rt, boss), watch=False)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    qtbot.waitUntil(lambda: w.loads >= 1, timeout=15_000)
    qtbot.keyClick(w, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is w.fu_table  # the keys go to the list at once
    target = next(r for r in w.board.followups if "callback" in r.next_actions)
    for _ in range(len(w.board.followups)):
        current = w.fu_table.current()
        if current is not None and current.id == target.id:
            break
        qtbot.keyClick(w.fu_table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: w.fu_pane.row is not None and w.fu_pane.row.id == target.id,
                    timeout=10_000)
    pane = w.fu_pane
    qtbot.keyClick(w.fu_table, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: pane.step_dialog is not None and pane.step_dialog.isActiveWindow(),
                    timeout=5_000)
    dialog = pane.step_dialog
    assert QApplication.focusWidget() is dialog.what
    qtbot.keyClicks(dialog.what, "tel 13:05 ok")
    assert dialog.reached.isChecked()
    qtbot.keyClick(dialog.what, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not dialog.what
    assert dialog.what.toPlainText() == "tel 13:05 ok"
    loads = w.loads
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: pane.step_dialog is None and w.loads > loads, timeout=10_000)
    with rt.uow() as session:
        from counter_app.store.models import FollowUp

        stored = session.get(FollowUp, target.id)
        assert stored.status == "called_back" and stored.callback_at is not None
        assert stored.steps[-1].what == "tel 13:05 ok"
    qtbot.waitUntil(lambda: pane.row is not None and pane.row.status == "called_back",
                    timeout=10_000)
    qtbot.waitUntil(w.isActiveWindow, timeout=5_000)
    assert QApplication.focusWidget() is w.fu_table  # the keys are where they were

    # Tab to 核实, Space: the finding first, then the note; after it the keys stay
    # in the pane (on the next step offered), not on the date at the top
    for _ in range(20):
        if QApplication.focusWidget() is pane.buttons["verify"]:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is pane.buttons["verify"]
    qtbot.keyClick(pane.buttons["verify"], Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: pane.step_dialog is not None and pane.step_dialog.isActiveWindow(),
                    timeout=5_000)
    dialog = pane.step_dialog
    assert QApplication.focusWidget() is dialog.finding
    qtbot.keyClick(dialog.finding, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.what
    qtbot.keyClicks(dialog.what, "video checked")
    loads = w.loads
    qtbot.keyClick(dialog.what, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: pane.row is not None and pane.row.status == "verified",
                    timeout=10_000)
    qtbot.waitUntil(w.isActiveWindow, timeout=5_000)
    focus = QApplication.focusWidget()
    assert focus in pane.buttons.values() and focus.isEnabled(), focus
    assert focus is not w.day
    w.runner.wait_idle()
    w.close()


def test_ctrl_p_exports_the_day_report_where_reports_go(qtbot, hall, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+P asks where to save, starting in the reports folder (made if missing,
    not the working folder) with a PDF filter; the PDF is written there."""
    from PySide6.QtWidgets import QFileDialog

    from ui.windows.supervisor import SupervisorWindow

    rt, boss = hall
    asked: list[tuple[str, str]] = []

    def save_as(_parent, _title, default, kind):  # type: ignore[no-untyped-def]
        asked.append((default, kind))
        return default, kind

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    w = SupervisorWindow(AppContext(rt, boss), watch=False)
    qtbot.addWidget(w)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    qtbot.waitUntil(lambda: w.loads >= 1, timeout=15_000)
    qtbot.keyClick(w, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1
    default, kind = asked[0]
    folder = Path(default).parent
    assert folder == rt.settings.cases.effective_papers_dir / "reports" and folder.is_dir()
    assert kind == "PDF 文件 (*.pdf)" and default.endswith(".pdf") and "值班日报" in default
    qtbot.waitUntil(lambda: Path(default).exists(), timeout=15_000)
    assert Path(default).read_bytes().startswith(b"%PDF")
    w.runner.wait_idle()
    w.close()
