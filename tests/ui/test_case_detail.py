"""The case detail view, driven by keys: a 容缺 material brought later is supplied
from it (arrows, Enter, Enter) and the case goes on; a 补正 case is accepted when its
last material comes; a late 容缺 material is refused and says why; the back office
reads the same view without supply. What counts is what the database holds."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from counter_app.config import Settings
from counter_app.runtime import open_runtime
from counter_app.services.backoffice import find_case
from tests.ui.detail_support import OTHER, accept, retirement
from ui.windows.case_detail import CaseDetailDialog


@pytest.fixture
def rt(tmp_path: Path, clock):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    settings = Settings.of(db_url=url, papers_dir=str(tmp_path / "papers"), window_no="3")
    runtime = open_runtime(url, settings, clock=clock)
    yield runtime
    runtime.close()


def stored_material(rt, case_no: str, code: str):  # type: ignore[no-untyped-def]
    with rt.uow() as session:
        case = find_case(session, case_no)
        material = next(m for m in case.materials if m.material_code == code)
        return str(case.status), str(material.status), material.supplied_at


def open_dialog(qtbot, ctx, case_no: str, **options) -> CaseDetailDialog:  # type: ignore[no-untyped-def]
    dialog = CaseDetailDialog(ctx, ctx.runner, case_no, None, show=False, **options)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):  # as a teller sees it: the active window, maximized
        dialog.open_maximized()
        dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=10_000)
    return dialog


def press(qtbot, widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(widget, key, modifier)


def test_teller_supplies_a_tolerated_material_by_keys(  # type: ignore[no-untyped-def]
    qtbot, rt, clock, teller_user_factory, app_context
) -> None:
    teller = teller_user_factory(rt, clock)
    promised = date(2026, 10, 9)
    app = retirement(rt, tolerated={"bank_card": promised})
    case_no = accept(rt, teller, app).result.case_no
    assert stored_material(rt, case_no, "bank_card")[1] == "tolerated"
    ctx = app_context(rt, teller)
    dialog = open_dialog(qtbot, ctx, case_no)

    # what the teller reads: masked ID, the 容缺 promise, the sub-items' clocks
    detail = dialog.detail
    assert detail.applicant.id_number == "110105********002X"
    assert "110105********002X" in [
        dialog.applicant_form.itemAt(r, dialog.applicant_form.ItemRole.FieldRole).widget().text()
        for r in range(dialog.applicant_form.rowCount())]
    assert dialog.alert.isVisible() and "容缺材料" in dialog.alert.text()
    assert all(i.sla_text for i in detail.sub_items if i.status == "pending")
    assert detail.form_lines and all(line.label != line.key for line in detail.form_lines
                                     if line.key in rt.deps.catalogue.fields)
    assert any(h.what == "受理" for h in detail.history)

    # the cursor starts on the material owed: Enter, then Enter confirms
    assert dialog.materials.current().code == "bank_card"
    press(qtbot, dialog.materials, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.pending_dialog is not None
                    and dialog.pending_dialog.isVisible(), timeout=5_000)
    assert "银行" in dialog.pending_dialog.question.text()
    press(qtbot, dialog.pending_dialog.ok, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "已补交" in dialog.message.text(), timeout=10_000)

    status, material, supplied_at = stored_material(rt, case_no, "bank_card")
    assert (status, material) == ("accepted", "received")
    assert supplied_at is not None
    assert "办件继续办理" in dialog.message.text()
    assert not dialog.alert.isVisible() or "容缺" not in dialog.alert.text()
    # the case goes on: the back office may now complete what waited for the card
    assert any(h.what == "补交材料" for h in dialog.detail.history)
    dialog.runner.wait_idle()


def test_escape_leaves_the_material_owed(  # type: ignore[no-untyped-def]
    qtbot, rt, clock, teller_user_factory, app_context
) -> None:
    teller = teller_user_factory(rt, clock)
    case_no = accept(rt, teller, retirement(rt, tolerated={"bank_card": date(2026, 10, 9)})
                     ).result.case_no
    dialog = open_dialog(qtbot, app_context(rt, teller), case_no)
    press(qtbot, dialog.materials, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.pending_dialog is not None
                    and dialog.pending_dialog.isVisible(), timeout=5_000)
    press(qtbot, dialog.pending_dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.pending_dialog_open(), timeout=5_000)
    dialog.runner.wait_idle()
    assert stored_material(rt, case_no, "bank_card")[1] == "tolerated"


def test_supplement_case_is_accepted_when_the_last_material_comes(  # type: ignore[no-untyped-def]
    qtbot, rt, clock, teller_user_factory, app_context
) -> None:
    teller = teller_user_factory(rt, clock)
    app = retirement(rt, OTHER, missing=("bank_card",))
    case_no = accept(rt, teller, app).result.case_no
    assert stored_material(rt, case_no, "bank_card")[0] == "supplement"
    clock.now += timedelta(days=1)
    dialog = open_dialog(qtbot, app_context(rt, teller), case_no)
    assert "收件时间" in dialog.facts.text() and "补正期限" in dialog.facts.text()
    press(qtbot, dialog.materials, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.pending_dialog is not None
                    and dialog.pending_dialog.isVisible(), timeout=5_000)
    press(qtbot, dialog.pending_dialog.ok, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "自今日起受理" in dialog.message.text(), timeout=10_000)
    assert stored_material(rt, case_no, "bank_card")[:2] == ("accepted", "received")
    dialog.runner.wait_idle()


def test_late_tolerated_material_terminates_and_says_why(  # type: ignore[no-untyped-def]
    qtbot, rt, clock, teller_user_factory, app_context
) -> None:
    teller = teller_user_factory(rt, clock)
    case_no = accept(rt, teller, retirement(rt, tolerated={"bank_card": date(2026, 10, 9)})
                     ).result.case_no
    clock.now += timedelta(days=14)  # past the promised date, before any sweep
    dialog = open_dialog(qtbot, app_context(rt, teller), case_no)
    press(qtbot, dialog.materials, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.pending_dialog is not None
                    and dialog.pending_dialog.isVisible(), timeout=5_000)
    press(qtbot, dialog.pending_dialog.ok, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "终止办理" in dialog.message.text(), timeout=10_000)
    assert "超过承诺补交日期" in dialog.message.text()
    qtbot.waitUntil(lambda: dialog.detail.status == "terminated", timeout=10_000)
    assert stored_material(rt, case_no, "bank_card")[:2] == ("terminated", "tolerated")
    assert "终止办理" in dialog.alert.text()
    dialog.runner.wait_idle()


def test_back_office_reads_without_supply_and_completes_with_a_question(  # type: ignore[no-untyped-def]
    qtbot, rt, clock, teller_user_factory, app_context
) -> None:
    teller = teller_user_factory(rt, clock)
    handler = teller_user_factory(rt, clock, "backoffice", "2001", "李强")
    case_no = accept(rt, teller, retirement(rt, tolerated={"bank_card": date(2026, 10, 9)})
                     ).result.case_no
    dialog = open_dialog(qtbot, app_context(rt, handler), case_no, backoffice=True)
    assert dialog.tabs.currentIndex() == 1  # the sub-items first
    assert not dialog.supply_button.isVisible()
    press(qtbot, dialog.materials, Qt.Key.Key_Return)  # no supply from the back office
    assert dialog.pending_dialog is None
    assert stored_material(rt, case_no, "bank_card")[1] == "tolerated"

    # Ctrl+D asks; Esc leaves the item as it was
    with rt.uow() as session:
        item_code = find_case(session, case_no).items[0].item_code
    dialog.items.select_key(item_code)
    press(qtbot, dialog.items, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.pending_dialog_open(), timeout=5_000)
    press(qtbot, dialog.pending_dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.pending_dialog_open(), timeout=5_000)
    with rt.uow() as session:
        assert all(i.status != "done" for i in find_case(session, case_no).items)
    dialog.runner.wait_idle()


def test_detail_read_model_on_both_engines(runtime, clock, teller_user_factory) -> None:  # type: ignore[no-untyped-def]
    """What the view is given (SQLite and PostgreSQL): the form by label with personal
    fields masked, the sub-items' clocks, the history, and who looked at the case only
    for those who may read the audit trail."""
    from counter_app.usecases import cases

    teller = teller_user_factory(runtime, clock)
    supervisor = teller_user_factory(runtime, clock, "supervisor", "9001", "王丽")
    app = retirement(runtime, tolerated={"bank_card": date(2026, 10, 9)})
    case_no = accept(runtime, teller, app).result.case_no
    seen = cases.show_case(runtime, cases.ShowCase(teller, case_no))
    lines = {line.key: line for line in seen.form_lines}
    assert lines["id_number"].label == "公民身份号码"
    assert lines["id_number"].value == "110105********002X"
    assert seen.form_values["id_number"] == "11010519491231002X"  # the stored form is whole
    assert all(i.sla_text and i.days_left is not None for i in seen.sub_items
               if i.status == "pending" and i.case_kind == "承诺件")
    assert [h.what for h in seen.history] == ["受理"] and seen.history[0].who.startswith("张敏")
    assert "receipt" in seen.papers and "tolerance" in seen.papers
    assert seen.situation_lines and seen.situation_lines[0].answer == "正常退休"

    clock.now += timedelta(days=1)
    audited = cases.show_case(runtime, cases.ShowCase(supervisor, case_no))
    views = [h for h in audited.history if h.audit]
    assert [h.who for h in views] == ["张敏（1024）", "王丽（9001）"]
    assert all(h.what == "查看办件" for h in views)
