"""The search box by keys: results close on Esc and when the box is left, Enter
opens them again and then chooses; a bundle says what it holds ("一件事 · 含 N 项"),
not "打包 1 项起"; 住房公积金提取 is tagged with its own board, not [社会保险]."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from counter_app.catalogue import default_catalogue
from counter_app.domain.catalogue import BOARDS
from ui.panels.search import SearchBox, bundle_size


def commit_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Chinese typed through the input method (QTest types ASCII only)."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _box(qtbot):  # type: ignore[no-untyped-def]
    host = QWidget()
    layout = QVBoxLayout(host)
    box = SearchBox(default_catalogue())
    layout.addWidget(box)
    after = QLineEdit()  # the next field (the form)
    layout.addWidget(after)
    qtbot.addWidget(host)
    host.resize(900, 400)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    box.edit.setFocus()
    qtbot.waitUntil(box.edit.hasFocus)
    return host, box, after


def _rows(box: SearchBox) -> list[str]:
    return [box.results.item(i).text() for i in range(box.results.count())]


def test_results_close_on_esc_and_when_the_box_is_left(qtbot) -> None:  # type: ignore[no-untyped-def]
    _host, box, after = _box(qtbot)
    qtbot.keyClicks(box.edit, "zgtx")
    assert box.results.isVisible()
    first = _rows(box)[0]
    assert first.startswith("▸ 职工退休一件事　一件事 · 含 ")
    assert "打包" not in first and "项起" not in first

    qtbot.keyClick(box.edit, Qt.Key.Key_Escape)
    assert not box.results.isVisible()
    assert box.edit.hasFocus() and box.edit.text() == "zgtx"

    chosen = []
    box.chosen.connect(chosen.append)
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)  # closed: Enter shows them again
    assert box.results.isVisible() and chosen == []
    qtbot.keyClick(box.edit, Qt.Key.Key_Down)
    qtbot.keyClick(box.edit, Qt.Key.Key_Up)
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert [(h.kind, h.name) for h in chosen] == [("bundle", "职工退休一件事")]

    # leaving the box by Tab closes them
    qtbot.keyClick(box.edit, Qt.Key.Key_Tab)
    assert after.hasFocus()
    assert not box.results.isVisible()
    # back into the box: they show again, as typed
    qtbot.keyClick(after, Qt.Key.Key_Backtab)
    assert box.edit.hasFocus() and box.results.isVisible()

    # a click on a result keeps the box's focus (and the results) and moves the cursor
    qtbot.keyClick(box.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(box.edit, "tx")  # 退休…: several
    assert box.results.count() > 1
    rect = box.results.visualItemRect(box.results.item(1))
    qtbot.mouseClick(box.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert box.edit.hasFocus() and box.results.isVisible()
    assert box.results.currentRow() == 1


def test_housing_fund_is_not_social_insurance(qtbot) -> None:  # type: ignore[no-untyped-def]
    _host, box, _after = _box(qtbot)
    commit_text(box.edit, "公积金")
    rows = [r for r in _rows(box) if "住房公积金提取" in r]
    assert rows, _rows(box)
    assert all("[住房公积金]" in r and "[社会保险]" not in r for r in rows)
    assert "住房公积金" in BOARDS
    catalogue = default_catalogue()
    # every item of the 公积金 agency carries that board; no other board holds one
    for item in catalogue.items.values():
        assert (item.unit.code == "GJJ") == (item.board == "住房公积金"), item.name


def test_bundle_size_wording() -> None:
    catalogue = default_catalogue()
    for bundle in catalogue.bundles.values():
        text = bundle_size(bundle)
        assert text.startswith(f"一件事 · 含 {len(bundle.mandatory)} 项")
    retirement = catalogue.bundles["370100-YJS-07"]
    assert "按情形最多" in bundle_size(retirement)
