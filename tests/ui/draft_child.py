"""A teller window in its own process that types part of a visit and then waits to
be killed (tests/ui/test_teller_drafts.py kills it with SIGKILL). Prints `saved`
once the draft file is on disk. Usage: python -m tests.ui.draft_child FOLDER"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from counter_app.config import Settings  # noqa: E402
from counter_app.runtime import open_runtime  # noqa: E402
from counter_app.services.users import Role, actor_of, add_user  # noqa: E402
from tests.ui.keyboard import commit_text  # noqa: E402
from ui.context import AppContext  # noqa: E402
from ui.windows.teller import TellerWindow  # noqa: E402


def settings_for(folder: Path) -> Settings:
    url = f"sqlite:///{folder / 'counter.sqlite3'}"
    return Settings.of(db_url=url, papers_dir=str(folder / "papers"), window_no="3")


def main(folder: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    settings = settings_for(folder)
    rt = open_runtime(settings.db_url, settings)
    with rt.uow() as session:
        actor = actor_of(add_user(session, "1024", "张敏", "secret1", Role.TELLER))
    window = TellerWindow(AppContext(rt, actor))
    window.show()
    QTest.qWaitForWindowExposed(window)
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(window.accept.search.edit, "zgtx")
    QTest.keyClick(window.accept.search.edit, Qt.Key.Key_Return)
    QTest.keyClick(window.accept.situations.combos["retire_type"], Qt.Key.Key_2)
    QTest.keyClicks(window.applicant.id_number, "11010519491231002X", delay=40)
    commit_text(window.applicant.name, "李娜")
    QTest.keyClicks(window.accept.form.widgets["work_start_date"], "19700701", delay=40)
    path = window.draft_store.path
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        app.processEvents()
        if path.exists() and "1970-07-01" in path.read_text(encoding="utf-8"):
            print("saved", flush=True)
            break
        time.sleep(0.05)
    while True:  # until killed: no close, no clean-up
        app.processEvents()
        time.sleep(0.05)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
