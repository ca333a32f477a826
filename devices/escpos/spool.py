"""Print jobs kept for reprint: nothing is lost when the printer fails.

A job is written to the spool *before* it is sent and removed only once the printer
took it with a good status; a failed job stays with its reason. With a folder the
spool survives a restart (`<id>.bin` holds the bytes, `<id>.json` the metadata, both
written atomically); without one it lives in memory.

Order: jobs list in the order they were added, also within one second and across a
restart (`seq`, a nanosecond stamp kept strictly increasing in this process).

Claims: whoever prints a job claims it first (`claim`, an `<id>.claim` file created
exclusively, holding the process id), so a kiosk's retrier, a teller's driver and a
`counter-app` command sharing one folder never print the same job twice. A claim
left by a process that is gone (or older than `STALE_CLAIM_S`) no longer counts.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sys
import threading
import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

PENDING = "pending"  # not printed yet: new, or being printed (after a crash: to retry)
FAILED = "failed"
#: A claim this old is a leftover whatever its process id says (no slip takes minutes).
STALE_CLAIM_S = 600.0

_seq_lock = threading.Lock()
_last_seq = 0


def _next_seq() -> int:
    global _last_seq
    with _seq_lock:
        _last_seq = max(time.time_ns(), _last_seq + 1)
        return _last_seq


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill would terminate it there: rely on the age
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: it exists, under another user
        return True
    return True


@dataclass(frozen=True)
class SpoolJob:
    job_id: str
    title: str
    created: str  # ISO time, local
    size: int
    state: str = PENDING
    reason: str = ""
    attempts: int = 0
    printer: str = ""
    seq: int = 0  # order of submission; 0 in files written before it existed

    @property
    def order(self) -> tuple[int, str, str]:
        return (self.seq, self.created, self.job_id)


class JobSpool:
    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self._lock = threading.RLock()
        self._memory: dict[str, tuple[SpoolJob, bytes]] = {}
        self._claimed: set[str] = set()
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    # ---- writing ------------------------------------------------------------------

    def add(self, data: bytes, title: str = "", printer: str = "", *,
            claim: bool = False) -> SpoolJob:
        """Keep a job; with `claim`, it is claimed before anyone else can see it."""
        now = datetime.now()
        job_id = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
        job = SpoolJob(job_id, title, now.isoformat(timespec="seconds"), len(data),
                       printer=printer, seq=_next_seq())
        with self._lock:
            if claim:
                self.claim(job_id)
            if self.folder is None:
                self._memory[job_id] = (job, bytes(data))
            else:
                self._atomic_write(self.folder / f"{job_id}.bin", bytes(data))
                self._save(job)
        return job

    def mark_failed(self, job_id: str, reason: str, *, tried: bool = True) -> SpoolJob | None:
        """Keep the job with its reason; `tried=False` when it was not even sent."""
        with self._lock:
            job = self.get(job_id)
            if job is None:
                return None
            job = replace(job, state=FAILED, reason=reason,
                          attempts=job.attempts + (1 if tried else 0))
            self._store_meta(job)
            return job

    def mark_started(self, job_id: str) -> None:
        with self._lock:
            job = self.get(job_id)
            if job is not None:
                self._store_meta(replace(job, state=PENDING))

    def mark_done(self, job_id: str) -> None:
        """The printer took it: forget the job."""
        self.remove(job_id)

    def remove(self, job_id: str) -> None:
        with self._lock:
            self._memory.pop(job_id, None)
            if self.folder is not None:
                for suffix in (".json", ".bin"):
                    with contextlib.suppress(FileNotFoundError):
                        (self.folder / f"{job_id}{suffix}").unlink()
            self.release(job_id)

    # ---- claims -----------------------------------------------------------------------

    def claim(self, job_id: str) -> bool:
        """Take the job for printing; False when someone else (a thread, a process) has it."""
        with self._lock:
            if job_id in self._claimed:
                return False
            if self.folder is not None:
                path = self.folder / f"{job_id}.claim"
                for _ in range(2):
                    try:
                        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
                    except FileExistsError:
                        if not self._stale_claim(path):
                            return False
                        with contextlib.suppress(FileNotFoundError):
                            path.unlink()
                        continue
                    with os.fdopen(fd, "w", encoding="ascii") as f:
                        f.write(f"{os.getpid()} {time.time():.0f}\n")
                    break
                else:
                    return False
            self._claimed.add(job_id)
            return True

    def release(self, job_id: str) -> None:
        with self._lock:
            if job_id not in self._claimed:
                return
            self._claimed.discard(job_id)
            if self.folder is not None:
                with contextlib.suppress(FileNotFoundError):
                    (self.folder / f"{job_id}.claim").unlink()

    def claimed_elsewhere(self, job_id: str) -> bool:
        """Someone else is printing this job now."""
        with self._lock:
            if job_id in self._claimed:
                return False
            if self.folder is None:
                return False
            path = self.folder / f"{job_id}.claim"
            return path.exists() and not self._stale_claim(path)

    @staticmethod
    def _stale_claim(path: Path) -> bool:
        try:
            text = path.read_text(encoding="ascii").split()
            pid, stamp = int(text[0]), float(text[1])
        except FileNotFoundError:
            return True
        except (OSError, ValueError, IndexError):
            # Being written this instant, or garbage: judge by the file's age.
            with contextlib.suppress(OSError):
                return time.time() - path.stat().st_mtime > STALE_CLAIM_S
            return True
        return time.time() - stamp > STALE_CLAIM_S or not _process_alive(pid)

    # ---- reading ------------------------------------------------------------------

    def get(self, job_id: str) -> SpoolJob | None:
        with self._lock:
            if self.folder is None:
                entry = self._memory.get(job_id)
                return entry[0] if entry else None
            return self._load(self.folder / f"{job_id}.json")

    def data(self, job_id: str) -> bytes:
        with self._lock:
            if self.folder is None:
                if job_id not in self._memory:
                    raise KeyError(job_id)
                return self._memory[job_id][1]
            try:
                return (self.folder / f"{job_id}.bin").read_bytes()
            except FileNotFoundError:
                raise KeyError(job_id) from None

    def jobs(self, printer: str | None = None) -> list[SpoolJob]:
        """Every job kept (for `printer` only, if given), in the order they were added."""
        with self._lock:
            if self.folder is None:
                found = [job for job, _ in self._memory.values()]
            else:
                found = [j for p in self.folder.glob("*.json") if (j := self._load(p))]
        if printer is not None:
            found = [j for j in found if j.printer == printer]
        return sorted(found, key=lambda j: j.order)

    def failed(self, printer: str | None = None) -> list[SpoolJob]:
        """Jobs to reprint: failed ones and ones left pending (by a crash, or not
        printed yet), oldest first."""
        return [j for j in self.jobs(printer) if j.state in (FAILED, PENDING)]

    # ---- files ----------------------------------------------------------------------

    def _store_meta(self, job: SpoolJob) -> None:
        if self.folder is None:
            if job.job_id in self._memory:
                self._memory[job.job_id] = (job, self._memory[job.job_id][1])
        else:
            self._save(job)

    def _save(self, job: SpoolJob) -> None:
        assert self.folder is not None
        text = json.dumps(asdict(job), ensure_ascii=False, indent=1)
        self._atomic_write(self.folder / f"{job.job_id}.json", text.encode("utf-8"))

    @staticmethod
    def _atomic_write(path: Path, data: bytes) -> None:
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    @staticmethod
    def _load(path: Path) -> SpoolJob | None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return SpoolJob(**raw)
        except (OSError, ValueError, TypeError):
            return None
