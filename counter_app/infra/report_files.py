"""The shift summary as a PDF (printing/pdf/shift_report) and as an xlsx workbook
(openpyxl). Both read `reports.figures`, the same list the JSON is checked against,
so the three never disagree."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from counter_app.domain.clock import fmt_local
from counter_app.domain.rating import LEVELS_BEST_FIRST
from counter_app.services.reports import CAUSE_LABELS, ShiftSummary, figures
from printing.pdf import shift_report
from printing.pdf.shift_report import Bars, Kpi, Row, Section, ShiftReport


def subtitle(s: ShiftSummary) -> str:
    where = f"{s.window}号窗口" if s.window else "全厅"
    return f"{s.day.isoformat()}　{where}"


def report_data(s: ShiftSummary) -> ShiftReport:
    figs = {f.key: f for f in figures(s)}
    kpis = [
        Kpi("服务次数", str(s.visits), f"已评价 {s.rated}"),
        Kpi("参评率", s.participation.percent_text, f"{s.rated}/{s.visits}"),
        Kpi("好评率", s.good.percent_text, f"{s.good.numerator}/{s.good.denominator}"),
        Kpi("差评", str(s.bad_ratings), f"已回访 {s.callbacks_done}", alert=s.bad_ratings > 0),
        Kpi("受理办件", str(s.cases_accepted), f"即办30分钟内 {s.instant_within_30min}"),
        Kpi("平均等候", figs["waiting_mean_seconds"].text,
            f"P90 {figs['waiting_p90_seconds'].text}"),
        Kpi("逾期办件", str(s.cases_overdue), f"即将到期 {s.cases_due_soon}",
            alert=s.cases_overdue > 0),
        Kpi("差评工单未办结", str(s.followups_open), f"逾期 {s.followups_overdue}",
            alert=s.followups_overdue > 0),
    ]
    charts = [
        Bars("评价分布", [lv.label for lv in LEVELS_BEST_FIRST],
             [s.levels.get(lv.value, 0) for lv in LEVELS_BEST_FIRST], highlight=(3, 4)),
    ]
    if s.tickets_by_hour:
        charts.insert(0, Bars("分时段取号 / 叫号", [f"{h}时" for h, _, _ in s.tickets_by_hour],
                              [t for _, t, _ in s.tickets_by_hour],
                              [c for _, _, c in s.tickets_by_hour], legend=("取号", "叫号")))
    sections = [
        Section("办件（按一件事）", ["一件事 / 事项", "件数"], [(k, str(v)) for k, v in
                                                          s.cases_by_bundle], [110, 30]),
        Section("办件（按窗口）", ["窗口", "件数"], [(k, str(v)) for k, v in s.cases_by_window],
                [110, 30]),
        Section("未评价原因", ["原因", "次数"],
                [(CAUSE_LABELS.get(k, k), str(v)) for k, v in sorted(s.not_rated_by_cause.items())],
                [110, 30]),
        Section("交接班（按柜员）",
                ["柜员", "窗口", "服务", "办件", "已评", "参评率", "好评", "差评", "待办工单",
                 "时段"],
                [(f"{t.name} {t.staff_no}".strip(), t.windows or "—", str(t.visits),
                  str(t.cases), str(t.rated), t.participation.percent_text, str(t.good),
                  str(t.bad), str(t.followups_open),
                  f"{t.first_at}–{t.last_at}" if t.first_at else "—") for t in s.tellers],
                [26, 14, 12, 12, 12, 16, 12, 12, 16, 22]),
    ]
    return ShiftReport(
        hall_name=s.hall_name,
        subtitle=subtitle(s),
        generated_at=fmt_local(s.generated_at),
        kpis=kpis,
        figures=[Row(f.label, f.text, f.note) for f in figures(s)],
        charts=charts,
        sections=sections,
        formulas=s.formulas,
    )


def write_pdf(s: ShiftSummary, path: Path | str) -> Path:
    return shift_report.render(report_data(s), path)


def write_xlsx(s: ShiftSummary, path: Path | str) -> Path:
    """Sheets: 汇总 (key, label, value, text, basis), 交接班, 办件, 分时段, 口径."""
    wb = Workbook()
    head = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEEEEE")
    ws = wb.active
    ws.title = "汇总"
    ws.append([f"{shift_report.TITLE} {subtitle(s)}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["键", "指标", "数值", "显示", "口径"])
    for cell in ws[2]:
        cell.font, cell.fill = head, fill
    for f in figures(s):
        ws.append([f.key, f.label, f.value, f.text, f.note])
        if f.key.endswith("_rate") and f.value is not None:
            ws.cell(ws.max_row, 3).number_format = "0.0%"
    _widths(ws, [24, 20, 12, 22, 60])

    ws = wb.create_sheet("交接班")
    ws.append(["柜员", "工号", "窗口", "服务次数", "办理号票", "受理办件", "已评价", "未评价",
               "参评率", "好评", "差评", "待办差评工单", "平均办理(秒)", "首笔", "末笔"])
    for cell in ws[1]:
        cell.font, cell.fill = head, fill
    for t in s.tellers:
        ws.append([t.name, t.staff_no, t.windows, t.visits, t.tickets_done, t.cases, t.rated,
                   t.not_rated, t.participation.value, t.good, t.bad, t.followups_open,
                   None if t.service.mean is None else round(t.service.mean, 1),
                   t.first_at, t.last_at])
        ws.cell(ws.max_row, 9).number_format = "0.0%"
    _widths(ws, [12, 10, 8, 10, 10, 10, 8, 8, 9, 7, 7, 12, 12, 8, 8])

    ws = wb.create_sheet("办件")
    ws.append(["分类", "名称", "件数"])
    for cell in ws[1]:
        cell.font, cell.fill = head, fill
    for kind, rows in (("一件事", s.cases_by_bundle), ("事项", s.cases_by_item),
                       ("窗口", s.cases_by_window), ("柜员", s.cases_by_teller)):
        for name, count in rows:
            ws.append([kind, name, count])
    _widths(ws, [10, 40, 8])

    ws = wb.create_sheet("分时段")
    ws.append(["时", "取号", "叫号"])
    for cell in ws[1]:
        cell.font, cell.fill = head, fill
    for hour, taken, called in s.tickets_by_hour:
        ws.append([hour, taken, called])
    ws.append([])
    ws.append(["评价等级", "次数"])
    for lv in LEVELS_BEST_FIRST:
        ws.append([lv.label, s.levels.get(lv.value, 0)])

    ws = wb.create_sheet("口径")
    for i, text in enumerate(s.formulas, 1):
        ws.append([i, text])
        ws.cell(ws.max_row, 2).alignment = Alignment(wrap_text=True)
    _widths(ws, [4, 100])

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _widths(ws, widths: list[int]) -> None:  # type: ignore[no-untyped-def]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
