"""The papers of a case after submit: open (preview), print, print again.
Printing runs in the background; the teller can call the next number meanwhile.

The dialog deletes itself when closed (one is opened per accepted case: kept alive
under its window, 300 accepts once cost 240 MB). A print still running when it
closes finishes; its outcome then goes nowhere."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from printing.spooler import PrintError, print_pdf
from ui.bridge.tasks import TaskRunner

TITLES = {
    "receipt": "受理通知书（回执）",
    "supplement": "一次性告知书",
    "tolerance": "容缺受理通知书及承诺书",
    "credit": "信用承诺书",
    "rejection": "不予受理通知书",
    "completion": "办结通知（业务办理确认单）",
}


class PapersDialog(QDialog):
    def __init__(
        self,
        case_no: str,
        summary: str,
        papers: dict[str, Path],
        runner: TaskRunner,
        printer: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"文书 · {case_no}")
        self.runner, self.printer, self.papers = runner, printer, papers
        layout = QVBoxLayout(self)
        head = QLabel(summary)
        head.setWordWrap(True)
        layout.addWidget(head)
        for n, (doc, path) in enumerate(papers.items(), start=1):
            row = QHBoxLayout()
            row.addWidget(QLabel(f"{n}. {TITLES.get(doc, doc)}"), 1)
            view = QPushButton("查看")
            view.clicked.connect(lambda _c=False, p=path: self.open(p))
            prt = QPushButton(f"打印 Alt+{n}")
            prt.clicked.connect(lambda _c=False, p=path: self.print(p))
            QShortcut(QKeySequence(f"Alt+{n}"), self, activated=lambda p=path: self.print(p))
            row.addWidget(view)
            row.addWidget(prt)
            layout.addLayout(row)
        self.status = QLabel("")
        layout.addWidget(self.status)
        bottom = QHBoxLayout()
        all_button = QPushButton("全部打印 Ctrl+P")
        all_button.clicked.connect(self.print_all)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.print_all)
        close = QPushButton("关闭 Esc")
        close.clicked.connect(self.accept)
        bottom.addWidget(all_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)

    def open(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def print(self, path: Path) -> None:
        self.status.setText(f"正在打印 {path.name} …")
        self.runner.run(
            lambda: print_pdf(path, self.printer),
            lambda msg: self._say(str(msg)),
            self._failed,
        )

    def print_all(self) -> None:
        for path in self.papers.values():
            self.print(path)

    def _failed(self, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, PrintError) else f"打印失败：{exc}"
        self._say(text + "（文书已保存，可稍后重打）")

    def _say(self, text: str) -> None:
        if shiboken6.isValid(self.status):  # the dialog may be closed (deleted) by now
            self.status.setText(text)
