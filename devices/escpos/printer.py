"""Printing a job on an ESC/POS printer, synchronously, with status checks.

`EscPosPrinter.print_job` keeps the job in the spool first, asks the real-time status
(DLE EOT 1, 2, 4), sends the bytes only to a printer fit to print, asks again after
the job (paper may run out halfway) and removes the job from the spool only when all
went well. Everything else leaves the job in the spool with a Chinese reason. The job
is claimed while it is printed (see `spool`), so nobody else prints it meanwhile.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from devices.escpos.builder import status_request
from devices.escpos.links import LINK_ERRORS, PrinterLink, open_link
from devices.escpos.spool import JobSpool, SpoolJob
from devices.escpos.status import UNKNOWN_OK, PrinterStatus, parse_status
from devices.transport import describe_link_error

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintResult:
    job_id: str
    ok: bool
    reason: str = ""
    status: PrinterStatus | None = None


class EscPosPrinter:
    """One printer; not thread-safe (the printer driver's thread owns it)."""

    def __init__(
        self,
        printer: str | PrinterLink,
        *,
        spool: JobSpool | None = None,
        status_timeout: float = 0.5,
    ) -> None:
        self.link = open_link(printer) if isinstance(printer, str) else printer
        self.spool = spool if spool is not None else JobSpool()
        self.status_timeout = status_timeout

    @property
    def url(self) -> str:
        return self.link.url

    def open(self) -> None:
        self.link.open()

    def close(self) -> None:
        self.link.close()

    def status(self) -> PrinterStatus:
        """Ask DLE EOT 1, 2 and 4. A link that cannot answer counts as fit."""
        if not self.link.supports_status:
            return UNKNOWN_OK
        answers: dict[int, int | None] = {}
        for n in (1, 2, 4):
            answers[n] = self.link.query(status_request(n), self.status_timeout)
            if answers[n] is None:
                break  # no answer to one: no point waiting for the others
        return parse_status(answers)

    def print_job(self, data: bytes, title: str = "") -> PrintResult:
        job = self.spool.add(data, title, self.url, claim=True)
        try:
            return self.send(job)
        finally:
            self.spool.release(job.job_id)

    def reprint(self, job_id: str) -> PrintResult:
        job = self.spool.get(job_id)
        if job is None:
            return PrintResult(job_id, False, "打印任务不存在")
        if not self.spool.claim(job_id):
            return PrintResult(job_id, False, "该打印任务正在由其他程序打印")
        try:
            self.spool.mark_started(job_id)
            return self.send(job)
        finally:
            self.spool.release(job_id)

    def send(self, job: SpoolJob) -> PrintResult:
        """Print a job the caller has claimed; it leaves the spool only when printed."""
        try:
            self.link.open()
            before = self.status()
            if not before.ok:
                return self._fail(job, before.problem, before)
            self.link.write(self.spool.data(job.job_id))
            after = self.status()
        except LINK_ERRORS as exc:
            self.link.close()
            reason = describe_link_error(exc)
            log.info("printer %s failed: %s", self.url, getattr(exc, "detail", "") or repr(exc))
            return self._fail(job, reason, None)
        if not after.ok:
            # The bytes went out but the printer reports trouble: reprint to be sure.
            return self._fail(job, f"打印过程中{after.problem.removeprefix('打印机')}", after)
        self.spool.mark_done(job.job_id)
        return PrintResult(job.job_id, True, after.warning, after)

    def _fail(self, job: SpoolJob, reason: str, status: PrinterStatus | None) -> PrintResult:
        self.spool.mark_failed(job.job_id, reason)
        log.info("print job %s kept: %s", job.job_id, reason)
        return PrintResult(job.job_id, False, reason, status)
