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


def test_back_office_completes_a_bundle(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, clock, teller_user_factory, app_context
) -> None:
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    settings = Settings.of(db_url=url, papers_dir=str(tmp_path / "papers"))
    rt = open_runtime(url, settings, clock=clock)
    user = teller_user_factory(rt, clock)
    handler = teller_user_factory(rt, clock, "backoffice", "2001", "李强")
    person = ApplicantInput("11010519491231002X", "王䶮", "13812345678")
    app = with_all_materials(rt, Application(person, bundle_code="370100-YJS-10"))
    with rt.uow() as session:
        result = acceptance.accept(session, rt.deps, rt.desk(user.user_id), app, require_form=False)
    window = BackOfficeWindow(app_context(rt, handler))
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
    window = BackOfficeWindow(app_context(rt, handler))
    qtbot.addWidget(window)
    window.show()
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
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "待前置事项" in window.message.text(), timeout=10_000)
    window.runner.wait_idle()
    rt.close()
