"""The queue slip (排队号票): hall name, the number large, category, people waiting
ahead, time taken, priority mark, QR code, the note on missed numbers.

Two outputs from the same plain data: ESC/POS bytes for a 58/80 mm thermal printer
(built with devices.escpos, GB18030 text, native QR, cut), or a small PDF for an
ordinary printer. A slip never carries a full certificate number or a full name:
`holder` is already masked by the caller, and any ID-like run of digits that slips
in anyway is masked here before it reaches paper.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from devices.escpos import Align, EscPosBuilder, EscPosPrinter, JobSpool
from printing.files import private_parents

PDF_SIZE_MM = (80, 130)  # the PDF slip (reportlab is loaded only to draw one)
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{5,8})(\d{3}[\dXx])(?![0-9A-Za-z])")


@dataclass(frozen=True)
class SlipData:
    hall_name: str
    number: str  # A012
    category_name: str  # 社会保险
    waiting_ahead: int
    taken_at: datetime  # as the hall's wall clock shows it
    qr_url: str = ""
    note: str = ""  # on missed numbers (过号)
    priority_reason: str = ""  # 老年人 … ("" for an ordinary ticket)
    holder: str = ""  # masked name (王*) when taken with an ID card
    title: str = "排队号票"


@dataclass(frozen=True)
class SlipPrinted:
    ok: bool
    message: str  # Chinese, for the kiosk screen or the CLI
    job_id: str = ""
    #: Not printed, but the job is in the spool (a folder: it survives a restart) and
    #: a printer driver on that spool prints it when the printer is fit again.
    kept: bool = False


def _scrub(text: str) -> str:
    return _ID_LIKE.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)


def safe(slip: SlipData) -> SlipData:
    """The slip with every text field scrubbed of ID-like numbers."""
    return replace(
        slip,
        hall_name=_scrub(slip.hall_name),
        category_name=_scrub(slip.category_name),
        qr_url=_scrub(slip.qr_url),
        note=_scrub(slip.note),
        priority_reason=_scrub(slip.priority_reason),
        holder=_scrub(slip.holder),
    )


def lines(slip: SlipData) -> list[str]:
    """The slip's text, top to bottom (the same on both outputs)."""
    out = [slip.hall_name, slip.title, f"业务类别：{slip.category_name}", slip.number]
    if slip.priority_reason:
        out.append(f"【优先】{slip.priority_reason}")
    if slip.holder:
        out.append(f"取号人：{slip.holder}")
    out.append(f"您前面还有 {slip.waiting_ahead} 人等候")
    out.append(f"取号时间：{slip.taken_at:%Y-%m-%d %H:%M:%S}")
    return out


def escpos_bytes(slip: SlipData, *, chars_per_line: int = 48) -> bytes:
    """ESC/POS job: 80 mm paper holds 48 columns (24 Chinese characters), 58 mm 32."""
    s = safe(slip)
    b = EscPosBuilder().init().align(Align.CENTER)
    b.bold()
    for part in _wrap(s.hall_name, chars_per_line):
        b.line(part)
    b.bold(False)
    b.line(s.title).feed(1)
    b.size(2, 2).line(s.category_name).size()
    b.bold().size(4, 4).line(s.number).size().bold(False)
    if s.priority_reason:
        b.bold().line(f"【优先】{s.priority_reason}").bold(False)
    if s.holder:
        b.line(f"取号人：{s.holder}")
    b.size(1, 2).line(f"您前面还有 {s.waiting_ahead} 人等候").size()
    b.line(f"取号时间：{s.taken_at:%Y-%m-%d %H:%M:%S}")
    if s.qr_url:
        b.feed(1).qr(s.qr_url, module_size=5).line("扫码查看排队进度")
    if s.note:
        b.align(Align.LEFT).feed(1)
        for part in _wrap(s.note, chars_per_line):
            b.line(part)
    b.align(Align.CENTER).line("请留意叫号，过号作废需重新激活")
    return b.cut(feed=4).build()


def _wrap(text: str, columns: int) -> list[str]:
    """Wrap by display columns (a Chinese character takes two)."""
    out, cur, width = [], "", 0
    for ch in text:
        w = 2 if ord(ch) > 0x7F else 1
        if width + w > columns:
            out.append(cur)
            cur, width = "", 0
        cur += ch
        width += w
    if cur:
        out.append(cur)
    return out


