"""The materials panel on its own (no teller window): Tab into the table lands on a
status, Enter opens the list of statuses numbered like the keys, a digit chooses in
it; a required material cannot be 无需提供 (the core's rule: only a situation answer
exempts it, and then the exemption is shown); the promised date exists only on 容缺
rows. Driven by keys; asserts what `decisions()` hands to the use case."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QVBoxLayout, QWidget

from counter_app.catalogue import default_catalogue
from counter_app.domain.application import MaterialDecision, MaterialStatus
from ui.panels.materials import DATE_COLUMN, STATUS_COLUMN, SYMBOLS, MaterialsPanel

TODAY = date(2026, 9, 29)
GRADUATE = "370100-YJS-05"  # 高校毕业生就业一件事: 灵活就业 exempts the labour contract
RETIREMENT = "370100-YJS-07"  # 职工退休一件事: the bank card may be 容缺


def _panel(qtbot, situations: dict[str, str], bundle: str = GRADUATE):  # type: ignore[no-untyped-def]
    catalogue = default_catalogue()
    items = catalogue.resolve_items(bundle, situations, [])
    materials = catalogue.materials_for(bundle, situations, items)
    host = QWidget()
    layout = QVBoxLayout(host)
    first = QLineEdit()  # the field before the table (the form's last one)
    layout.addWidget(first)
    panel = MaterialsPanel()
    layout.addWidget(panel)
    after = QLineEdit()
    layout.addWidget(after)
    qtbot.addWidget(host)
    panel.set_materials(materials, {m.code: date(2026, 10, 19) for m in materials}, TODAY)
    host.resize(1000, 600)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    return host, first, panel


def _focus():  # type: ignore[no-untyped-def]
    return QApplication.focusWidget()


def _row(panel: MaterialsPanel, code: str) -> int:
    return [m.code for m in panel.materials].index(code)


def _go_to(qtbot, panel: MaterialsPanel, code: str) -> None:  # type: ignore[no-untyped-def]
    while panel.table.currentIndex().row() < _row(panel, code):
        qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    while panel.table.currentIndex().row() > _row(panel, code):
        qtbot.keyClick(panel.table, Qt.Key.Key_Up)


def test_tab_reaches_the_status_and_a_digit_chooses_in_the_list(qtbot) -> None:  # type: ignore[no-untyped-def]
    _host, first, panel = _panel(qtbot, {"employment_way": "employer"})
    table, model = panel.table, panel.model
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    assert _focus() is table
    assert (table.currentIndex().row(), table.currentIndex().column()) == (0, STATUS_COLUMN)

    # Enter on a row that is not 容缺: the list of the statuses it may take, each
    # with its key
    _go_to(qtbot, panel, "labour_contract")
    qtbot.keyClick(table, Qt.Key.Key_Return)
    combo = _focus()
    assert isinstance(combo, QComboBox)
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert texts[0] == f"1 {SYMBOLS[MaterialStatus.RECEIVED]}"
    assert f"4 {SYMBOLS[MaterialStatus.NOT_NEEDED]}" not in texts  # required here
    assert texts[-1] == f"5 {SYMBOLS[MaterialStatus.MISSING]}"

    # 4 (无需提供) on a required material: refused with the core's reason, list open
    narrowest = panel.minimumSizeHint().width()
    qtbot.keyClick(combo, Qt.Key.Key_4)
    assert "必须提交的材料" in panel.message.text() and "不能选“无需提供”" in panel.message.text()
    # a long reason never widens the panel (the centre would scroll sideways)
    assert panel.minimumSizeHint().width() == narrowest
    assert _focus() is combo
    # 5 chooses 未提供 and closes the list
    qtbot.keyClick(combo, Qt.Key.Key_5)
    assert _focus() is table
    assert panel.decisions()["labour_contract"] == MaterialDecision(MaterialStatus.MISSING)
    assert model.text(_row(panel, "labour_contract"), STATUS_COLUMN) == \
        SYMBOLS[MaterialStatus.MISSING]

    # the digit straight on the table row does the same; 4 refused there too
    qtbot.keyClick(table, Qt.Key.Key_4)
    assert "不能选“无需提供”" in panel.message.text()
    assert panel.decisions()["labour_contract"].status is MaterialStatus.MISSING
    qtbot.keyClick(table, Qt.Key.Key_1)
    assert panel.decisions()["labour_contract"].status is MaterialStatus.RECEIVED
    assert panel.message.text() == ""


def test_promised_date_only_on_the_tolerated_row(qtbot) -> None:  # type: ignore[no-untyped-def]
    _host, first, panel = _panel(qtbot, {"retire_type": "special"}, RETIREMENT)
    table, model = panel.table, panel.model
    tolerable = [m.code for m in panel.materials if m.tolerable]
    assert tolerable, "the bundle has a material that may be 容缺"
    code = tolerable[0]
    rows = len(panel.materials)
    assert [model.text(r, DATE_COLUMN) for r in range(rows)] == [""] * rows
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    _go_to(qtbot, panel, code)
    qtbot.keyClick(table, Qt.Key.Key_Return)  # the list of statuses; 3 = 容缺
    qtbot.keyClick(_focus(), Qt.Key.Key_3)
    row = _row(panel, code)
    assert [bool(model.text(r, DATE_COLUMN)) for r in range(rows)] == \
        [r == row for r in range(rows)]
    # Enter now edits the date, typed in one go; past the latest: refused in Chinese
    qtbot.keyClick(table, Qt.Key.Key_Return)
    editor = _focus()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "20261215")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert "不能晚于 2026-10-19" in panel.message.text()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "2026-10-15")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert panel.decisions()[code] == MaterialDecision(MaterialStatus.TOLERATED,
                                                       date(2026, 10, 15))


@pytest.mark.parametrize("way", ["flexible"])
def test_an_exempted_material_says_why_and_may_be_not_needed(qtbot, way: str) -> None:  # type: ignore[no-untyped-def]
    _host, first, panel = _panel(qtbot, {"employment_way": way})
    table, model = panel.table, panel.model
    row = _row(panel, "labour_contract")
    assert panel.decisions()["labour_contract"].status is MaterialStatus.NOT_NEEDED
    assert model.text(row, 0).endswith("（免予提交）")
    tip = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert "免予提交：情形“就业方式：灵活就业”" in tip
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    _go_to(qtbot, panel, "labour_contract")
    qtbot.keyClick(table, Qt.Key.Key_1)  # brought anyway
    assert panel.decisions()["labour_contract"].status is MaterialStatus.RECEIVED
    qtbot.keyClick(table, Qt.Key.Key_4)
    assert panel.decisions()["labour_contract"].status is MaterialStatus.NOT_NEEDED
    assert panel.message.text() == ""
