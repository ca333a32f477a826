"""The outbox to remote systems: at-least-once delivery, exactly-once receipt.

A row is written in the same transaction as the fact it reports (a rating), so a
crash never loses one and never sends one that was rolled back. A deliverer
claims due rows with a lease (two PCs never send the same row at once; a killed
deliverer's lease simply runs out), POSTs them, and marks the result:

- 2xx, and 409 (the receiver already has this key): delivered;
- 5xx, 408, 429, timeouts, refused connections: retry later, with exponential
  backoff and jitter;
- any other 4xx: parked with the reason, for the supervisor (retrying would not help).

Receipt is exactly-once because every request carries the row's idempotency key,
as the `Idempotency-Key` header and as a field, and the receiver dedups on it. A
crash between the POST and the "delivered" mark sends the row again after the
lease; the receiver answers 409 and the row is delivered.

The API key is read from the OS keyring on every send (never config, never logs).
Logs carry keys and HTTP statuses only, never a payload (personal data).
"""

from __future__ import annotations

import json
import logging
import random
import socket
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from counter_app.domain.clock import Clock, system_clock
from counter_app.secrets import get_secret
from counter_app.services.hcp_export import Profile
from counter_app.store.rating_models import OutboxMessage

log = logging.getLogger(__name__)


class OutboxStatus:
    PENDING = "pending"
    DELIVERED = "delivered"
    PARKED = "parked"


STATUS_LABELS = {"pending": "待发送", "delivered": "已送达", "parked": "已搁置"}


def enqueue(
    session: Session,
    now: datetime,
    key: str,
    payload: dict[str, Any],
    *,
    target: str = "hcp",
    kind: str = "rating",
    rating_id: int | None = None,
) -> OutboxMessage:
    """Add a row to the caller's transaction (the one that stores the fact)."""
    row = OutboxMessage(
        key=key,
        target=target,
        kind=kind,
        rating_id=rating_id,
        payload=payload,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
    )
    session.add(row)
    return row


# ---- sending ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    status: int | None  # HTTP status, None when no answer came
    error: str = ""  # Chinese, for the supervisor; never the payload


class Sender(Protocol):
    def send(self, key: str, payload: dict[str, Any]) -> SendResult: ...


class Verdict:
    DELIVERED = "delivered"
    RETRY = "retry"
    PARK = "park"


def classify(result: SendResult) -> str:
    s = result.status
    if s is None:
        return Verdict.RETRY
    if 200 <= s < 300 or s == 409:
        return Verdict.DELIVERED
    if s >= 500 or s in (408, 425, 429):
        return Verdict.RETRY
    return Verdict.PARK


class HttpSender:
    """POST the profile's JSON record to `url`."""

    def __init__(
        self,
        url: str,
        profile: Profile,
        *,
        api_key: Callable[[], str | None] | None = None,
    ) -> None:
        self.url = url
        self.profile = profile
        self._api_key = api_key or (lambda: get_secret(profile.api_key_secret))
        self._warned_no_key = False

    def send(self, key: str, payload: dict[str, Any]) -> SendResult:
        body = json.dumps(self.profile.record(payload), ensure_ascii=False).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": key,
            "User-Agent": "kuaiban-counter",
        }
        secret = self._api_key()
        if secret:
            headers[self.profile.api_key_header] = secret
        elif not self._warned_no_key:
            self._warned_no_key = True
            log.warning("no API key in the keyring under %r", self.profile.api_key_secret)
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.profile.timeout_seconds) as resp:
                resp.read()
                return SendResult(resp.status)
        except urllib.error.HTTPError as exc:
            detail = _short(exc.read())
            exc.close()
            return SendResult(exc.code, f"HTTP {exc.code} {exc.reason}{detail}")
        except TimeoutError:
            return SendResult(None, "接口超时")
        except urllib.error.URLError as exc:
            return SendResult(None, f"无法连接接口: {exc.reason}")
        except OSError as exc:
            return SendResult(None, f"网络错误: {exc}")


