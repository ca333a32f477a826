"""A paper shown inside the application (QtPdf): no system PDF viewer is needed, the
teller reads what will be printed, pages with PgUp/PgDn, zooms with Ctrl+±.

QPdfDocument parses the file on the GUI thread: the counter's papers are a few
pages, tens of kilobytes, measured well under the frame time; the pages are drawn
by QPdfView's own renderer.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.style import BAD, MUTED

_ERRORS = {
    QPdfDocument.Error.FileNotFound: "文书文件不存在（可能已被清理），请重新生成",
    QPdfDocument.Error.InvalidFileFormat: "文书文件已损坏，请重新生成",
    QPdfDocument.Error.IncorrectPassword: "文书文件受密码保护，无法显示",
    QPdfDocument.Error.UnsupportedSecurityScheme: "文书文件的加密方式不受支持",
    QPdfDocument.Error.DataNotYetAvailable: "文书文件尚未写完，请稍候再看",
}


class PdfPreview(QWidget):
    """One PDF at a time: `show_file(path)`; `document.status()` / `page_count`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.view.setStyleSheet("QPdfView { background: #9aa3ad; }")
        self.title = QLabel("")
        self.title.setStyleSheet("font-weight: bold;")
        self.pages = QLabel("")
        self.pages.setStyleSheet(f"color: {MUTED};")
        self.error = QLabel("")
        self.error.setStyleSheet(f"color: {BAD};")
        self.error.setWordWrap(True)
        self.error.hide()
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title, 1)
        head.addWidget(self.pages)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.error)
        layout.addWidget(self.view, 1)
        self.view.pageNavigator().currentPageChanged.connect(self._show_page)
        # PgUp/PgDn and the arrows scroll the view by themselves; zoom by keys too
        for keys, slot in ((("Ctrl++", "Ctrl+="), lambda: self._zoom(1.25)),
                           (("Ctrl+-",), lambda: self._zoom(0.8)),
                           (("Ctrl+0",), self.fit_width)):
            for key in keys:
                QShortcut(QKeySequence(key), self, activated=slot,
                          context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    @property
    def ready(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready

    def show_file(self, path: Path, title: str = "") -> bool:
        """Load and show `path`; False (with a Chinese message shown) when it cannot."""
        self.path = Path(path)
        self.title.setText(title or self.path.name)
        self.document.close()
        error = self.document.load(str(self.path))
        if error != QPdfDocument.Error.None_ or not self.ready:
            self.error.setText(_ERRORS.get(error, "无法显示该文书，可直接打印或重新生成"))
            self.error.show()
            self.pages.setText("")
            return False
        self.error.hide()
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.pageNavigator().jump(0, self.view.pageNavigator().currentLocation())
        self._show_page(0)
        return True

    def clear(self) -> None:
        self.document.close()
        self.path = None
        self.title.setText("")
        self.pages.setText("")

    def _show_page(self, page: int) -> None:
        count = self.page_count
        self.pages.setText(f"第 {page + 1}/{count} 页　PgUp/PgDn 翻页　Ctrl+＋/－ 缩放"
                           if count else "")

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def _zoom(self, factor: float) -> None:
        current = self.view.zoomFactor()
        if self.view.zoomMode() != QPdfView.ZoomMode.Custom:
            # FitToWidth's factor is not reported; start from the page's fitted width
            current = max(0.3, self.view.viewport().width() / 620)
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(4.0, max(0.3, current * factor)))
