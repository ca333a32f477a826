"""The slip of a ticket just taken: plain data for printing.slip, and printing it."""

from __future__ import annotations

from pathlib import Path

from counter_app.config import Settings
from counter_app.domain.clock import local
from counter_app.services.queue import Hall, Taken
from devices.escpos.spool import JobSpool
from printing.slip import SlipData, SlipPrinted, print_slip


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def qr_url(template: str, hall_code: str, number: str, day: str) -> str:
    """The slip's QR target: `{hall}`, `{number}`, `{day}` are filled in; any other
    brace stays as written."""
    if not template:
        return ""
    return template.format_map(_Keep(hall=hall_code, number=number, day=day))


def slip_for(taken: Taken, settings: Settings, hall: Hall) -> SlipData:
    t = taken.ticket
    return SlipData(
        hall_name=settings.hall.name,
        number=t.number,
        category_name=t.category_name,
        waiting_ahead=taken.waiting_ahead,
        taken_at=local(t.taken_at),
        qr_url=qr_url(settings.queue.slip_qr_url, hall.code, t.number, hall.today(t.taken_at)),
        note=hall.rules.missed_note(),
        priority_reason=t.priority_reason,
        holder=t.holder,  # already masked
    )


def print_ticket(
    taken: Taken, settings: Settings, hall: Hall, printer: str | None = None,
    pdf_dir: Path | None = None, spool: JobSpool | None = None,
) -> SlipPrinted:
    """Print the slip on `printer` (default: the configured slip printer). Blocking.
    A failed ESC/POS slip stays in `spool` (a folder one keeps it across a restart)."""
    return print_slip(
        slip_for(taken, settings, hall),
        printer if printer is not None else settings.devices.slip_printer,
        pdf_dir=pdf_dir, spool=spool,
    )
