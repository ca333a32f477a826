"""The kiosk at 1920×1080, looked at: nothing cut, no empty boxes for glyphs, and red
only for problems (a printer fault), never for "等候 0 人" or the citizen's number.

Screenshots go to $COUNTER_TEST_SHOTS when set (else the test's tmp folder)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from counter_app.config import Settings
from counter_app.runtime import open_runtime
from counter_app.services import queue as q
from counter_app.usecases.queue import hall_snapshot
from ui.context import AppContext
from ui.fonts import apply_app_font
from ui.windows.kiosk import KioskWindow

SHOTS = os.environ.get("COUNTER_TEST_SHOTS")  # COUNTER_* others are dropped by conftest
RED = QColor("#c62828")


def _shot(widget, name: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    image = widget.grab()
    assert image.save(str(folder / name))
    return image.toImage()


def _is_red(colour: QColor) -> bool:
    return colour.red() > 150 and colour.green() < 90 and colour.blue() < 90


def _red_share(image, rect: QRect) -> float:  # type: ignore[no-untyped-def]
    red = total = 0
    for y in range(rect.top(), rect.bottom(), 3):
        for x in range(rect.left(), rect.right(), 3):
            total += 1
            red += _is_red(image.pixelColor(x, y))
    return red / max(total, 1)


def _texts_whole(root: QWidget) -> list[str]:
    """Texts of visible labels and buttons that do not fit their box (cut)."""
    cut = []
    for w in root.findChildren(QWidget):
        if not w.isVisible() or not isinstance(w, QLabel | QAbstractButton):
            continue
        text = re.sub(r"<[^>]+>", "", w.text()).replace("&nbsp;", " ")
        if not text.strip() or (isinstance(w, QLabel) and w.wordWrap()):
            continue
        m = QFontMetrics(w.font())
        if m.horizontalAdvance(text) > w.contentsRect().width() + 2:
            cut.append(text)
        top_left = w.mapTo(root, w.rect().topLeft())
        if not QRect(0, 0, root.width(), root.height()).contains(QRect(top_left, w.size())):
            cut.append(f"off screen: {text}")
    return cut


def _no_tofu(root: QWidget) -> list[str]:
    """Characters of visible texts that no font in the label's family list has."""
    missing = []
    for w in root.findChildren(QLabel) + root.findChildren(QAbstractButton):
        if not w.isVisible():
            continue
        m = QFontMetrics(w.font())
        text = re.sub(r"<[^>]+>", "", w.text()).replace("&nbsp;", " ")
        missing += [ch for ch in text if not ch.isspace() and not m.inFontUcs4(ord(ch))]
    return missing


@pytest.fixture
def kiosk_hall(qtbot, qapp, tmp_path, clock, request):  # type: ignore[no-untyped-def]
    apply_app_font(qapp)
    size = getattr(request, "param", (1920, 1080))
    url = f"sqlite:///{tmp_path / 'hall.sqlite3'}"
    rt = open_runtime(url, Settings.of(db_url=url, slip_printer=f"file:{tmp_path / 'slips.bin'}"),
                      clock=clock)
    hall = q.Hall.of(rt.settings, clock)
    with rt.uow() as s:
        for prefix in "AABBB":  # C, D, E: nobody waits
            q.take(s, hall, prefix)
    snap = hall_snapshot(rt)
    window = KioskWindow(AppContext(rt), watch=False, spool_dir=tmp_path / "spool")
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.show_counts(snap)
    assert (window.width(), window.height()) == size
    yield rt, window
    window.close()
    rt.close()


def test_the_choice_page_has_no_alarm_and_nothing_cut(qtbot, kiosk_hall, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _rt, w = kiosk_hall
    qtbot.wait(50)
    image = _shot(w, "kiosk-1920x1080.png", tmp_path)
    for prefix, button in w.category_buttons.items():
        top_left = button.mapTo(w, button.rect().topLeft())
        share = _red_share(image, QRect(top_left, button.size()))
        assert share < 0.001, f"{prefix}: red on a category button ({share:.2%})"
    waiting = {p: re.sub(r"<[^>]+>", "", b.waiting.text()) for p, b in w.category_buttons.items()}
    assert waiting == {"A": "等候 2 人", "B": "等候 3 人", "C": "当前无人等候",
                       "D": "当前无人等候", "E": "当前无人等候"}
    assert "#c62828" not in "".join(b.waiting.text() for b in w.category_buttons.values())
    assert _texts_whole(w) == []
    assert _no_tofu(w) == []


def test_the_number_page_is_calm_when_the_slip_prints(qtbot, kiosk_hall, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _rt, w = kiosk_hall
    qtbot.mouseClick(w.category_buttons["B"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.pages.currentIndex() == 1, timeout=5_000)
    qtbot.waitUntil(lambda: w.last_printed is not None, timeout=10_000)
    assert w.last_printed.ok
    qtbot.wait(50)
    image = _shot(w, "kiosk-number-1920x1080.png", tmp_path)
    assert _red_share(image, QRect(0, 0, w.width(), w.height())) < 0.001
    assert w.number.text() == "B004"
    assert _texts_whole(w) == [] and _no_tofu(w) == []


def test_a_printer_fault_is_the_one_thing_in_red(qtbot, qapp, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    apply_app_font(qapp)
    url = f"sqlite:///{tmp_path / 'hall.sqlite3'}"
    rt = open_runtime(url, Settings.of(db_url=url), clock=clock)
    w = KioskWindow(AppContext(rt), printer="tcp:127.0.0.1:9", watch=False,
                    spool_dir=tmp_path / "spool")
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.staff_alert.isVisible(), timeout=15_000)
    qtbot.wait(50)
    image = _shot(w, "kiosk-printer-fault-1920x1080.png", tmp_path)
    alert = QRect(w.staff_alert.mapTo(w, w.staff_alert.rect().topLeft()), w.staff_alert.size())
    assert _red_share(image, alert) > 0.3  # the staff alert is red …
    outside = _red_share(image, QRect(0, alert.bottom() + 40, w.width(),
                                      w.height() - alert.bottom() - 40))
    assert outside < 0.001  # … and nothing else is
    assert _texts_whole(w) == [] and _no_tofu(w) == []
    w.close()
    rt.close()


@pytest.mark.parametrize("kiosk_hall", [(1366, 768)], indirect=True)
def test_the_kiosk_is_whole_on_a_small_screen(qtbot, kiosk_hall, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _rt, w = kiosk_hall
    qtbot.wait(50)
    _shot(w, "kiosk-1366x768.png", tmp_path)
    assert w.minimumSizeHint().width() <= 1366 and w.minimumSizeHint().height() <= 768
    assert _texts_whole(w) == [] and _no_tofu(w) == []


def test_no_printer_here_is_a_note_not_an_alarm(qtbot, qapp, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    apply_app_font(qapp)
    url = f"sqlite:///{tmp_path / 'hall.sqlite3'}"
    rt = open_runtime(url, Settings.of(db_url=url, slip_printer=""), clock=clock)
    w = KioskWindow(AppContext(rt), watch=False, spool_dir=tmp_path / "spool")
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    qtbot.waitExposed(w)
    qtbot.mouseClick(w.category_buttons["A"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.pages.currentIndex() == 1, timeout=5_000)
    assert "请记住您的号码" in w.print_state.text()
    assert w.print_state.property("state") == "note"
    qtbot.wait(50)
    image = _shot(w, "kiosk-number-no-printer-1920x1080.png", tmp_path)
    assert _red_share(image, QRect(0, 0, w.width(), w.height())) < 0.001
    w.close()
    rt.close()
