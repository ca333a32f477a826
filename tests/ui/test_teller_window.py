"""The teller workstation driven as a teller would, offscreen: 职工退休一件事 found by
its pinyin initials, one situation answered, one material 容缺, submitted with the
keyboard; then the receipt and the 容缺受理通知书 are read back from the PDFs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt

from counter_app.domain.application import MaterialStatus


def pdf_text(path: Path) -> str:
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    return "".join(text.split())  # names may wrap across lines


def test_retirement_bundle_with_one_tolerated_material(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    # applicant, typed, with the live ID check
    qtbot.keyClicks(w.applicant.id_number, "11010519491231002x")
    assert w.applicant.id_status.text().startswith("✓")
    w.applicant.name.insert("王䶮")  # Chinese comes through the IME, not keys
    qtbot.keyClicks(w.applicant.phone, "13812345678")
    w.applicant.address.insert("北京市西城区")

    # find the bundle by pinyin initials and choose it with Enter
    qtbot.keyClick(w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(w.accept.search.edit, "zgtx")
    assert w.accept.search.results.currentItem().text().strip().startswith("▸ 职工退休一件事")
    qtbot.keyClick(w.accept.search.edit, Qt.Key.Key_Return)
    assert w.accept.bundle_code == "370100-YJS-07"

    # one situation answered: special-job early retirement adds an item
    before = len(w.accept.items)
    w.accept.situations.answer("retire_type", "special")
    assert len(w.accept.items) == before + 1

    # the one form is prefilled from the applicant; fill the rest
    values = w.accept.form.values()
    assert values["applicant_name"] == "王䶮" and values["sex"] == "女"
    for key, value in {
        "retire_type": "特殊工种提前退休", "work_start_date": "1970-07-01",
        "bank_name": "中国工商银行", "bank_account": "6222021234567890",
        "employer_name": "济南某机械厂",
        "special_job_name": "高温作业", "special_job_years": "12",
    }.items():
        if key in w.accept.form.widgets:
            w.accept.form.set_value(key, value)
    assert w.accept.form.missing() == []

    # one material 容缺; the promise checkboxes appear and are signed
    w.accept.materials.set_status("bank_card", MaterialStatus.TOLERATED)
    assert w.accept.tolerance_signed.isVisible() and w.accept.credit_signed.isVisible()
    w.accept.tolerance_signed.setChecked(True)
    w.accept.credit_signed.setChecked(True)

    # submit with the keyboard; the window stays responsive and gets the result
    qtbot.keyClick(w, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: w.last_submitted is not None or "请更正" in w.accept.message.text(),
        timeout=20_000,
    )
    done = w.last_submitted
    assert done is not None, w.accept.message.text()
    result = done.result
    assert result.status == "accepted", w.accept.message.text()
    due = {s.item_code: s.due_date for s in result.sub_items}
    assert due == {
        "370100-SB-0007": date(2026, 10, 19),  # 10 working days across National Day
        "370100-SB-0008": date(2026, 10, 26),  # 15 working days
        "370100-SB-0026": date(2026, 10, 12),  # 5 working days
    }
    assert {s.unit_name for s in result.sub_items} >= {"市社会保险事业中心养老保险科"}
    assert set(done.papers) == {"receipt", "tolerance", "credit"}
    assert not done.paper_errors

    receipt = pdf_text(done.papers["receipt"])
    tolerance = pdf_text(done.papers["tolerance"])
    for text in (receipt, tolerance):
        assert result.case_no in text
        assert "110105********002X" in text
    for name in ("基本养老保险待遇申领", "特殊工种提前退休审批", "退休人员基本医疗保险待遇核定"):
        assert name in receipt
    assert "2026-10-19" in receipt and "2026-10-26" in receipt
    # the tolerance notice names the missing material and the date to bring it by
    assert "银行账户信息" in tolerance and "2026-10-19" in tolerance
    assert "王䶮" in receipt
    assert "2026-09-2910:00" in receipt  # accepted at, on the hall's (China) clock

    # the form is cleared for the next applicant and the case shows in today's list
    assert w.applicant.id_number.text() == ""
    qtbot.waitUntil(lambda: any(r.case_no == result.case_no for r in w.cases.rows))


def test_bad_input_is_shown_in_chinese_and_nothing_is_stored(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    qtbot.keyClicks(w.applicant.id_number, "110105194912310021")
    assert "校验位" in w.applicant.id_status.text()
    w.applicant.name.insert("王䶮")  # Chinese comes through the IME, not keys
    qtbot.keyClicks(w.accept.search.edit, "zgtx")
    qtbot.keyClick(w.accept.search.edit, Qt.Key.Key_Return)
    qtbot.keyClick(w, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "请更正" in w.accept.message.text(), timeout=10_000)
    assert "校验位" in w.accept.message.text()
    assert w.last_submitted is None
