"""Shared A4 layout of the counter papers: page furniture, styles, building blocks.

Every page carries the same header (hall name, case and document numbers, a Code
128 barcode of the case number, a QR code) and footer (supervision phone, page
x of y, window and teller). The documents only build their story of flowables.
"""

from __future__ import annotations

import functools
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as _rl_paragraph

from printing import fonts
from printing.files import private_parents
from printing.papers import CasePaper
from printing.pdf import cjkwrap, codes
from printing.pdf.texts import qr_target, teller_label, window_label

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

HEADER_TOP = PAGE_HEIGHT - 10 * mm
QR_SIZE = 20 * mm  # quiet zone included
HEADER_RULE_Y = HEADER_TOP - QR_SIZE - 4 * mm
FRAME_TOP_MARGIN = PAGE_HEIGHT - HEADER_RULE_Y + 3 * mm
FOOTER_RULE_Y = 16 * mm
FRAME_BOTTOM_MARGIN = FOOTER_RULE_Y + 4 * mm

BARCODE_HEIGHT = 10 * mm
BARCODE_MODULE = 0.75  # points per module: ~0.26 mm, well above scanner minimums
BARCODE_MODULE_MIN = 0.55

INK = colors.black
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#333333")
SHADE = colors.HexColor("#EEEEEE")
ALERT = colors.HexColor("#B00020")
ALERT_BG = colors.HexColor("#FFF3E6")

BODY_SIZE = 10.5
CELL_SIZE = 9.5

# Chinese punctuation that must not start a line. reportlab's CJK wrapping knows
# the Japanese set (、。」）…) but not the full-width comma, semicolon, colon, closing
# quotes and the like, so a line could begin with "，". Its splitter reads this
# module-level string; adding to it only tightens the rule.
_NO_LINE_START = "，；：？！”’》〉…％·"
if not set(_NO_LINE_START) <= set(_rl_paragraph.ALL_CANNOT_START):
    _rl_paragraph.ALL_CANNOT_START += "".join(
        ch for ch in _NO_LINE_START if ch not in _rl_paragraph.ALL_CANNOT_START
    )
# …and two of them in a row ("）：", "）。") would still start a line with the second:
# the splitter of cjkwrap carries the character before such a run down with it.
cjkwrap.install()


# --------------------------------------------------------------------------- styles


def _style(name: str, size: float, leading: float, **kw: object) -> ParagraphStyle:
    kw.setdefault("textColor", INK)
    return ParagraphStyle(
        name,
        fontName=fonts.PRIMARY_FONT,
        fontSize=size,
        leading=leading,
        wordWrap="CJK",
        **kw,
    )


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    body_flush: ParagraphStyle
    clause: ParagraphStyle
    clause_sub: ParagraphStyle
    tip: ParagraphStyle
    cell: ParagraphStyle
    cell_centre: ParagraphStyle
    cell_head: ParagraphStyle
    cell_label: ParagraphStyle
    small: ParagraphStyle
    subtitle: ParagraphStyle
    doc_no: ParagraphStyle
    sign: ParagraphStyle
    sign_centre: ParagraphStyle


