"""Thermal slip printers speaking ESC/POS (escpos.md).

Parts: `builder` (`EscPosBuilder`: GB18030 text, bold, sizes, native QR, Code 128,
cut), `status` (DLE EOT answers ⇄ `PrinterStatus`), `links` (printer URLs:
`serial:PORT?baud=9600`, `tcp:HOST:9100`, `file:PATH`), `spool` (`JobSpool`: jobs kept
for reprint, in order, claimed while printed), `printer` (`EscPosPrinter`,
synchronous), `driver` (`PrinterDriver`: prints kept jobs by itself when the printer
is fit again), `simulator` (`PrinterSimulator`).
"""

from devices.escpos.builder import Align, EscPosBuilder, encode_gb18030
from devices.escpos.driver import PrinterDriver, PrintJobDone, PrintJobFailed, PrintJobsWaiting
from devices.escpos.links import open_link
from devices.escpos.printer import EscPosPrinter, PrintResult
from devices.escpos.spool import JobSpool, SpoolJob
from devices.escpos.status import PrinterStatus

__all__ = [
    "Align",
    "EscPosBuilder",
    "EscPosPrinter",
    "JobSpool",
    "PrintJobDone",
    "PrintJobFailed",
    "PrintJobsWaiting",
    "PrintResult",
    "PrinterDriver",
    "PrinterStatus",
    "SpoolJob",
    "encode_gb18030",
    "open_link",
]
