"""Code 128 barcodes and QR codes drawn as vector rectangles.

python-barcode and qrcode compute the symbols; the bars and modules are drawn here
as PDF rectangles, so they print crisp at any resolution and need no raster
writer (Pillow).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import qrcode
from barcode import Code128
from barcode.errors import BarcodeError
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import black, white
from reportlab.pdfgen.canvas import Canvas

CODE128_QUIET_MODULES = 10
"""Quiet zone either side of a Code 128 symbol, in modules (ISO/IEC 15417)."""

QR_QUIET_MODULES = 4
"""Quiet zone around a QR symbol, in modules (ISO/IEC 18004)."""


def code128_modules(text: str) -> str:
    """The module string ("1" bar, "0" space) of ``text`` as Code 128.

    Raises ValueError when ``text`` is empty or holds characters Code 128 cannot
    encode (anything outside ASCII).
    """
    if not text:
        raise ValueError("empty text for Code 128")
    try:
        return Code128(text).build()[0]
    except BarcodeError as exc:
        raise ValueError(str(exc)) from exc


def bar_runs(modules: str) -> list[tuple[int, int]]:
    """``(start module, width in modules)`` of every bar (run of "1") in ``modules``."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, m in enumerate(modules + "0"):
        if m == "1" and start is None:
            start = i
        elif m != "1" and start is not None:
            runs.append((start, i - start))
            start = None
    return runs


@dataclass(frozen=True)
class DrawnCode128:
    """What :func:`draw_code128` put on the page: lets tests read the bars back."""

    modules: str
    x: float  # left edge of the first module (after the quiet zone)
    y: float
    module_width: float
    height: float

    @property
    def width(self) -> float:
        return len(self.modules) * self.module_width


def draw_code128(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    *,
    module_width: float,
    height: float,
) -> DrawnCode128:
    """Draw ``text`` as Code 128 with its left quiet zone starting at ``x``.

    ``y`` is the bottom of the bars. Each bar is one filled rectangle.
    """
    modules = code128_modules(text)
    left = x + CODE128_QUIET_MODULES * module_width
    canvas.saveState()
    canvas.setFillColor(black)
    canvas.setStrokeColor(black)
    for start, width in bar_runs(modules):
        canvas.rect(
            left + start * module_width, y, width * module_width, height, stroke=0, fill=1
        )
    canvas.restoreState()
    return DrawnCode128(modules, left, y, module_width, height)


def code128_total_width(text: str, module_width: float) -> float:
    """Width of the symbol of ``text`` including both quiet zones."""
    return (len(code128_modules(text)) + 2 * CODE128_QUIET_MODULES) * module_width


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR module matrix of ``data`` (True is dark), without quiet zone.

    Error correction level M: a printed paper gets folded and stamped.
    """
    return [list(row) for row in _qr_rows(data)]


@functools.lru_cache(maxsize=64)
def _qr_rows(data: str) -> tuple[tuple[bool, ...], ...]:
    """The symbol, made once per text: every page of a paper carries the same code and
    qrcode tries all eight masks in Python for each (tens of ms a symbol)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    qr.add_data(data)
    qr.make(fit=True)
    return tuple(tuple(row) for row in qr.get_matrix())


def draw_qr(canvas: Canvas, x: float, y: float, data: str, size: float) -> list[list[bool]]:
    """Draw ``data`` as a QR code filling a ``size`` square at (x, y), quiet zone included.

    Dark modules of a row are merged into one rectangle per horizontal run.
    Returns the module matrix drawn.
    """
    matrix = qr_matrix(data)
    n = len(matrix)
    module = size / (n + 2 * QR_QUIET_MODULES)
    left = x + QR_QUIET_MODULES * module
    top = y + size - QR_QUIET_MODULES * module
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(black)
    for r, row in enumerate(matrix):
        modules = "".join("1" if dark else "0" for dark in row)
        for start, width in bar_runs(modules):
            canvas.rect(
                left + start * module, top - (r + 1) * module, width * module, module,
                stroke=0, fill=1,
            )
    canvas.restoreState()
    return matrix
