"""The slip printer driver: jobs in, results and paper status out, on one thread.

`print_job(data, title)` puts the job in the spool on the caller's thread (so it is
safe even if the program stops next) and returns its id; the driver thread prints it
and sends `PrintJobDone` or `PrintJobFailed` (the job stays in the spool). Between
jobs the driver asks the printer's real-time status every `status_interval_s`: paper
out, cover open and no answer show as ERROR / OFFLINE with the Chinese reason; paper
near end as ONLINE with a warning reason.

Nothing waits for a person (`auto_retry`, on by default): kept jobs of this printer
(failed ones, and ones a crash or a previous run left behind in the spool folder)
are printed by themselves, oldest first, as soon as the printer reports it is fit to
print again (paper refilled, cover closed, cable back) and right after the driver
(re)connects. New jobs queue behind them, so slips come out in the order they were
taken. While jobs wait, `PrintJobsWaiting` lists them (sent whenever the list
changes, an empty list once all are out), for a staff alert.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from devices.base import DeviceDriver, DeviceEvent, DeviceState, PortLost, on_driver_thread
from devices.escpos.links import LINK_ERRORS, PrinterLink
from devices.escpos.printer import EscPosPrinter, PrintResult
from devices.escpos.spool import PENDING, JobSpool, SpoolJob
from devices.escpos.status import PrinterStatus
from devices.transport import DeviceUnavailable, describe_link_error

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintJobDone(DeviceEvent):
    job_id: str
    warning: str = ""
    retried: bool = False  # printed by a retry (the slip comes out later than taken)


@dataclass(frozen=True)
class PrintJobFailed(DeviceEvent):
    job_id: str
    reason: str  # Chinese; the job is kept and retried by itself


@dataclass(frozen=True)
class PrintJobsWaiting(DeviceEvent):
    """The jobs of this printer kept for a retry, oldest first."""

    jobs: tuple[SpoolJob, ...]


class PrinterDriver(DeviceDriver):
    kind = "printer"

    def __init__(
        self,
        printer: str | PrinterLink,
        *,
        spool: JobSpool | None = None,
        status_interval_s: float = 5.0,
        status_timeout_s: float = 0.5,
        auto_retry: bool = True,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.printer = EscPosPrinter(printer, spool=spool, status_timeout=status_timeout_s)
        self.status_interval_s = status_interval_s
        self.auto_retry = auto_retry
        self._next_check = 0.0
        self._next_listing = 0.0
        self._waiting: tuple[SpoolJob, ...] | None = None  # as last sent
        self._printer_ok = False
        self._queued: set[str] = set()  # added by print_job, not yet tried
        self._queued_lock = threading.Lock()

    @property
    def spool(self) -> JobSpool:
        return self.printer.spool

    def print_job(self, data: bytes, title: str = "") -> str:
        """Keep the job (on this thread) and print it behind any older kept ones."""
        with self._queued_lock:  # so no listing sees it in the spool but not here
            job = self.spool.add(data, title, self.printer.url)
            self._queued.add(job.job_id)
        self.call_soon(self._drain)
        return job.job_id

    def reprint(self, job_id: str) -> None:
        def run() -> None:
            job = self.spool.get(job_id)
            if job is None:
                self._emit(PrintJobFailed(self.name, job_id, "打印任务不存在"))
                return
            if not self.spool.claim(job_id):
                self._emit(PrintJobFailed(self.name, job_id, "该打印任务正在由其他程序打印"))
                return
            try:
                self.spool.mark_started(job_id)
                lost = self._print_claimed(job, retried=True)
            finally:
                self.spool.release(job_id)
            self._list_waiting()
            if lost:
                raise PortLost(lost)

        self.call_soon(run)

    def kept_jobs(self) -> list[SpoolJob]:
        """This printer's jobs waiting to be (re)printed, oldest first: not the ones
        just handed in (about to be printed) nor ones another program is printing."""
        kept = self.spool.failed(self.printer.url)
        with self._queued_lock:  # after the listing: a job listed is in here if queued
            queued = set(self._queued)
        return [
            j for j in kept
            if j.job_id not in queued
            and not (j.state == PENDING and self.spool.claimed_elsewhere(j.job_id))
        ]

    def check_now(self) -> None:
        self.call_soon(lambda: setattr(self, "_next_check", 0.0))

    # ---- driver thread ------------------------------------------------------------

    def _drain(self) -> None:
        """Print every kept job of this printer, oldest first; after the first failure
        the rest are not sent (they would only fail too, or come out of order): new
        ones among them are told failed with the same reason and wait with the others."""
        failure = ""
        lost = ""
        jobs = self.spool.failed(self.printer.url)
        if not self.auto_retry:  # kept jobs wait for `reprint`; only new ones go out
            with self._queued_lock:
                jobs = [j for j in jobs if j.job_id in self._queued]
        for job in jobs:
            if not self.spool.claim(job.job_id):
                continue  # another thread or program is printing it
            try:
                if failure:
                    if job.state == PENDING and job.attempts == 0:
                        self.spool.mark_failed(job.job_id, failure, tried=False)
                        self._emit(PrintJobFailed(self.name, job.job_id, failure))
                    continue
                lost = self._print_claimed(job, retried=job.attempts > 0)
                kept = self.spool.get(job.job_id)
                if kept is not None:  # still there: it failed
                    failure = kept.reason or "打印失败"
            finally:
                self.spool.release(job.job_id)
                with self._queued_lock:
                    self._queued.discard(job.job_id)
        self._list_waiting()
        if lost:
            raise PortLost(lost)

    def _print_claimed(self, job: SpoolJob, *, retried: bool) -> str:
        """Print one claimed job and send its event; returns a reason when the link
        itself failed (the caller reconnects after finishing its loop), else ""."""
        if not self.connected:
            reason = f"打印机未连接：{self.status.reason}" if self.status.reason else "打印机未连接"
            self.spool.mark_failed(job.job_id, reason, tried=False)
            self._emit(PrintJobFailed(self.name, job.job_id, reason))
            return ""
        result: PrintResult = self.printer.send(job)
        if result.status is not None:
            self._show(result.status)
        self._next_check = time.monotonic() + self.status_interval_s
        if result.ok:
            self._emit(PrintJobDone(self.name, job.job_id, result.reason, retried))
            return ""
        self._emit(PrintJobFailed(self.name, job.job_id, result.reason))
        return result.reason if result.status is None else ""

    def _list_waiting(self) -> tuple[SpoolJob, ...]:
        """Read the kept jobs and send `PrintJobsWaiting` when the list changed (other
        programs may add jobs to a shared spool folder too)."""
        self._next_listing = time.monotonic() + self.status_interval_s
        waiting = tuple(self.kept_jobs())
        if waiting != self._waiting:
            self._waiting = waiting
            self._emit(PrintJobsWaiting(self.name, waiting))
        return waiting

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
        if self.auto_retry:
            self.call_soon(self._retry_if_fit)

    def _on_connected(self) -> None:
        pass  # _connect already showed the printer's status

    def _disconnect(self) -> None:
        self.printer.close()
        self._printer_ok = False

    def _show(self, status: PrinterStatus) -> None:
        self._printer_ok = status.ok
        if not status.answered:
            self._set_status(DeviceState.OFFLINE, status.problem)
        elif not status.ok:
            self._set_status(DeviceState.ERROR, status.problem)
        else:
            self._set_status(DeviceState.ONLINE, status.warning)

    def _retry_if_fit(self) -> None:
        """Kept jobs go out by themselves once the printer is fit to print."""
        if self.connected and self._printer_ok and self._list_waiting():
            log.info("printer %s fit again: printing %d kept jobs", self.name,
                     len(self._waiting or ()))
            self._drain()

    @on_driver_thread
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
        if self.auto_retry:
            self._retry_if_fit()

    def _on_idle(self) -> None:
        # Connected or not: keep the list of waiting jobs current for the staff alert.
        if time.monotonic() >= self._next_listing:
            self._list_waiting()
