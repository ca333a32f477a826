"""The shift / day-end report (值班日报): headline figures as tiles, simple bar
charts, the figures table with the basis of every rate, breakdown tables and the
per-teller handover lines. Takes plain data; the counter fills it in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from printing import fonts
from printing.pdf import layout, plain

TITLE = "窗口服务值班日报"
BAR = colors.HexColor("#2E6DA4")
BAR_ALT = colors.HexColor("#9BBCE0")
BAD = colors.HexColor("#B00020")


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    note: str = ""
    alert: bool = False


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Section:
    heading: str
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float]


@dataclass(frozen=True)
class Bars:
    title: str
    labels: Sequence[str]
    values: Sequence[int]
    second: Sequence[int] = ()  # a second series drawn beside the first
    legend: Sequence[str] = ()
    highlight: Sequence[int] = ()  # indexes drawn in the alert colour


@dataclass(frozen=True)
class ShiftReport:
    hall_name: str
    subtitle: str  # date, window
    generated_at: str
    kpis: Sequence[Kpi]
    figures: Sequence[Row]
    charts: Sequence[Bars] = field(default_factory=tuple)
    sections: Sequence[Section] = field(default_factory=tuple)
    formulas: Sequence[str] = field(default_factory=tuple)


def _tiles(kpis: Sequence[Kpi]) -> Table:
    st = layout.styles()
    per_row = 4
    label_style = ParagraphStyle("kpi_label", parent=st.cell_centre, fontSize=8.5, leading=12,
                                 textColor=layout.GREY)
    value_style = ParagraphStyle("kpi_value", parent=st.cell_centre, fontSize=18, leading=23)
    note_style = ParagraphStyle("kpi_note", parent=st.cell_centre, fontSize=7.5, leading=10,
                                textColor=colors.HexColor("#777777"))
    cells: list[list[Flowable] | str] = []
    for k in kpis:
        colour = "#B00020" if k.alert else "#1F3B57"
        value = Paragraph(f'<font color="{colour}">{fonts.markup(k.value)}</font>', value_style)
        cell: list[Flowable] = [layout.para(k.label, label_style), value]
        if k.note:
            cell.append(layout.para(k.note, note_style))
        cells.append(cell)
    while len(cells) % per_row:
        cells.append("")
    rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    width = layout.CONTENT_WIDTH / per_row
    return Table(
        rows,
        colWidths=[width] * per_row,
        style=TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), fonts.PRIMARY_FONT),
            ("BOX", (0, 0), (-1, -1), 0.6, layout.RULE),
            ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BBBBBB")),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#F6F8FA")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ]),
        spaceAfter=6,
    )


def bar_chart(bars: Bars, width: float, height: float = 48 * mm) -> Drawing:
    """A plain bar chart: values over each bar, labels under it."""
    fonts.register_fonts()
    d = Drawing(width, height)
    top_pad, bottom_pad, left_pad = 14, 16, 6
    plot_h = height - top_pad - bottom_pad
    d.add(String(left_pad, height - 10, bars.title, fontName=fonts.PRIMARY_FONT, fontSize=9,
                 fillColor=layout.INK))
    n = max(1, len(bars.values))
    peak = max([*bars.values, *bars.second, 1]) * 1.18  # room for the value labels
    slot = (width - 2 * left_pad) / n
    pair = bool(bars.second)
    bar_w = slot * (0.34 if pair else 0.6)
    d.add(Line(left_pad, bottom_pad, width - left_pad, bottom_pad, strokeColor=layout.RULE,
               strokeWidth=0.6))
    for i, value in enumerate(bars.values):
        x0 = left_pad + i * slot + (slot - bar_w * (2 if pair else 1)) / 2
        series = [(value, BAD if i in bars.highlight else BAR)]
        if pair:
            series.append((bars.second[i] if i < len(bars.second) else 0, BAR_ALT))
        for j, (v, colour) in enumerate(series):
            h = plot_h * v / peak
            x = x0 + j * bar_w
            d.add(Rect(x, bottom_pad, bar_w, h, fillColor=colour, strokeColor=None))
            d.add(String(x + bar_w / 2, bottom_pad + h + 2, str(v), fontName=fonts.PRIMARY_FONT,
                         fontSize=7, textAnchor="middle", fillColor=layout.GREY))
        label = bars.labels[i] if i < len(bars.labels) else ""
        d.add(String(left_pad + i * slot + slot / 2, bottom_pad - 10, label,
                     fontName=fonts.PRIMARY_FONT, fontSize=7.5, textAnchor="middle",
                     fillColor=layout.INK))
    if bars.legend:
        x = width - left_pad
        for text, colour in reversed(list(zip(bars.legend, (BAR, BAR_ALT), strict=False))):
            w = fonts.string_width(text, 7.5)
            x -= w
            d.add(String(x, height - 10, text, fontName=fonts.PRIMARY_FONT, fontSize=7.5,
                         fillColor=layout.GREY))
            x -= 10
            d.add(Rect(x, height - 11, 7, 7, fillColor=colour, strokeColor=None))
            x -= 8
    return d


def _compact(table: Table) -> Table:
    """A report has many short rows: tighter than the papers' tables."""
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]))
    return table


def story(report: ShiftReport) -> list[Flowable]:
    st = layout.styles()
    out: list[Flowable] = layout.title_block(TITLE, subtitle=report.subtitle)
    out.append(_tiles(report.kpis))
    charts = list(report.charts)
    for i in range(0, len(charts), 2):
        pair = charts[i:i + 2]
        w = layout.CONTENT_WIDTH / 2 - 3 * mm
        cells = [bar_chart(b, w) for b in pair] + ([""] if len(pair) == 1 else [])
        out.append(Table([cells], colWidths=[layout.CONTENT_WIDTH / 2] * 2,
                         style=TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                           ("RIGHTPADDING", (0, 0), (-1, -1), 0)]),
                         spaceAfter=4))
    out += layout.heading("主要指标")
    out.append(_compact(layout.grid_table(
        ["指标", "数值", "口径"],
        [[r.label, r.value, r.note] for r in report.figures],
        [32, 30, 88],  # the 口径 wide enough for its longest formula on one line
        centre_cols=(1,),
    )))
    for section in report.sections:
        if not section.rows:
            continue
        out += layout.heading(section.heading)
        out.append(_compact(layout.grid_table(
            list(section.header), [list(r) for r in section.rows], list(section.widths),
            centre_cols=range(1, len(section.header)))))
    if report.formulas:
        block: list[Flowable] = [*layout.heading("计算口径")]
        block += [layout.para(f"{i}. {text}", st.tip) for i, text in
                  enumerate(report.formulas, 1)]
        out.append(KeepTogether(block))
    out.append(Spacer(1, 4 * mm))
    out.append(layout.note(f"生成时间：{report.generated_at}。本表由快办柜台自动生成。"))
    return out


def pdf_bytes(report: ShiftReport) -> bytes:
    furniture = plain.Furniture(
        header_left=report.hall_name,
        header_right=report.subtitle,
        footer_left=f"生成时间：{report.generated_at}",
    )
    return plain.build(story(report), furniture, title=f"{TITLE} {report.subtitle}")


def render(report: ShiftReport, path: Path | str) -> Path:
    layout.write_pdf(pdf_bytes(report), path)
    return Path(path)
