"""Real-time status answers (DLE EOT n) ⇄ `PrinterStatus`.

Every answer byte has bit 1 and bit 4 set and bits 0 and 7 clear (0x12 pattern); a
byte without that pattern is not a status answer (noise, or a printer that does not
speak DLE EOT) and is treated as no answer: escpos.md warns that python-escpos reads
"ok" when the printer never answered, which we must not.

n=1 printer: bit 3 offline.
n=2 offline cause: bit 2 cover open, bit 3 paper fed by button, bit 5 printing
    stopped by paper end, bit 6 error.
n=4 paper sensor: bits 2–3 (0x0C) paper near end, bits 5–6 (0x60) paper end.
"""

from __future__ import annotations

from dataclasses import dataclass

FIXED_MASK = 0x93
FIXED_BITS = 0x12


def is_status_byte(value: int) -> bool:
    return value & FIXED_MASK == FIXED_BITS


@dataclass(frozen=True)
class PrinterStatus:
    answered: bool = True
    offline: bool = False
    cover_open: bool = False
    paper_out: bool = False
    paper_near_end: bool = False
    error: bool = False

    @property
    def ok(self) -> bool:
        """Fit to print (near end still prints)."""
        return self.answered and not (self.offline or self.cover_open or self.paper_out
                                      or self.error)

    @property
    def problem(self) -> str:
        """The Chinese reason a job cannot print now ("" when fine)."""
        if not self.answered:
            return "打印机无应答"
        if self.paper_out:
            return "打印机缺纸"
        if self.cover_open:
            return "打印机上盖打开"
        if self.error:
            return "打印机故障"
        if self.offline:
            return "打印机离线"
        return ""

    @property
    def warning(self) -> str:
        return "打印纸将尽" if self.paper_near_end else ""


NO_ANSWER = PrinterStatus(answered=False)
#: The status of back-ends that cannot answer (a file): assumed fit to print.
UNKNOWN_OK = PrinterStatus()


def parse_status(answers: dict[int, int | None]) -> PrinterStatus:
    """Combine the answers to DLE EOT 1, 2 and 4 (None or a bad byte: no answer)."""
    values = {n: v for n, v in answers.items() if v is not None and is_status_byte(v)}
    if not values or len(values) != len(answers):
        return NO_ANSWER
    s1 = values.get(1, FIXED_BITS)
    s2 = values.get(2, FIXED_BITS)
    s4 = values.get(4, FIXED_BITS)
    return PrinterStatus(
        answered=True,
        offline=bool(s1 & 0x08),
        cover_open=bool(s2 & 0x04),
        paper_out=bool(s2 & 0x20) or bool(s4 & 0x60),
        paper_near_end=bool(s4 & 0x0C),
        error=bool(s2 & 0x40),
    )


def encode_status(n: int, status: PrinterStatus) -> int:
    """The answer byte a printer in `status` sends to DLE EOT n (for the simulator)."""
    value = FIXED_BITS
    if n == 1 and (status.offline or status.cover_open or status.paper_out or status.error):
        value |= 0x08
    elif n == 2:
        value |= (0x04 if status.cover_open else 0) | (0x20 if status.paper_out else 0)
        value |= 0x40 if status.error else 0
    elif n == 4:
        value |= (0x0C if status.paper_near_end else 0) | (0x60 if status.paper_out else 0)
    return value
