"""A4 page furniture for office documents that are not case papers (the bad-rating
report sheet, the shift report): hall name and document number in the header,
a footer with page x of y. Same fonts, styles and tables as the case papers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from printing import fonts
from printing.pdf import layout


@dataclass(frozen=True)
class Furniture:
    header_left: str  # the hall
    header_right: str = ""  # document number, date
    footer_left: str = ""
    footer_right: str = ""


def build(story: list[Flowable], furniture: Furniture, *, title: str, subject: str = "",
          wide: bool = False) -> bytes:
    """Lay the story out on A4 (landscape when `wide`); reproducible bytes."""
    fonts.register_fonts()
    pagesize = landscape(A4) if wide else A4
    width, height = pagesize
    margin_x = layout.MARGIN_X
    top_rule = height - 18 * mm
    bottom_rule = 14 * mm
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=pagesize,
        leftMargin=margin_x,
        rightMargin=margin_x,
        topMargin=height - top_rule + 5 * mm,
        bottomMargin=bottom_rule + 5 * mm,
        title=title,
        author=furniture.header_left,
        subject=subject or title,
        creator="快办柜台",
        invariant=1,
    )

    def on_page(canvas: Canvas, _doc: object) -> None:
        canvas.saveState()
        canvas.setFillColor(layout.GREY)
        canvas.setStrokeColor(layout.RULE)
        fonts.draw_string(canvas, margin_x, top_rule + 3 * mm, furniture.header_left, 9)
        if furniture.header_right:
            fonts.draw_string(canvas, width - margin_x, top_rule + 3 * mm,
                              furniture.header_right, 9, align="right")
        canvas.setLineWidth(0.6)
        canvas.line(margin_x, top_rule, width - margin_x, top_rule)
        canvas.setLineWidth(0.4)
        canvas.line(margin_x, bottom_rule, width - margin_x, bottom_rule)
        if furniture.footer_left:
            fonts.draw_string(canvas, margin_x, bottom_rule - 5 * mm, furniture.footer_left, 8)
        if furniture.footer_right:
            fonts.draw_string(canvas, width - margin_x, bottom_rule - 5 * mm,
                              furniture.footer_right, 8, align="right")
        canvas.restoreState()

    class _Canvas(layout._NumberedCanvas):  # page x of y, centred under the rule
        footer_centre_y = bottom_rule - 5 * mm

        def save(self) -> None:  # the base class centres on A4 portrait width
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self.setFillColor(layout.GREY)
                fonts.draw_string(self, width / 2, self.footer_centre_y,
                                  f"第 {number} 页 / 共 {total} 页", 8, align="centre")
                Canvas.showPage(self)
            Canvas.save(self)

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=_Canvas)
    return buf.getvalue()