@functools.cache
def styles() -> Styles:
    """Paragraph styles of the papers (registers the fonts first)."""
    fonts.register_fonts()
    return Styles(
        body=_style("body", BODY_SIZE, 17.5, firstLineIndent=2 * BODY_SIZE, spaceAfter=1),
        body_flush=_style("body_flush", BODY_SIZE, 17.5, spaceAfter=1),
        clause=_style("clause", BODY_SIZE, 19, leftIndent=2 * BODY_SIZE,
                      firstLineIndent=-2 * BODY_SIZE, spaceAfter=3),
        clause_sub=_style("clause_sub", BODY_SIZE, 19, leftIndent=4 * BODY_SIZE,
                          firstLineIndent=-2 * BODY_SIZE, spaceAfter=1),
        tip=_style("tip", 9.5, 15, leftIndent=12, firstLineIndent=-12, spaceAfter=1),
        cell=_style("cell", CELL_SIZE, 13),
        cell_centre=_style("cell_centre", CELL_SIZE, 13, alignment=TA_CENTER),
        cell_head=_style("cell_head", CELL_SIZE, 13, alignment=TA_CENTER),
        cell_label=_style("cell_label", CELL_SIZE, 13, alignment=TA_CENTER, textColor=GREY),
        small=_style("small", 8.5, 12, textColor=GREY),
        subtitle=_style("subtitle", 12, 18, alignment=TA_CENTER),
        doc_no=_style("doc_no", 10.5, 16, alignment=TA_CENTER, spaceAfter=6),
        sign=_style("sign", BODY_SIZE, 16, alignment=TA_LEFT),
        sign_centre=_style("sign_centre", BODY_SIZE, 18, alignment=TA_CENTER),
    )


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of plain ``text`` with per-character font fallback."""
    return Paragraph(fonts.markup(text), style)


def rich(parts: Iterable[tuple[str, str | None]], style: ParagraphStyle) -> Paragraph:
    """A Paragraph from ``(text, colour)`` parts; colour None keeps the ink colour.

    Coloured parts are underlined too, so they still stand out on a mono printer.
    """
    out: list[str] = []
    for text, colour in parts:
        m = fonts.markup(text)
        out.append(f'<font color="{colour}"><u>{m}</u></font>' if colour else m)
    return Paragraph("".join(out), style)


# ------------------------------------------------------------------------ flowables


class Line(Flowable):
    """One line of faux-bold text (titles, headings): drawn, not wrapped.

    Shrinks its size to fit the available width rather than wrapping a title.
    """

    def __init__(
        self,
        text: str,
        size: float,
        *,
        align: str = "centre",
        bold: bool = True,
        space_before: float = 0,
        space_after: float = 0,
        colour: colors.Color = INK,
        keep_with_next: bool = False,
    ) -> None:
        super().__init__()
        self.keepWithNext = keep_with_next
        self.text = text
        self.size = size
        self.align = align
        self.bold = bold
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self.colour = colour
        self._avail = CONTENT_WIDTH

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self._avail = availWidth
        fonts.register_fonts()
        natural = fonts.string_width(self.text, self.size)
        if natural > availWidth:
            self.size = self.size * availWidth / natural
        return availWidth, self.size * 1.4

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(self.colour)
        c.setStrokeColor(self.colour)
        x = {"left": 0.0, "centre": self._avail / 2, "right": self._avail}[self.align]
        fonts.draw_string(c, x, self.size * 0.35, self.text, self.size, align=self.align,
                          bold=self.bold)


def title_block(title: str, doc_no: str = "", subtitle: str = "") -> list[Flowable]:
    """Centred title (faux bold), optional subtitle, then the document number."""
    st = styles()
    out: list[Flowable] = [Line(title, 20, space_before=2, space_after=2)]
    if subtitle:
        out.append(para(subtitle, st.subtitle))
    if doc_no:
        out.append(para(doc_no, st.doc_no))
    else:
        out.append(Spacer(1, 6))
    return out


def heading(text: str) -> list[Flowable]:
    """A section heading such as 一、办理事项, never alone at the foot of a page.

    A conditional page break rather than keepWithNext: that would glue the heading
    to a whole table and push both to the next page, leaving a gap.
    """
    return [CondPageBreak(28 * mm),
            Line(text, 11.5, align="left", space_before=6, space_after=3)]


def _table_style(extra: Sequence[tuple] = ()) -> TableStyle:
    return TableStyle(
        [
            # Cell font of the table itself: the default (Helvetica) would be
            # referenced, unembedded, even though every cell holds a Paragraph.
            ("FONTNAME", (0, 0), (-1, -1), fonts.PRIMARY_FONT),
            ("GRID", (0, 0), (-1, -1), 0.6, RULE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            *extra,
        ]
    )


def grid_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str | Flowable]],
    widths_mm: Sequence[float],
    *,
    centre_cols: Iterable[int] = (),
) -> Table:
    """A bordered table with a shaded header row that repeats across pages.

    ``widths_mm`` are relative: they are scaled to the content width. String
    cells become wrapping Paragraphs; columns in ``centre_cols`` are centred.
    """
    st = styles()
    centre = set(centre_cols)
    data: list[list[Flowable]] = [[para(h, st.cell_head) for h in header]]
    for row in rows:
        data.append(
            [
                cell if isinstance(cell, Flowable)
                else para(cell, st.cell_centre if i in centre else st.cell)
                for i, cell in enumerate(row)
            ]
        )
    total = sum(widths_mm)
    widths = [CONTENT_WIDTH * w / total for w in widths_mm]
    return Table(
        data,
        colWidths=widths,
        repeatRows=1,
        style=_table_style([("BACKGROUND", (0, 0), (-1, 0), SHADE)]),
        hAlign="CENTER",
    )


@dataclass
class InfoRow:
    """One row of a label/value table: one pair spanning the width, or two pairs."""

    label: str
    value: str | Flowable
    label2: str = ""
    value2: str | Flowable = ""
    span: bool = field(default=False)


def info_table(rows: Sequence[InfoRow]) -> Table:
    """The applicant/case box at the top of a paper: shaded labels, values beside."""
    st = styles()
    label_w = 26 * mm
    value_w = (CONTENT_WIDTH - 2 * label_w) / 2

    def value(v: str | Flowable) -> Flowable:
        return v if isinstance(v, Flowable) else para(v, st.cell)

    data: list[list[Flowable | str]] = []
    extra: list[tuple] = []
    for r, row in enumerate(rows):
        if row.span or not row.label2:
            data.append([para(row.label, st.cell_label), value(row.value), "", ""])
            extra.append(("SPAN", (1, r), (3, r)))
        else:
            data.append(
                [
                    para(row.label, st.cell_label),
                    value(row.value),
                    para(row.label2, st.cell_label),
                    value(row.value2),
                ]
            )
            extra.append(("BACKGROUND", (2, r), (2, r), SHADE))
    extra.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
    return Table(
        data,
        colWidths=[label_w, value_w, label_w, value_w],
        style=_table_style(extra),
        hAlign="CENTER",
        spaceAfter=8,
    )


def alert_box(title: str, lines: Sequence[str]) -> Table:
    """A framed, tinted box for warnings the applicant must not miss."""
    st = styles()
    head = ParagraphStyle("alert_head", parent=st.cell, textColor=ALERT, fontSize=10.5,
                          leading=15)
    body = ParagraphStyle("alert_body", parent=st.cell, fontSize=10, leading=15)
    cell: list[Flowable] = [para(title, head)]
    cell += [para(f"{i}. {line}" if len(lines) > 1 else line, body)
             for i, line in enumerate(lines, 1)]
    return Table(
        [[cell]],
        colWidths=[CONTENT_WIDTH],
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.PRIMARY_FONT),
                ("BOX", (0, 0), (-1, -1), 1.2, ALERT),
                ("BACKGROUND", (0, 0), (-1, -1), ALERT_BG),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        ),
        spaceBefore=6,
        spaceAfter=4,
    )


def numbered(lines: Sequence[str], style: ParagraphStyle | None = None) -> list[Flowable]:
    """Paragraphs numbered 一、二、三… in the Chinese way."""
    st = styles()
    style = style or st.clause
    return [para(f"{chinese_ordinal(i)}、{line}", style) for i, line in enumerate(lines, 1)]


_DIGITS = "零一二三四五六七八九"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for list numbering)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def signature_block(
    left: Sequence[str | Flowable],
    right: Sequence[str],
    *,
    seal_space: float = 8 * mm,
    keep: bool = True,
) -> Flowable:
    """Two columns at the foot of a paper, kept on one page (with ``keep=False`` the
    bare table, for :func:`closing` to keep together with what precedes it).

    ``left`` holds the applicant's lines (a :func:`sign_field` and a date to fill
    in by hand),
    ``right`` the issuing office, seal note and date, centred (a long hall name
    wraps centred); ``seal_space`` above it leaves room for the stamp.
    """
    st = styles()
    left_cell: list[Flowable] = []
    for t in left:
        if left_cell:
            left_cell.append(Spacer(1, 2 * mm))  # room for handwriting
        left_cell.append(t if isinstance(t, Flowable) else para(t, st.sign))
    right_cell: list[Flowable] = [Spacer(1, seal_space)]
    right_cell += [para(t, st.sign_centre) for t in right]
    table = Table(
        [[left_cell, right_cell]],
        colWidths=[CONTENT_WIDTH * 0.5, CONTENT_WIDTH * 0.5],
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.PRIMARY_FONT),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
        spaceBefore=10,
        spaceAfter=4,
    )
    return KeepTogether([CondPageBreak(45 * mm), table]) if keep else table


def closing(tail: Sequence[Flowable], signature: Flowable,
            after: Sequence[Flowable] = ()) -> Flowable:
    """The end of a paper kept on one page: the last paragraphs before the signature
    block (``tail``), the block, and what follows it (the copies note), so the
    signature never stands alone at the top of a page."""
    return KeepTogether([*tail, signature, *after])


def sign_field(label: str, line_width: float = 45 * mm) -> Table:
    """``申请人（签字）：`` followed by a ruled line long enough for a signature."""
    st = styles()
    label_text = f"{label}："
    label_w = fonts.string_width(label_text, BODY_SIZE) + 2
    # the line never runs into the right column of a signature block
    line_width = max(25 * mm, min(line_width, CONTENT_WIDTH * 0.5 - 3 * mm - label_w))
    return Table(
        # Leading close to the font size: the baseline then sits on the ruled line.
        [[para(label_text, ParagraphStyle("sign_label", parent=st.body_flush,
                                          leading=BODY_SIZE * 1.15, spaceAfter=0)), ""]],
        colWidths=[label_w, line_width],
        rowHeights=[11 * mm],
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.PRIMARY_FONT),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("LINEBELOW", (1, 0), (1, 0), 0.6, INK),
            ]
        ),
        hAlign="LEFT",
    )


def note(text: str) -> Paragraph:
    return para(text, styles().small)


# ---------------------------------------------------------------------- page furniture


class _NumberedCanvas(Canvas):
    """Canvas that knows the page count when the pages are written: 第 x 页 / 共 n 页."""

    footer_centre_y = FOOTER_RULE_Y - 5 * mm

    def __init__(self, *args: object, **kwargs: object) -> None:
        # Start in our font, not Helvetica: otherwise every page references a
        # non-embedded base-14 font it never uses.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts.PRIMARY_FONT
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab API
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            self.setFillColor(GREY)
            fonts.draw_string(self, PAGE_WIDTH / 2, self.footer_centre_y,
                              f"第 {number} 页 / 共 {total} 页", 8.5, align="centre")
            super().showPage()
        super().save()


@dataclass
class PageMarks:
    """What the page furniture drew on the last page: the tests read it back."""

    barcode: codes.DrawnCode128 | None = None
    qr: list[list[bool]] | None = None
    qr_data: str = ""


def _fit_size(text: str, size: float, width: float) -> float:
    natural = fonts.string_width(text, size)
    return size if natural <= width else size * width / natural


def _wrap_chars(text: str, size: float, width: float) -> list[str]:
    """Greedy character-wise wrapping of one line of CJK text."""
    lines: list[str] = []
    current = ""
    for ch in text:
        if current and fonts.string_width(current + ch, size) > width:
            lines.append(current)
            current = ch
        else:
            current += ch
    return [*lines, current] if current else lines


def _hall_name_lines(name: str, width: float) -> tuple[float, list[str]]:
    """Size and lines of the hall name in the header: one line at 11 pt if it fits,
    else two lines at 9.5 pt or more, shrinking only past that."""
    if fonts.string_width(name, 11) <= width:
        return 11, [name]
    size = 10.0
    while size > 9.5 and len(_wrap_chars(name, size, width)) > 2:
        size -= 0.25
    lines = _wrap_chars(name, size, width)
    if len(lines) > 2:
        size = _fit_size(name, size, 2 * width * 0.95)
        lines = _wrap_chars(name, size, width)
    return size, lines


def _draw_furniture(canvas: Canvas, paper: CasePaper, marks: PageMarks) -> None:
    office = paper.office
    canvas.saveState()

    # QR code, top right, with its caption.
    qr_x = PAGE_WIDTH - MARGIN_X - QR_SIZE
    qr_y = HEADER_TOP - QR_SIZE
    marks.qr_data = qr_target(paper)
    marks.qr = codes.draw_qr(canvas, qr_x, qr_y, marks.qr_data, QR_SIZE)
    canvas.setFillColor(GREY)
    caption = "扫码评价 · 查询进度" if office.rating_url else "扫码查询办件编号"
    fonts.draw_string(canvas, qr_x + QR_SIZE / 2, qr_y - 8, caption, 6.5, align="centre")

    # Code 128 of the case number, left of the QR code.
    bars_right = qr_x - 2 * mm
    left_block_right = bars_right
    try:
        module = BARCODE_MODULE
        width = codes.code128_total_width(paper.case_no, module)
        if width > 80 * mm:
            module = max(BARCODE_MODULE_MIN, module * 80 * mm / width)
            width = codes.code128_total_width(paper.case_no, module)
        bars_x = bars_right - width
        bars_y = HEADER_TOP - 3 * mm - BARCODE_HEIGHT
        marks.barcode = codes.draw_code128(
            canvas, bars_x, bars_y, paper.case_no, module_width=module, height=BARCODE_HEIGHT
        )
        canvas.setFillColor(INK)
        fonts.draw_string(canvas, bars_x + width / 2, bars_y - 10, paper.case_no, 9,
                          align="centre")
        left_block_right = bars_x
    except ValueError:
        # A case number Code 128 cannot carry (non-ASCII): the number is still
        # printed in the left block; the paper must not fail to print over it.
        marks.barcode = None

    # Hall name and numbers, top left.
    avail = left_block_right - MARGIN_X - 3 * mm
    canvas.setFillColor(INK)
    canvas.setStrokeColor(INK)
    size, lines = _hall_name_lines(office.hall_name, avail)
    line_y = HEADER_TOP - 4 * mm - size * 0.8
    for line in lines:
        fonts.draw_string(canvas, MARGIN_X, line_y, line, size, bold=True)
        line_y -= size * 1.25
    canvas.setFillColor(GREY)
    line_y = min(line_y - 2, HEADER_TOP - 12 * mm)
    for text in (f"办件编号：{paper.case_no}",
                 f"{paper.time_label}：{paper.accepted_at:%Y-%m-%d %H:%M}"):
        fonts.draw_string(canvas, MARGIN_X, line_y, text, _fit_size(text, 8.5, avail))
        line_y -= 11

    # Rules.
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN_X, HEADER_RULE_Y, PAGE_WIDTH - MARGIN_X, HEADER_RULE_Y)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_X, FOOTER_RULE_Y, PAGE_WIDTH - MARGIN_X, FOOTER_RULE_Y)

    # Footer: supervision phone left, window and teller right (page no. added later).
    canvas.setFillColor(GREY)
    footer_y = FOOTER_RULE_Y - 5 * mm
    fonts.draw_string(canvas, MARGIN_X, footer_y, f"监督电话：{office.supervision_phone}", 8.5)
    right = f"{window_label(office)}　经办人：{teller_label(office)}"
    fonts.draw_string(canvas, PAGE_WIDTH - MARGIN_X, footer_y, right, 8.5, align="right")
    canvas.restoreState()


def build_pdf(
    paper: CasePaper,
    story: list[Flowable],
    *,
    title: str,
    marks: PageMarks | None = None,
) -> bytes:
    """Lay ``story`` out on A4 pages with the shared header and footer.

    ``title`` goes into the PDF metadata (with the case number; no personal data).
    The output is byte-for-byte reproducible for the same input.
    """
    fonts.register_fonts()
    marks = marks if marks is not None else PageMarks()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=FRAME_TOP_MARGIN,
        bottomMargin=FRAME_BOTTOM_MARGIN,
        title=f"{title} {paper.case_no}",
        author=paper.office.hall_name,
        subject=paper.case_no,
        creator="快办柜台",
        invariant=1,
    )

    def on_page(canvas: Canvas, _doc: object) -> None:
        _draw_furniture(canvas, paper, marks)

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=_NumberedCanvas)
    return buf.getvalue()


def write_pdf(data: bytes, path: Path | str) -> None:
    """Write ``data`` to ``path`` atomically: a print folder never sees half a file."""
    path = Path(path)
    private_parents(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
