"""The papers of a case: shown inside the application (QtPdf preview, no system
viewer needed), printed and printed again. Printing runs in the background; the
teller can call the next number meanwhile.

Keys: 1…9 show paper n, Alt+1…9 print paper n, Ctrl+Enter prints the paper shown,
Ctrl+P prints them all, Esc closes. F1–F12 go on to the window behind (F8 请评价
works while the papers are open).

The dialog deletes itself when closed (one is opened per accepted case: kept alive
under its window, 300 accepts once cost 240 MB). A print still running when it
closes finishes; its outcome then goes nowhere."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.case import PaperKind
from printing.spooler import PrintError, print_pdf
from ui.bridge.tasks import TaskRunner
from ui.panels.pdf_preview import PdfPreview
from ui.style import BAD, OK

#: The papers' names as the core names them (PaperKind), by their keys.
TITLES = {kind.value: kind.label for kind in PaperKind}

#: Where an administrator sets the printers (the settings dialog, ui/windows/settings_dialog).
PRINTER_SETTINGS_HINT = ("请管理员在“设置”→“打印机”中设置 A4 文书打印机"
                         "（系统打印队列，或 folder:目录 保存为文件）")

FUNCTION_KEYS = {getattr(Qt.Key, f"Key_F{n}") for n in range(1, 13)}


def forward_function_key(widget: QWidget, event: QKeyEvent) -> bool:
    """F1–F12 pressed in a dialog: run the window behind's shortcut for it (the
    teller's F1 叫号 … F8 请评价 work while a dialog has the focus). True if handled."""
    if event.key() not in FUNCTION_KEYS:
        return False
    owner = widget.parentWidget()
    window = owner.window() if owner is not None else None
    if window is None:
        return False
    pressed = QKeySequence(event.keyCombination())
    for shortcut in window.findChildren(QShortcut):
        if shortcut.isEnabled() and shortcut.key().matches(pressed) == \
                QKeySequence.SequenceMatch.ExactMatch:
            shortcut.activated.emit()
            return True
    for action in window.actions():
        if action.isEnabled() and any(k.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
                                      for k in action.shortcuts()):
            action.trigger()
            return True
    return False


def printer_message(exc: BaseException, printer: str) -> str:
    """A failed print said in Chinese, pointing to where a printer is set."""
    text = str(exc) if isinstance(exc, PrintError) else f"打印失败：{exc}"
    text = text.replace("，请在设置中选择打印机或另存 PDF", "")
    if not printer:
        text += "。尚未设置 A4 文书打印机：" + PRINTER_SETTINGS_HINT
    return text + "。文书已保存，可稍后重打"


