"""Reading rendered papers back: text, fonts, and the rectangles on a page."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PageObject, PdfReader
from pypdf.generic import ContentStream


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    """Each page's text with all whitespace removed (table cells wrap anywhere)."""
    return ["".join(page.extract_text().split()) for page in reader(data).pages]


def page_fonts(page: PageObject) -> list[dict]:
    fonts = page["/Resources"]["/Font"]
    return [ref.get_object() for ref in fonts.values()]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float


def _mul(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    """Matrix product a × b of PDF matrices [a b c d e f]."""
    a0, a1, a2, a3, a4, a5 = a
    b0, b1, b2, b3, b4, b5 = b
    return (
        a0 * b0 + a1 * b2,
        a0 * b1 + a1 * b3,
        a2 * b0 + a3 * b2,
        a2 * b1 + a3 * b3,
        a4 * b0 + a5 * b2 + b4,
        a4 * b1 + a5 * b3 + b5,
    )


def page_rects(page: PageObject, pdf: PdfReader) -> list[Rect]:
    """Every `re` rectangle of the page in page coordinates (translations and
    scales of `cm` applied; the papers use no rotation)."""
    ops = ContentStream(page.get_contents(), pdf).operations
    ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    stack: list[tuple[float, ...]] = []
    rects: list[Rect] = []
    for operands, op in ops:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            ctm = _mul(tuple(float(v) for v in operands), ctm)
        elif op == b"re":
            x, y, w, h = (float(v) for v in operands)
            sx, sy = ctm[0], ctm[3]
            rects.append(Rect(x * sx + ctm[4], y * sy + ctm[5], w * sx, h * sy))
    return rects


def text_past_the_margin(data: bytes) -> list[tuple[int, float, str]]:
    """Text that runs past the right margin, as (page, points over, text): each run's
    width measured with the paper's font at its size where it is drawn."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from printing.fonts import PRIMARY_FONT, register_fonts
    from printing.pdf.layout import MARGIN_X, PAGE_WIDTH

    register_fonts()
    limit = PAGE_WIDTH - MARGIN_X
    out: list[tuple[int, float, str]] = []
    for n, page in enumerate(reader(data).pages):
        def visit(text, cm, tm, _font, size, n=n) -> None:  # type: ignore[no-untyped-def]
            text = text.strip()
            if not text:
                return
            scale = tm[0] * cm[0]
            right = tm[4] * cm[0] + cm[4] + stringWidth(text, PRIMARY_FONT, size) * scale
            if right > limit + 1:
                out.append((n, round(right - limit, 1), text))

        page.extract_text(visitor_text=visit)
    return out