def _short(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    return f": {text[:200]}" if text else ""


# ---- the deliverer -----------------------------------------------------------------------


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

    # -- one pass -----------------------------------------------------------------

    def run_once(self, *, ignore_backoff: bool = False) -> RunStats:
        """Send every due row once (all pending rows with `ignore_backoff`)."""
        stats = RunStats()
        while not self._stop.is_set():
            ids = self._claim(ignore_backoff)
            if not ids:
                break
            stats.claimed += len(ids)
            for row_id in ids:
                if self._stop.is_set():
                    break
                self._deliver(row_id, stats)
            if len(ids) < self.batch:
                break
        self.totals += stats
        return stats

    def _claim(self, ignore_backoff: bool) -> list[int]:
        now = self.clock()
        with self.sessions() as session, session.begin():
            stmt = select(OutboxMessage.id).where(
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
        verdict = classify(result)
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
            log.info("outbox %s: retry in %.1fs (%s)", key, wait, result.status or "no answer")
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


# ---- status and repair ---------------------------------------------------------------------


@dataclass(frozen=True)
class ParkedRow:
    id: int
    key: str
    attempts: int
    last_status: int | None
    last_error: str
    created_at: datetime


@dataclass(frozen=True)
class Summary:
    pending: int
    delivered: int
    parked: int
    retrying: int  # pending rows that failed at least once
    oldest_pending: datetime | None
    parked_rows: tuple[ParkedRow, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "delivered": self.delivered,
            "parked": self.parked,
            "retrying": self.retrying,
            "oldest_pending": self.oldest_pending.isoformat() if self.oldest_pending else None,
            "parked_rows": [
                {
                    "id": r.id,
                    "key": r.key,
                    "attempts": r.attempts,
                    "last_status": r.last_status,
                    "last_error": r.last_error,
                    "created_at": r.created_at.isoformat(),
                }
                for r in self.parked_rows
            ],
        }


def summary(session: Session, target: str = "hcp") -> Summary:
    counts = dict(
        session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.target == target)
            .group_by(OutboxMessage.status)
        ).all()
    )
    retrying = session.scalar(
        select(func.count()).where(
            OutboxMessage.target == target,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.attempts > 0,
        )
    )
    oldest = session.scalar(
        select(func.min(OutboxMessage.created_at)).where(
            OutboxMessage.target == target, OutboxMessage.status == OutboxStatus.PENDING
        )
    )
    parked = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.target == target, OutboxMessage.status == OutboxStatus.PARKED)
        .order_by(OutboxMessage.id)
        .limit(200)
    ).all()
    return Summary(
        pending=int(counts.get(OutboxStatus.PENDING, 0)),
        delivered=int(counts.get(OutboxStatus.DELIVERED, 0)),
        parked=int(counts.get(OutboxStatus.PARKED, 0)),
        retrying=int(retrying or 0),
        oldest_pending=oldest,
        parked_rows=tuple(
            ParkedRow(r.id, r.key, r.attempts, r.last_status, r.last_error, r.created_at)
            for r in parked
        ),
    )


def requeue_parked(session: Session, now: datetime, ids: list[int] | None = None,
                   target: str = "hcp") -> int:
    """Put parked rows back in line (after the cause was fixed); returns how many."""
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.target == target, OutboxMessage.status == OutboxStatus.PARKED)
        .values(status=OutboxStatus.PENDING, next_attempt_at=now, lease_owner=None,
                lease_until=None)
    )
    if ids:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    return int(session.execute(stmt).rowcount or 0)


def sender_from_settings(settings: Any, profile: Profile) -> HttpSender | None:
    """The HTTP sender of the configured target, None when no URL is set."""
    url = str(getattr(settings, "hcp_url", "") or "")
    return HttpSender(url, profile) if url else None
