"""The materials table by keyboard, at the teller window: Ctrl+M brings it into view,
arrows move, 1–5 and Space set statuses, Enter on a 容缺 row takes a promised date
typed in one go, a date past the latest allowed is refused in Chinese, Tab leaves.
What the teller chose is what `decisions()` hands to the accept panel, and what the
容缺受理通知书 prints."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QLineEdit, QScrollArea

from counter_app.domain.application import MaterialDecision, MaterialStatus
from ui.panels.date_text import DateTextError, parse_date
from ui.panels.materials import DATE_COLUMN, STATUS_COLUMN, SYMBOLS

CTRL = Qt.KeyboardModifier.ControlModifier
TYPING_MS = 40  # a person's pace: a burst of 8+ keys ending in Enter is a scanner


def _choose_retirement(qtbot, w) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(w, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(w.accept.search.edit, "zgtx")
    qtbot.keyClick(w.accept.search.edit, Qt.Key.Key_Return)
    w.accept.situations.answer("retire_type", "special")


def _fill_applicant_and_form(qtbot, w) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(w.applicant.id_number, "11010519491231002x")
    w.applicant.name.insert("王䶮")  # Chinese comes through the IME, not keys
    qtbot.keyClicks(w.applicant.phone, "13812345678")
    w.applicant.address.insert("北京市西城区")
    _choose_retirement(qtbot, w)
    for key, value in {
        "retire_type": "特殊工种提前退休", "work_start_date": "1970-07-01",
        "bank_name": "中国工商银行", "bank_account": "6222021234567890",
        "employer_name": "济南某机械厂", "special_job_name": "高温作业",
        "special_job_years": "12",
    }.items():
        if key in w.accept.form.widgets:
            w.accept.form.set_value(key, value)


def _focus():  # type: ignore[no-untyped-def]
    return QApplication.focusWidget()


def _row_shows(table, scroll: QScrollArea) -> bool:  # type: ignore[no-untyped-def]
    """Is the current row of the table inside the visible part of the scroll area?"""
    rect = table.visualRect(table.currentIndex())
    top_left = table.viewport().mapTo(scroll.viewport(), rect.topLeft())
    return scroll.viewport().rect().contains(QRect(top_left, rect.size()))


def _press(qtbot, table, key: Qt.Key, times: int = 1) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        qtbot.keyClick(table, key)


def test_materials_by_keyboard(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    _fill_applicant_and_form(qtbot, w)
    panel = w.accept.materials
    table, model = panel.table, panel.model
    scroll = panel._scroll_area()
    assert scroll is not None
    codes = [m.code for m in panel.materials]
    assert codes == ["id_card", "personnel_archive", "photo", "bank_card", "special_job_record"]
    # a laptop's counter screen (1366×600 left under the taskbar and a second toolbar):
    # the form fills the centre and the materials are below the fold
    w.resize(1366, 600)
    qtbot.waitUntil(  # once the layout has settled
        lambda: table.mapTo(scroll.viewport(), QPoint(0, 0)).y() > scroll.viewport().height())
    assert scroll.verticalScrollBar().value() == 0

    # Ctrl+M: the cursor on the first material's status, and the table scrolled into view
    qtbot.keyClick(w, Qt.Key.Key_M, CTRL)
    assert _focus() is table
    assert (table.currentIndex().row(), table.currentIndex().column()) == (0, STATUS_COLUMN)
    assert _row_shows(table, scroll)
    assert "1 已收取" in model.headerData(STATUS_COLUMN, Qt.Orientation.Horizontal,
                                         Qt.ItemDataRole.ToolTipRole)

    # no promised date anywhere until a material is 容缺
    assert [model.text(r, DATE_COLUMN) for r in range(len(codes))] == [""] * 5

    # down to the bank card, 3 = 容缺: the latest allowed date is promised, in that row only
    _press(qtbot, table, Qt.Key.Key_Down, 3)
    qtbot.keyClick(table, Qt.Key.Key_3)
    bank = codes.index("bank_card")
    assert panel.decisions()["bank_card"] == MaterialDecision(
        MaterialStatus.TOLERATED, date(2026, 10, 19))
    assert model.text(bank, STATUS_COLUMN) == SYMBOLS[MaterialStatus.TOLERATED]
    assert [bool(model.text(r, DATE_COLUMN)) for r in range(5)] == [False, False, False,
                                                                      True, False]
    editable = [bool(model.index(r, DATE_COLUMN).flags() & Qt.ItemFlag.ItemIsEditable)
                for r in range(5)]
    assert editable == [False, False, False, True, False]
    assert w.accept.tolerance_signed.isVisible()

    # Enter: the date, selected, replaced by what is typed; past the latest: refused
    qtbot.keyClick(table, Qt.Key.Key_Return)
    editor = _focus()
    assert isinstance(editor, QLineEdit) and editor.selectedText() == "2026-10-19"
    qtbot.keyClicks(editor, "20261231", delay=TYPING_MS)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert "不能晚于 2026-10-19" in panel.message.text()
    assert panel.message.isVisible()
    assert _focus() is editor  # still open, to correct
    assert panel.decisions()["bank_card"].promised_date == date(2026, 10, 19)

    # Ctrl+A selects; a date typed with dashes in one go is taken
    qtbot.keyClick(editor, Qt.Key.Key_A, CTRL)
    assert editor.selectedText() == "20261231"
    qtbot.keyClicks(editor, "2026-10-12", delay=TYPING_MS)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert _focus() is table and panel.message.text() == ""
    assert panel.decisions()["bank_card"] == MaterialDecision(
        MaterialStatus.TOLERATED, date(2026, 10, 12))
    assert model.text(bank, DATE_COLUMN) == "2026-10-12"

    # statuses a material cannot take are refused, with the reason
    qtbot.keyClick(table, Qt.Key.Key_Up)  # photo
    qtbot.keyClick(table, Qt.Key.Key_1)
    assert panel.decisions()["photo"].status is MaterialStatus.RECEIVED
    qtbot.keyClick(table, Qt.Key.Key_Space)  # the next one it may take
    assert panel.decisions()["photo"].status is MaterialStatus.SHARED
    qtbot.keyClick(table, Qt.Key.Key_Up)  # 职工人事档案: a main material, not shareable
    qtbot.keyClick(table, Qt.Key.Key_3)
    assert "不能容缺" in panel.message.text()
    qtbot.keyClick(table, Qt.Key.Key_2)
    assert "不能通过共享获取" in panel.message.text()
    assert panel.decisions()["personnel_archive"].status is MaterialStatus.RECEIVED
    qtbot.keyClick(table, Qt.Key.Key_5)
    assert panel.decisions()["personnel_archive"].status is MaterialStatus.MISSING
    qtbot.keyClick(table, Qt.Key.Key_1)
    assert panel.message.text() == ""

    # received, then 容缺 again: the date typed before comes back
    _press(qtbot, table, Qt.Key.Key_Down, 2)
    qtbot.keyClick(table, Qt.Key.Key_1)
    assert panel.decisions()["bank_card"] == MaterialDecision(MaterialStatus.RECEIVED)
    assert model.text(bank, DATE_COLUMN) == ""
    qtbot.keyClick(table, Qt.Key.Key_3)
    assert panel.decisions()["bank_card"].promised_date == date(2026, 10, 12)

    # Tab leaves the table (no stop on every cell)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert _focus() is not table and not table.isAncestorOf(_focus())

    # what the accept panel sends, and what the 容缺 notice prints
    assert w.accept.application(w.applicant.applicant()).materials == panel.decisions()
    qtbot.keyClick(w.accept.tolerance_signed, Qt.Key.Key_Space)
    qtbot.keyClick(w.accept.credit_signed, Qt.Key.Key_Space)
    assert w.accept.tolerance_signed.isChecked() and w.accept.credit_signed.isChecked()
    qtbot.keyClick(w, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: w.last_submitted is not None or "请更正" in w.accept.message.text(),
                    timeout=20_000)
    assert w.last_submitted is not None, w.accept.message.text()
    notice = "".join(p.extract_text() for p in
                     PdfReader(Path(w.last_submitted.papers["tolerance"])).pages)
    notice = "".join(notice.split())
    assert "银行账户信息" in notice and "2026-10-12" in notice


def test_promised_date_typed_then_tab_leaves(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    _choose_retirement(qtbot, w)
    panel = w.accept.materials
    table = panel.table
    qtbot.keyClick(w, Qt.Key.Key_M, CTRL)
    _press(qtbot, table, Qt.Key.Key_Down, 3)
    qtbot.keyClick(table, Qt.Key.Key_3)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    editor = _focus()
    qtbot.keyClicks(editor, "1015", delay=TYPING_MS)  # month and day: this year's
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert panel.decisions()["bank_card"].promised_date == date(2026, 10, 15)
    assert _focus() is not table and not table.isAncestorOf(_focus())

    # before today: refused as well
    qtbot.keyClick(w, Qt.Key.Key_M, CTRL)
    assert table.currentIndex().row() == 3  # the cursor is where the teller left it
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.keyClicks(_focus(), "2026-09-01", delay=TYPING_MS)
    qtbot.keyClick(_focus(), Qt.Key.Key_Return)
    assert "不能早于今天" in panel.message.text()
    qtbot.keyClick(_focus(), Qt.Key.Key_Escape)  # gives up: the date stays as it was
    assert _focus() is table
    assert panel.decisions()["bank_card"].promised_date == date(2026, 10, 15)


def test_a_new_situation_keeps_the_choices(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    _choose_retirement(qtbot, w)
    panel = w.accept.materials
    qtbot.keyClick(w, Qt.Key.Key_M, CTRL)
    _press(qtbot, panel.table, Qt.Key.Key_Down, 3)
    qtbot.keyClick(panel.table, Qt.Key.Key_3)
    w.accept.situations.answer("retire_type", "normal")  # one item less, materials rebuilt
    assert "special_job_record" not in panel.decisions()
    assert panel.decisions()["bank_card"].status is MaterialStatus.TOLERATED


def test_status_symbols_are_in_the_shipped_fonts(qapp) -> None:  # type: ignore[no-untyped-def]
    from ui.fonts import apply_app_font

    apply_app_font(qapp)
    metrics = [QFontMetrics(QFont(f, 12)) for f in ("WenQuanYi Micro Hei", "Droid Sans Fallback")]
    shown = "".join(SYMBOLS.values()) + "…—"  # and the cases list's "…", the tables' "—"
    glyphs = {ch for ch in shown if not ch.isspace()}
    missing = [ch for ch in sorted(glyphs) if not any(m.inFontUcs4(ord(ch)) for m in metrics)]
    assert missing == []


TODAY = date(2026, 9, 29)


@pytest.mark.parametrize(("text", "expected"), [
    ("20261201", date(2026, 12, 1)),
    ("2026-12-01", date(2026, 12, 1)),
    ("2026/12/1", date(2026, 12, 1)),
    ("2026.12.01", date(2026, 12, 1)),
    ("2026年12月1日", date(2026, 12, 1)),
    ("２０２６－１２－０１", date(2026, 12, 1)),  # full-width, from an IME
    (" 1988-09-01 ", date(1988, 9, 1)),
    ("1201", date(2026, 12, 1)),
    ("0915", date(2027, 9, 15)),  # already past this year: the next one
])
def test_dates_typed_in_one_go(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(("text", "reason"), [
    ("", "请输入日期"), ("9880901", "不是日期"), ("2026-13-01", "没有 2026-13-01"),
    ("20260230", "没有 2026-02-30"), ("明天", "不是日期"),
])
def test_what_is_no_date_says_why(text: str, reason: str) -> None:
    with pytest.raises(DateTextError, match=reason):
        parse_date(text, TODAY)
