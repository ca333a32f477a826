"""Small charts drawn with QPainter (PySide6-Essentials has no QtCharts): a bar
chart with one or two series, a line chart, and a headline tile. Enough for a
supervisor to read the shift at a glance; the numbers are in the tables on demand.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui.style import ACCENT, BAD, MUTED

SECOND = "#90b4dd"
GRID = "#e5e7eb"
INK = "#1f2937"


class _Chart(QWidget):
    colours: tuple[str, ...] = (ACCENT, SECOND)

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.labels: list[str] = []
        self.setMinimumSize(280, 190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(420, 240)

    legend: tuple[str, ...] = ()

    def _frame(self, painter: QPainter) -> QRectF:
        """Background, title and legend; returns the plot rectangle."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor("#d0d4da")))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(QColor(INK))
        painter.drawText(QRectF(10, 6, self.width() - 20, 22),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        title_w = painter.fontMetrics().horizontalAdvance(self.title)
        painter.setFont(self.font())
        fm = painter.fontMetrics()
        legend_w = sum(fm.horizontalAdvance(n) + 26 for n in self.legend)
        top = 34
        legend_y = 6.0
        if self.legend and 10 + title_w + 16 + legend_w > self.width() - 10:
            legend_y, top = 28.0, 54  # no room beside the title: a row of its own
        _legend(painter, self.width(), self.legend, self.colours, legend_y)
        self._plan = self._label_plan(fm, self.width() - 50)
        lines = self._plan[0]
        return QRectF(38, top, self.width() - 50, self.height() - top - lines * fm.height() - 12)

    def _label_plan(self, fm, width: float) -> tuple[int, int]:  # type: ignore[no-untyped-def]
        """(lines per label, every how many labels to draw): every label on one line
        when they fit, else on two lines (a few categories: each one is named), else
        every n-th label (many categories: hours, windows)."""
        n = max(1, len(self.labels))
        slot = width / n
        widths = [fm.horizontalAdvance(s) for s in self.labels]
        if max(widths, default=0) + 6 <= slot:
            return 1, 1
        if n <= 12 and all(fm.horizontalAdvance(part) + 6 <= slot
                           for text in self.labels for part in _halves(text)):
            return 2, 1  # the labels that do not fit take two lines
        step = 1
        while max(widths, default=0) + 6 > slot * step and step < n:
            step += 1  # skip labels that would collide
        return 1, step

    def _axis(self, painter: QPainter, plot: QRectF, peak: float, *,
              integer: bool = True, fixed_top: float | None = None) -> float:
        """Horizontal grid of four round steps, with room for the value label above
        the tallest bar (unless `fixed_top`); returns the scale top."""
        if fixed_top is not None:
            top = fixed_top
        else:
            room = plot.height() / max(1.0, plot.height() - painter.fontMetrics().height() - 2)
            step = _nice(peak * room / 4)
            if integer:  # counts: whole-number steps only
                step = max(1.0, float(math.ceil(step)) if step < 10 else step)
                step = next((m for m in (1, 2, 3, 4, 5, 6, 8, 10) if m >= step), step)
            top = 4 * step
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.8))
        painter.setFont(small)
        for i in range(5):
            v = top * i / 4
            y = plot.bottom() - plot.height() * i / 4
            painter.setPen(QPen(QColor(GRID)))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor(MUTED))
            painter.drawText(QRectF(0, y - 8, plot.left() - 4, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             _num(v))
        painter.setFont(self.font())
        return top

    def _labels(self, painter: QPainter, plot: QRectF) -> None:
        n = max(1, len(self.labels))
        slot = plot.width() / n
        fm = painter.fontMetrics()
        lines, step = getattr(self, "_plan", (1, 1))
        painter.setPen(QColor(INK))
        for i, text in enumerate(self.labels):
            if i % step:
                continue
            fits = fm.horizontalAdvance(text) + 6 <= slot
            shown = text if lines == 1 or fits else "\n".join(_halves(text))
            painter.drawText(QRectF(plot.left() + i * slot - slot, plot.bottom() + 4, slot * 3,
                                    fm.height() * lines), Qt.AlignmentFlag.AlignHCenter, shown)


def _halves(text: str) -> tuple[str, ...]:
    """A label cut in two lines of about equal width (Chinese breaks anywhere)."""
    if len(text) < 2:
        return (text,)
    cut = (len(text) + 1) // 2
    return (text[:cut], text[cut:])


class BarChart(_Chart):
    """Bars per category; an optional second series beside the first."""

    colours = (ACCENT, SECOND)

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.values: list[float] = []
        self.second: list[float] = []
        self.highlight: set[int] = set()
        self.fixed_top: float | None = None

    def set_data(self, labels: Sequence[str], values: Sequence[float],
                 second: Sequence[float] = (), legend: Sequence[str] = (),
                 highlight: Sequence[int] = (), fixed_top: float | None = None) -> None:
        self.labels, self.values, self.second = list(labels), list(values), list(second)
        self.legend, self.highlight = tuple(legend), set(highlight)
        self.fixed_top = fixed_top
        self.update()

    def paintEvent(self, _event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        painter = QPainter(self)
        plot = self._frame(painter)
        if not self.values:
            painter.setPen(QColor(MUTED))
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "暂无数据")
            return
        top = self._axis(painter, plot, max([*self.values, *self.second, 1]),
                         fixed_top=self.fixed_top)
        n = len(self.values)
        slot = plot.width() / n
        pair = bool(self.second)
        bar = slot * (0.36 if pair else 0.58)
        fm = painter.fontMetrics()
        for i, v in enumerate(self.values):
            x0 = plot.left() + i * slot + (slot - bar * (2 if pair else 1)) / 2
            series = [(v, BAD if i in self.highlight else ACCENT)]
            if pair:
                series.append((self.second[i] if i < len(self.second) else 0, SECOND))
            for j, (value, colour) in enumerate(series):
                h = plot.height() * value / top
                rect = QRectF(x0 + j * bar, plot.bottom() - h, bar - 1, h)
                painter.fillRect(rect, QColor(colour))
                if value and bar >= fm.horizontalAdvance(_num(value)) - 4:
                    inside = rect.top() - fm.height() - 1 < plot.top()
                    y = rect.top() + 1 if inside else rect.top() - fm.height() - 1
                    painter.setPen(QColor("white" if inside else INK))
                    painter.drawText(QRectF(rect.left() - 10, y, rect.width() + 20, fm.height()),
                                     Qt.AlignmentFlag.AlignHCenter, _num(value))
        self._labels(painter, plot)


class LineChart(_Chart):
    """A line per series over the categories (e.g. minutes waited by hour)."""

    colours = (ACCENT, BAD)

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.series: list[list[float | None]] = []

    def set_data(self, labels: Sequence[str], *series: Sequence[float | None],
                 legend: Sequence[str] = ()) -> None:
        self.labels = list(labels)
        self.series = [list(s) for s in series]
        self.legend = tuple(legend)
        self.update()

    def paintEvent(self, _event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        painter = QPainter(self)
        plot = self._frame(painter)
        values = [v for s in self.series for v in s if v is not None]
        if not values:
            painter.setPen(QColor(MUTED))
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "暂无数据")
            return
        top = self._axis(painter, plot, max(values), integer=False)
        n = max(1, len(self.labels))
        slot = plot.width() / n
        for colour, s in zip((ACCENT, BAD), self.series, strict=False):
            path = QPainterPath()
            started = False
            points = []
            for i, v in enumerate(s):
                if v is None:
                    started = False
                    continue
                p = QPointF(plot.left() + (i + 0.5) * slot, plot.bottom() - plot.height() * v / top)
                points.append(p)
                if started:
                    path.lineTo(p)
                else:
                    path.moveTo(p)
                    started = True
            painter.setPen(QPen(QColor(colour), 2))
            painter.drawPath(path)
            painter.setBrush(QColor(colour))
            for p in points:
                painter.drawEllipse(p, 3, 3)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        self._labels(painter, plot)


def _legend(painter: QPainter, width: int, names: Sequence[str], colours: Sequence[str],
            y: float = 6.0) -> None:
    fm = painter.fontMetrics()
    x = width - 10
    for name, colour in reversed(list(zip(names, colours, strict=False))):
        w = fm.horizontalAdvance(name)
        x -= w
        painter.setPen(QColor(MUTED))
        painter.drawText(QRectF(x, y, w + 2, 22), Qt.AlignmentFlag.AlignVCenter, name)
        x -= 14
        painter.fillRect(QRectF(x, y + 6, 10, 10), QColor(colour))
        x -= 12


def _nice(value: float) -> float:
    """The round number (1, 2, 2.5, 5 × 10^n) at or above `value`."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * magnitude >= value - 1e-9:
            return m * magnitude
    return 10 * magnitude


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}".rstrip("0")


class KpiTile(QFrame):
    """A headline figure: label, big value, a small line below (the basis)."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpi")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.label = QLabel(label)
        self.label.setStyleSheet(f"color: {MUTED};")
        self.value = QLabel("—")
        big = QFont(self.font())
        big.setPointSize(max(20, int(self.font().pointSize() * 2.1)))
        big.setBold(True)
        self.value.setFont(big)
        self.note = QLabel("")
        self.note.setStyleSheet(f"color: {MUTED};")
        self.note.setWordWrap(True)
        for w in (self.label, self.value, self.note):
            layout.addWidget(w)
        self.setStyleSheet("QFrame#kpi { background: white; border: 1px solid #d0d4da;"
                           " border-radius: 6px; }")

    def set(self, value: str, note: str = "", *, alert: bool = False, note_alert: bool = False,
            tip: str = "") -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"color: {BAD if alert else INK};")
        self.note.setText(note)
        self.note.setStyleSheet(f"color: {BAD if note_alert else MUTED};")
        self.setToolTip(tip)
