"""The back-office worklist: every sub-item of an accepted case is marked done with
the keyboard; the case becomes complete and the 办结通知 is generated."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt

from counter_app.config import Settings
from counter_app.demo import with_all_materials
from counter_app.domain.application import ApplicantInput, Application
from counter_app.runtime import open_runtime
from counter_app.services import acceptance
from counter_app.services.backoffice import find_case
from ui.windows.backoffice import BackOfficeWindow


def test_back_office_completes_a_bundle(qtbot, tmp_path: Path, clock, teller_user_factory) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    rt = open_runtime(url, Settings(db_url=url, papers_dir=str(tmp_path / "papers")), clock=clock)
    user = teller_user_factory(rt, clock)
    person = ApplicantInput("11010519491231002X", "王䶮", "13812345678")
    app = with_all_materials(rt, Application(person, bundle_code="370100-YJS-10"))
    with rt.uow() as session:
        result = acceptance.accept(session, rt.deps, rt.desk(user.id), app, require_form=False)
    window = BackOfficeWindow(rt, user)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: len(window.rows) == len(result.sub_items), timeout=10_000)
    assert all("********" in r.applicant_id for r in window.rows)  # masked in the list

    for remaining in range(len(result.sub_items), 0, -1):
        qtbot.waitUntil(lambda n=remaining: len(window.rows) == n, timeout=10_000)
        window.table.selectRow(0)
        qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: hasattr(window, "completion_dialog"), timeout=20_000)
    # The list's re-read and the completion notice run side by side on the task
    # runner: the notice may show first, the emptied list follows.
    qtbot.waitUntil(lambda: window.rows == [], timeout=10_000)
    with rt.uow() as session:
        assert find_case(session, result.case_no).status == "complete"
    pdf = window.completion_dialog.papers["completion"]
    text = "".join("".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert result.case_no in text and "已办结" in text
    window.runner.wait_idle()
    rt.close()
