"""Papers shown inside the application (QtPdf), printed and printed again by keys;
with no printer set the message points to the settings dialog; F-keys reach the
window behind the dialog."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QMainWindow

from counter_app.config import Settings
from counter_app.runtime import open_runtime
from tests.ui.detail_support import accept, retirement
from ui.bridge.tasks import TaskRunner
from ui.panels.papers import PapersDialog
from ui.windows.case_detail import CaseDetailDialog


def shown(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    """Show a dialog and wait until it is the active window (its shortcuts work)."""
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()


@pytest.fixture
def rt(tmp_path: Path, clock):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    settings = Settings.of(db_url=url, papers_dir=str(tmp_path / "papers"), window_no="3")
    runtime = open_runtime(url, settings, clock=clock)
    yield runtime
    runtime.close()


@pytest.fixture
def submitted(rt, clock, teller_user_factory):  # type: ignore[no-untyped-def]
    """A case accepted with a 容缺 material: receipt, 容缺 notice, credit promise."""
    teller = teller_user_factory(rt, clock)
    done = accept(rt, teller, retirement(rt, tolerated={"bank_card": date(2026, 10, 9)}),
                  write_papers=True)
    assert "receipt" in done.papers and "tolerance" in done.papers
    return teller, done


def test_preview_loads_the_receipt_made_by_the_use_case(  # type: ignore[no-untyped-def]
    qtbot, submitted
) -> None:
    _teller, done = submitted
    runner = TaskRunner()
    dialog = PapersDialog(done.result.case_no, "已受理", done.papers, runner)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    preview = dialog.preview
    assert preview.path == done.papers["receipt"]  # the first paper, shown at once
    assert preview.document.status() == QPdfDocument.Status.Ready
    assert preview.page_count > 0
    assert "第 1/" in preview.pages.text()

    # the digit of a paper shows it
    number = list(done.papers).index("tolerance") + 1
    qtbot.keyClick(dialog, getattr(Qt.Key, f"Key_{number}"))
    assert preview.path == done.papers["tolerance"]
    assert preview.ready and preview.page_count > 0


def test_print_then_reprint_to_a_folder(qtbot, tmp_path: Path, submitted) -> None:  # type: ignore[no-untyped-def]
    _teller, done = submitted
    out = tmp_path / "printed"
    runner = TaskRunner()
    dialog = PapersDialog(done.result.case_no, "已受理", done.papers, runner,
                          f"folder:{out}")
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: (out / "receipt.pdf").exists(), timeout=10_000)
    qtbot.waitUntil(lambda: "已打印" in dialog.status.text(), timeout=10_000)
    assert dialog.print_buttons["receipt"].text() == "重打 Alt+1"
    (out / "receipt.pdf").unlink()
    # Ctrl+Enter prints the paper shown (the receipt) again
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: (out / "receipt.pdf").exists(), timeout=10_000)
    runner.wait_idle()


def test_no_printer_points_to_the_settings(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, monkeypatch, submitted
) -> None:
    """No printer set and no print service: the message says where to set one."""
    _teller, done = submitted
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))  # no `lp` on this machine
    runner = TaskRunner()
    dialog = PapersDialog(done.result.case_no, "已受理", done.papers, runner, "")
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "设置" in dialog.status.text(), timeout=10_000)
    text = dialog.status.text()
    assert "“设置”→“打印机”" in text and "A4 文书打印机" in text and "可稍后重打" in text
    runner.wait_idle()


def test_function_keys_reach_the_window_behind(qtbot, submitted) -> None:  # type: ignore[no-untyped-def]
    _teller, done = submitted
    window = QMainWindow()
    qtbot.addWidget(window)
    asked: list[str] = []
    QShortcut(QKeySequence("F8"), window, activated=lambda: asked.append("F8"))
    runner = TaskRunner()
    dialog = PapersDialog(done.result.case_no, "已受理", done.papers, runner, "", window)
    shown(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_F8)
    assert asked == ["F8"]


def test_case_detail_opens_the_papers_in_the_preview(  # type: ignore[no-untyped-def]
    qtbot, rt, submitted, app_context
) -> None:
    teller, done = submitted
    ctx = app_context(rt, teller)
    dialog = CaseDetailDialog(ctx, ctx.runner, done.result.case_no)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=10_000)
    assert "receipt" in dialog.detail.papers
    qtbot.keyClick(dialog, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)  # the 文书 tab
    assert dialog.tabs.currentIndex() == 2
    qtbot.keyClick(dialog.paper_list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.papers_dialog is not None, timeout=10_000)
    preview = dialog.papers_dialog.preview
    assert preview.ready and preview.page_count > 0
    assert preview.path is not None and preview.path.name == "receipt.pdf"
    ctx.runner.wait_idle()