class PapersDialog(QDialog):
    def __init__(
        self,
        case_no: str,
        summary: str,
        papers: dict[str, Path],
        runner: TaskRunner,
        printer: str = "",
        parent: QWidget | None = None,
        *,
        show_first: str | None = None,  # the paper to show at once (default: the first)
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"文书 · {case_no}")
        self.case_no = case_no
        self.runner, self.printer, self.papers = runner, printer, papers
        self.printed: dict[str, str] = {}  # doc → time last printed
        self.print_buttons: dict[str, QPushButton] = {}
        self.shown: str | None = None

        layout = QVBoxLayout(self)
        self.head = QLabel(summary)
        self.head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.head)
        body = QHBoxLayout()
        layout.addLayout(body, 1)

        side = QVBoxLayout()
        grid = QGridLayout()
        grid.setColumnStretch(0, 1)
        self.view_buttons: dict[str, QPushButton] = {}
        for n, doc in enumerate(papers, start=1):
            name = QLabel(f"{n}. {TITLES.get(doc, doc)}")
            view = QPushButton(f"查看 {n}" if n < 10 else "查看")
            view.setToolTip(f"在右侧显示（按 {n}）" if n < 10 else "在右侧显示")
            view.clicked.connect(lambda _c=False, d=doc: self.show_paper(d))
            prt = QPushButton(f"打印 Alt+{n}" if n < 10 else "打印")
            prt.clicked.connect(lambda _c=False, d=doc: self.print(d))
            if n < 10:
                QShortcut(QKeySequence(f"Alt+{n}"), self, activated=lambda d=doc: self.print(d))
                QShortcut(QKeySequence(str(n)), self, activated=lambda d=doc: self.show_paper(d))
            name.setWordWrap(True)  # its own line: a long title is never cut
            grid.addWidget(name, 2 * (n - 1), 0, 1, 3)
            grid.addWidget(view, 2 * (n - 1) + 1, 1)
            grid.addWidget(prt, 2 * (n - 1) + 1, 2)
            self.view_buttons[doc] = view
            self.print_buttons[doc] = prt
        side.addLayout(grid)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        side.addWidget(line)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        side.addWidget(self.status)
        side.addStretch(1)
        self.print_shown_button = QPushButton("打印此文书 Ctrl+Enter")
        self.print_shown_button.clicked.connect(self.print_shown)
        all_button = QPushButton("全部打印 Ctrl+P")
        all_button.clicked.connect(self.print_all)
        close = QPushButton("关闭 Esc")
        close.clicked.connect(self.accept)
        for b in (self.print_shown_button, all_button, close):
            side.addWidget(b)
        for key, slot in (("Ctrl+P", self.print_all), ("Ctrl+Return", self.print_shown),
                          ("Ctrl+Enter", self.print_shown)):
            QShortcut(QKeySequence(key), self, activated=slot)
        side_box = QWidget()
        side_box.setLayout(side)
        side_box.setFixedWidth(330)
        body.addWidget(side_box)
        self.preview = PdfPreview(self)
        body.addWidget(self.preview, 1)
        self._fit_to_screen()
        self._fit_summary()
        first = show_first if show_first in papers else next(iter(papers), None)
        if first is not None:
            self.show_paper(first)
        else:
            self.status.setText("没有可显示的文书")

    # -- layout ----------------------------------------------------------------------
    def _fit_to_screen(self) -> None:
        screen = (self.parentWidget().screen() if self.parentWidget() is not None
                  else QGuiApplication.primaryScreen())
        area = screen.availableGeometry() if screen is not None else None
        width, height = 1100, 760
        if area is not None:
            width = min(width, area.width() - 40)
            height = min(height, area.height() - 50)  # the title bar too
        self.resize(width, height)

    def _fit_summary(self) -> None:
        """The summary in whole lines: no wrap inside a word ("综合反/馈") unless a
        line is wider than the dialog."""
        metrics = self.head.fontMetrics()
        widest = max((metrics.horizontalAdvance(line) for line in self.head.text().splitlines()),
                     default=0)
        self.head.setWordWrap(widest > self.width() - 40)

    # -- preview -----------------------------------------------------------------------
    def show_paper(self, doc: str) -> None:
        path = self.papers.get(doc)
        if path is None:
            return
        self.shown = doc
        self.preview.show_file(path, TITLES.get(doc, doc))
        for other, button in self.view_buttons.items():
            button.setStyleSheet("font-weight: bold;" if other == doc else "")
        self.preview.view.setFocus()

    # -- printing ----------------------------------------------------------------------
    def print_shown(self) -> None:
        if self.shown is not None:
            self.print(self.shown)

    def print(self, doc: str | Path) -> None:
        """Print one paper (by its kind, or a path of this dialog's papers)."""
        if isinstance(doc, Path):
            doc = next((d for d, p in self.papers.items() if p == doc), "")
        path = self.papers.get(doc)
        if path is None:
            return
        again = "重打" if doc in self.printed else "打印"
        self._say(f"正在{again}“{TITLES.get(doc, doc)}”…")
        printer = self.printer
        self.runner.run(
            lambda: print_pdf(path, printer),
            lambda msg, d=doc: self._printed(d, str(msg)),
            self._failed,
        )

    def print_all(self) -> None:
        for doc in self.papers:
            self.print(doc)

    def _printed(self, doc: str, message: str) -> None:
        if not shiboken6.isValid(self.status):  # the dialog may be closed (deleted) by now
            return
        self.printed[doc] = datetime.now().strftime("%H:%M")
        button = self.print_buttons.get(doc)
        if button is not None:
            n = list(self.papers).index(doc) + 1
            button.setText(f"重打 Alt+{n}" if n < 10 else "重打")
        self._say(f"“{TITLES.get(doc, doc)}”已打印（{self.printed[doc]}）：{message}")

    def _failed(self, exc: BaseException) -> None:
        self._say(printer_message(exc, self.printer), bad=True)

    def _say(self, text: str, bad: bool = False) -> None:
        if shiboken6.isValid(self.status):
            self.status.setStyleSheet(f"color: {BAD if bad else OK};")
            self.status.setText(text)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().showEvent(event)
        self.activateWindow()  # Ctrl+P, 1…9 and Esc reach the papers at once

    # -- keys ----------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if forward_function_key(self, event):
            return
        super().keyPressEvent(event)
