"""The deliverer: claims due outbox rows with a lease (two PCs never send the same
row at once; a killed deliverer's lease simply runs out), sends them, records the
verdict. One thread, any number of deliverers on any number of PCs.

- 2xx and 409: delivered; 5xx, 408, 425, 429, no answer: retried later with
  exponential backoff and jitter; any other 4xx: parked for the supervisor.
- A crash between the POST and the "delivered" mark sends the row again after the
  lease; the receiver answers 409 and the row is delivered.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from counter_app.domain.clock import Clock, system_clock
from counter_app.domain.outbox import OutboxStatus, Verdict, classify
from counter_app.infra.http_sender import Sender, SendResult
from counter_app.store.models import OutboxMessage

log = logging.getLogger(__name__)


@dataclass
class Backoff:
    """Seconds to wait before attempt n+1 after n failures: base·2^(n-1), capped, ±20 %."""

    base: float = 5.0
    cap: float = 1800.0
    jitter: float = 0.2
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempts: int) -> float:
        raw = min(self.cap, self.base * 2 ** max(0, attempts - 1))
        return raw * (1 + self.rng.uniform(-self.jitter, self.jitter))


@dataclass
class RunStats:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    parked: int = 0

    def __iadd__(self, other: RunStats) -> RunStats:
        self.claimed += other.claimed
        self.delivered += other.delivered
        self.retried += other.retried
        self.parked += other.parked
        return self


class Deliverer:
    """Claims due rows, sends them, records the verdict. One thread, any number of
    deliverers on any number of PCs (leases keep them apart)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        sender: Sender,
        *,
        target: str = "hcp",
        clock: Clock = system_clock,
        owner: str | None = None,
        lease_seconds: float = 120.0,
        batch: int = 20,
        backoff: Backoff | None = None,
        idle_seconds: float = 5.0,
    ) -> None:
        self.sessions = sessions
        self.sender = sender
        self.target = target
        self.clock = clock
        self.owner = owner or f"{socket.gethostname()[:40]}-{uuid.uuid4().hex[:8]}"
        self.lease = timedelta(seconds=lease_seconds)
        self.batch = batch
        self.backoff = backoff or Backoff()
        self.idle_seconds = idle_seconds
        self.totals = RunStats()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._outage_logged = False

    # -- one pass -----------------------------------------------------------------

    def run_once(self, *, ignore_backoff: bool = False) -> RunStats:
        """Try every due row once (all pending rows with `ignore_backoff`): a row
        that failed in this pass is not claimed again until the next one, so a pass
        ends even while the endpoint is down."""
        stats = RunStats()
        tried: set[int] = set()
        while not self._stop.is_set():
            ids = self._claim(ignore_backoff, after=max(tried, default=0))
            if not ids:
                break
            stats.claimed += len(ids)
            for row_id in ids:
                tried.add(row_id)
                if self._stop.is_set():
                    break
                self._deliver(row_id, stats)
            if len(ids) < self.batch:
                break
        self.totals += stats
        return stats

    def _claim(self, ignore_backoff: bool, after: int = 0) -> list[int]:
        """Lease up to `batch` due rows with ids above `after` (ids only grow)."""
        now = self.clock()
        with self.sessions() as session, session.begin():
            stmt = select(OutboxMessage.id).where(
                OutboxMessage.id > after,
                OutboxMessage.target == self.target,
                OutboxMessage.status == OutboxStatus.PENDING,
                or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
            )
            if not ignore_backoff:
                stmt = stmt.where(OutboxMessage.next_attempt_at <= now)
            candidates = list(session.scalars(stmt.order_by(OutboxMessage.id).limit(self.batch)))
            claimed: list[int] = []
            for row_id in candidates:
                # Conditional update: only one deliverer wins a row.
                result = session.execute(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.id == row_id,
                        OutboxMessage.status == OutboxStatus.PENDING,
                        or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
                    )
                    .values(lease_owner=self.owner, lease_until=now + self.lease)
                )
                if result.rowcount == 1:
                    claimed.append(row_id)
            return claimed

    def _deliver(self, row_id: int, stats: RunStats) -> None:
        with self.sessions() as session:
            row = session.get(OutboxMessage, row_id)
            if row is None or row.status != OutboxStatus.PENDING:
                return
            key, payload, attempts = row.key, dict(row.payload), row.attempts
        try:
            result = self.sender.send(key, payload)
        except Exception as exc:  # a bug in a sender must not kill the loop
            log.exception("sender failed for %s", key)
            result = SendResult(None, f"发送程序错误: {type(exc).__name__}")
        verdict = classify(result.status)
        if result.status is not None and self._outage_logged:
            self._outage_logged = False
            log.warning("province endpoint answers again")
        now = self.clock()
        values: dict[str, Any] = {
            "attempts": attempts + 1,
            "last_status": result.status,
            "lease_owner": None,
            "lease_until": None,
        }
        if verdict == Verdict.DELIVERED:
            values.update(status=OutboxStatus.DELIVERED, delivered_at=now, last_error="")
            stats.delivered += 1
        elif verdict == Verdict.PARK:
            values.update(status=OutboxStatus.PARKED, last_error=result.error[:1000])
            stats.parked += 1
            log.warning("outbox %s parked: HTTP %s", key, result.status)
        else:
            wait = self.backoff.delay(attempts + 1)
            values.update(next_attempt_at=now + timedelta(seconds=wait),
                          last_error=result.error[:1000])
            stats.retried += 1
            if result.status is not None:
                log.info("outbox %s: HTTP %s, retry in %.0fs", key, result.status, wait)
            elif not self._outage_logged:  # one line per outage, not one per row
                self._outage_logged = True
                log.warning("province endpoint unreachable (%s); rows wait for the next pass",
                            result.error)
        with self.sessions() as session, session.begin():
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.PENDING)
                .values(**values)
            )

    # -- the loop ------------------------------------------------------------------

    def start(self) -> Deliverer:
        if self._thread is not None and self._thread.is_alive():
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-deliverer", daemon=True)
        self._thread.start()
        return self

    def wake(self) -> None:
        """Look for work now (e.g. right after a rating was stored)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
                wait = self._seconds_to_next_due()
            except Exception:  # the database may be away for a moment
                log.exception("outbox pass failed")
                wait = self.idle_seconds
            self._wake.wait(wait)
            self._wake.clear()

    def _seconds_to_next_due(self) -> float:
        with self.sessions() as session:
            due = session.scalar(
                select(func.min(OutboxMessage.next_attempt_at)).where(
                    OutboxMessage.target == self.target,
                    OutboxMessage.status == OutboxStatus.PENDING,
                )
            )
        if due is None:
            return self.idle_seconds
        seconds = (due - self.clock()).total_seconds()
        return max(0.05, min(self.idle_seconds, seconds))