def slip_pdf(slip: SlipData, path: Path | str) -> Path:
    """A one-page 80 × 130 mm PDF of the slip, fonts embedded."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from printing import fonts
    from printing.pdf.codes import draw_qr

    PDF_WIDTH, PDF_HEIGHT = PDF_SIZE_MM[0] * mm, PDF_SIZE_MM[1] * mm  # noqa: N806
    s = safe(slip)
    fonts.register_fonts()
    path = Path(path)
    private_parents(path)
    c = Canvas(str(path), pagesize=(PDF_WIDTH, PDF_HEIGHT))
    c.setTitle(f"{s.title} {s.number}")
    mid = PDF_WIDTH / 2
    y = PDF_HEIGHT - 12 * mm
    for part in _wrap(s.hall_name, 48):
        fonts.draw_string(c, mid, y, part, 8, align="centre")
        y -= 4.5 * mm
    fonts.draw_string(c, mid, y, s.title, 9, align="centre")
    y -= 8 * mm
    fonts.draw_string(c, mid, y, s.category_name, 14, align="centre")
    y -= 17 * mm
    fonts.draw_string(c, mid, y, s.number, 46, align="centre", bold=True)
    y -= 8 * mm
    if s.priority_reason:
        fonts.draw_string(c, mid, y, f"【优先】{s.priority_reason}", 10, align="centre")
        y -= 5.5 * mm
    if s.holder:
        fonts.draw_string(c, mid, y, f"取号人：{s.holder}", 9, align="centre")
        y -= 5 * mm
    fonts.draw_string(c, mid, y, f"您前面还有 {s.waiting_ahead} 人等候", 11, align="centre")
    y -= 5.5 * mm
    fonts.draw_string(c, mid, y, f"取号时间：{s.taken_at:%Y-%m-%d %H:%M:%S}", 8.5,
                      align="centre")
    y -= 4 * mm
    if s.qr_url:
        size = 26 * mm
        draw_qr(c, mid - size / 2, y - size, s.qr_url, size)
        y -= size + 4 * mm
        fonts.draw_string(c, mid, y, "扫码查看排队进度", 8, align="centre")
        y -= 5 * mm
    for part in _wrap(s.note, 50):
        fonts.draw_string(c, 5 * mm, y, part, 7.5)
        y -= 3.8 * mm
    c.showPage()
    c.save()
    return path


def print_slip(
    slip: SlipData,
    printer: str,
    *,
    spool: JobSpool | None = None,
    pdf_dir: Path | None = None,
) -> SlipPrinted:
    """Print on `printer`: an ESC/POS URL (`serial:…`, `tcp:HOST:9100`, `file:PATH`),
    or `pdf:QUEUE` / `pdf:folder:DIR` / `pdf:` (default printer) for an ordinary
    printer. Blocking (call it off the GUI thread); never raises for printer trouble,
    the answer says what went wrong so the person can note the number. An ESC/POS
    job that fails stays in `spool` (give one with a folder to keep it across a
    restart: `kept` in the answer)."""
    printer = printer.strip()
    if not printer:
        return SlipPrinted(False, "未配置号票打印机")
    if printer.startswith("pdf:"):
        from printing.spooler import PrintError, print_pdf

        folder = pdf_dir or Path(tempfile.mkdtemp(prefix="kuaiban-slip-"))
        path = slip_pdf(slip, folder / f"slip-{slip.number}.pdf")
        try:
            return SlipPrinted(True, print_pdf(path, printer[len("pdf:") :]))
        except PrintError as exc:
            return SlipPrinted(False, str(exc))
    try:
        device = EscPosPrinter(printer, spool=spool)
    except ValueError as exc:
        return SlipPrinted(False, str(exc))
    try:
        result = device.print_job(escpos_bytes(slip), title=f"号票 {slip.number}")
    finally:
        device.close()
    if result.ok:
        return SlipPrinted(True, result.reason or "号票已打印", result.job_id)
    kept = spool is not None and spool.folder is not None and spool.get(result.job_id) is not None
    return SlipPrinted(False, result.reason or "打印失败", result.job_id, kept=kept)
