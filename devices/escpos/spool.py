"""Print jobs kept for reprint: nothing is lost when the printer fails.

A job is written to the spool *before* it is sent and removed only once the printer
took it with a good status; a failed job stays with its reason. With a folder the
spool survives a restart (`<id>.bin` holds the bytes, `<id>.json` the metadata, both
written atomically); without one it lives in memory.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

PENDING = "pending"  # being printed (after a crash: counts as failed)
FAILED = "failed"


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


class JobSpool:
    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self._lock = threading.RLock()
        self._memory: dict[str, tuple[SpoolJob, bytes]] = {}
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    # ---- writing ------------------------------------------------------------------

    def add(self, data: bytes, title: str = "", printer: str = "") -> SpoolJob:
        now = datetime.now()
        job_id = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
        job = SpoolJob(job_id, title, now.isoformat(timespec="seconds"), len(data),
                       printer=printer)
        with self._lock:
            if self.folder is None:
                self._memory[job_id] = (job, bytes(data))
            else:
                self._atomic_write(self.folder / f"{job_id}.bin", bytes(data))
                self._save(job)
        return job

    def mark_failed(self, job_id: str, reason: str) -> SpoolJob | None:
        with self._lock:
            job = self.get(job_id)
            if job is None:
                return None
            job = replace(job, state=FAILED, reason=reason, attempts=job.attempts + 1)
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

    def jobs(self) -> list[SpoolJob]:
        """Every job kept, oldest first."""
        with self._lock:
            if self.folder is None:
                found = [job for job, _ in self._memory.values()]
            else:
                found = [j for p in self.folder.glob("*.json") if (j := self._load(p))]
        return sorted(found, key=lambda j: (j.created, j.job_id))

    def failed(self) -> list[SpoolJob]:
        """Jobs to reprint: failed ones and ones left pending by a crash."""
        return [j for j in self.jobs() if j.state in (FAILED, PENDING)]

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
