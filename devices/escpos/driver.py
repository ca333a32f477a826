"""The slip printer driver: jobs in, results and paper status out, on one thread.

`print_job(data, title)` puts the job in the spool on the caller's thread (so it is
safe even if the program stops next) and returns its id; the driver thread prints it
and sends `PrintJobDone` or `PrintJobFailed` (the job stays in the spool for
`reprint`). Between jobs the driver asks the printer's real-time status every
`status_interval_s`: paper out, cover open and no answer show as ERROR / OFFLINE with
the Chinese reason; paper near end as ONLINE with a warning reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from devices.base import DeviceDriver, DeviceEvent, DeviceState, PortLost
from devices.escpos.links import LINK_ERRORS, PrinterLink
from devices.escpos.printer import EscPosPrinter, PrintResult
from devices.escpos.spool import JobSpool, SpoolJob
from devices.escpos.status import PrinterStatus
from devices.transport import DeviceUnavailable, describe_link_error


@dataclass(frozen=True)
class PrintJobDone(DeviceEvent):
    job_id: str
    warning: str = ""


@dataclass(frozen=True)
class PrintJobFailed(DeviceEvent):
    job_id: str
    reason: str


class PrinterDriver(DeviceDriver):
    kind = "printer"

    def __init__(
        self,
        printer: str | PrinterLink,
        *,
        spool: JobSpool | None = None,
        status_interval_s: float = 5.0,
        status_timeout_s: float = 0.5,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.printer = EscPosPrinter(printer, spool=spool, status_timeout=status_timeout_s)
        self.status_interval_s = status_interval_s
        self._next_check = 0.0

    @property
    def spool(self) -> JobSpool:
        return self.printer.spool

    def print_job(self, data: bytes, title: str = "") -> str:
        job = self.spool.add(data, title, self.printer.url)
        self.call_soon(lambda: self._print(job))
        return job.job_id

    def reprint(self, job_id: str) -> None:
        def run() -> None:
            job = self.spool.get(job_id)
            if job is None:
                self._emit(PrintJobFailed(self.name, job_id, "打印任务不存在"))
                return
            self.spool.mark_started(job_id)
            self._print(job)

        self.call_soon(run)

    def kept_jobs(self) -> list[SpoolJob]:
        return self.spool.failed()

    def check_now(self) -> None:
        self.call_soon(lambda: setattr(self, "_next_check", 0.0))

    # ---- driver thread ------------------------------------------------------------

    def _print(self, job: SpoolJob) -> None:
        if not self.connected:
            reason = f"打印机未连接: {self.status.reason}"
            self.spool.mark_failed(job.job_id, reason)
            self._emit(PrintJobFailed(self.name, job.job_id, reason))
            return
        result: PrintResult = self.printer.send(job)
        if result.status is not None:
            self._show(result.status)
        if result.ok:
            self._emit(PrintJobDone(self.name, job.job_id, result.reason))
        else:
            self._emit(PrintJobFailed(self.name, job.job_id, result.reason))
            if result.status is None:
                raise PortLost(result.reason)
        self._next_check = time.monotonic() + self.status_interval_s

    def _connect(self) -> None:
        self.printer.open()
        try:
            status = self.printer.status()
        except LINK_ERRORS as exc:
            self.printer.close()
            if isinstance(exc, DeviceUnavailable):
                raise
            raise DeviceUnavailable(describe_link_error(exc),
                                    detail=f"{type(exc).__name__}: {exc}") from exc
        if not status.answered:
            self.printer.close()
            raise DeviceUnavailable(status.problem)
        self._show(status)
        self._next_check = time.monotonic() + self.status_interval_s

    def _on_connected(self) -> None:
        pass  # _connect already showed the printer's status

    def _disconnect(self) -> None:
        self.printer.close()

    def _show(self, status: PrinterStatus) -> None:
        if not status.answered:
            self._set_status(DeviceState.OFFLINE, status.problem)
        elif not status.ok:
            self._set_status(DeviceState.ERROR, status.problem)
        else:
            self._set_status(DeviceState.ONLINE, status.warning)

    def _tick(self) -> None:
        now = time.monotonic()
        if now < self._next_check:
            time.sleep(0.02)
            return
        self._next_check = now + self.status_interval_s
        status = self.printer.status()
        if not status.answered:
            raise PortLost(status.problem)
        self._show(status)
