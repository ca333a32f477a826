"""Nothing typed is lost: a teller window killed with SIGKILL in the middle of a visit
leaves its draft (0600) and the next start offers it back (Enter restores, Esc
discards); Alt+F4 with a half-filled visit asks first."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from counter_app.runtime import open_runtime
from counter_app.services.users import actor_of
from counter_app.store.models import User
from tests.ui.draft_child import settings_for
from tests.ui.keyboard import Keys
from ui.windows.teller import TellerWindow

ROOT = Path(__file__).resolve().parents[2]


def _killed_after_typing(folder: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.draft_child", str(folder)], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        line = child.stdout.readline()  # type: ignore[union-attr]
        assert line.strip() == "saved", child.stderr.read()  # type: ignore[union-attr]
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL


def _start(qtbot, folder: Path, app_context):  # type: ignore[no-untyped-def]
    settings = settings_for(folder)
    rt = open_runtime(settings.db_url, settings)
    with rt.uow() as session:
        actor = actor_of(session.scalar(select(User).where(User.staff_no == "1024")))
    window = TellerWindow(app_context(rt, actor))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return rt, window


@pytest.mark.parametrize("restore", [True, False], ids=["enter-restores", "esc-discards"])
def test_a_killed_window_leaves_a_draft_that_the_next_start_offers(  # type: ignore[no-untyped-def]
        qtbot, tmp_path, app_context, restore) -> None:
    _killed_after_typing(tmp_path)
    rt, w = _start(qtbot, tmp_path, app_context)
    try:
        path = w.draft_store.path
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        qtbot.waitUntil(lambda: w.pending_question is not None, timeout=5_000)
        assert "李娜" in w.pending_question.text()
        Keys(qtbot).press(w.pending_question,
                          Qt.Key.Key_Return if restore else Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: w.pending_question is None, timeout=5_000)
        if restore:
            assert w.applicant.name.text() == "李娜"
            assert w.applicant.id_number.text() == "11010519491231002X"
            assert w.accept.bundle_code == "370100-YJS-07"
            assert w.accept.situations.answers()["retire_type"] == "special"
            values = w.accept.form.values()
            assert values["work_start_date"] == "1970-07-01"
            assert values["applicant_name"] == "李娜"
            assert values["retire_type"] == "特殊工种提前退休"
            assert path.exists()
            # the keys go on in the visit, not in the search (whose list would take a
            # second Enter and choose another item over the restored one)
            focused = w.focusWidget()  # the window's focus, active or not
            assert focused is not w.accept.search.edit
            assert not w.accept.search.results.isVisible()
            assert focused in [*w.accept.situations.combos.values(),
                               *w.accept.form.widgets.values()] \
                or w.accept.materials.isAncestorOf(focused)
        else:
            assert w.applicant.is_empty() and not w.accept.items
            qtbot.waitUntil(lambda: not path.exists(), timeout=5_000)  # the draft thread
            assert w.focusWidget() is w.applicant.id_number
    finally:
        w.runner.wait_idle()
        w.close()
        rt.close()


def test_alt_f4_with_a_half_filled_visit_asks(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    k = Keys(qtbot)
    k.press(w, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    k.type_here("11010519491231002X")
    k.press(w, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: w.pending_question is not None, timeout=5_000)
    k.press(w.pending_question, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: w.pending_question is None, timeout=5_000)
    assert w.isVisible() and w.applicant.id_number.text() == "11010519491231002X"
    qtbot.waitUntil(w.isActiveWindow, timeout=5_000)  # the keys are the window's again
    k.press(w, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: w.pending_question is not None, timeout=5_000)
    k.press(w.pending_question, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=5_000)
    assert w.draft_store.path.exists()  # kept for the next start


def test_the_draft_is_written_off_the_gui_thread(qtbot, teller_window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The file is fsynced on each save: on a slow disk that must not stall typing."""
    import threading

    from counter_app.infra.drafts import DraftStore

    threads: list[str] = []
    real_save = DraftStore.save

    def save(self, data):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        real_save(self, data)

    monkeypatch.setattr(DraftStore, "save", save)
    w = teller_window
    k = Keys(qtbot)
    k.press(w, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    k.type_here("11010519491231002X")
    path = w.draft_store.path
    qtbot.waitUntil(lambda: path.exists()
                    and "11010519491231002X" in path.read_text(encoding="utf-8"), timeout=5_000)
    assert threads and threading.main_thread().name not in threads
