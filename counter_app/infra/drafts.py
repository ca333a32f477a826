"""An unfinished visit kept on disk as it is typed, so a crash or a power cut loses
nothing: one small JSON file per database, window and teller under the app's data
folder, readable by its owner only (0600: it holds a citizen's ID number).

Written whole to a temporary file in the same folder and renamed over the old one,
so a kill -9 in the middle leaves the previous draft, never half of one."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

VERSION = 1


def draft_path(folder: Path, db_url: str, window_no: str, staff_no: str) -> Path:
    """The draft of this teller at this window on this database (a test database or
    a second hall on the same PC never sees another's draft)."""
    db = hashlib.sha256(db_url.encode("utf-8")).hexdigest()[:12]
    safe = "".join(c if c.isalnum() else "_" for c in f"w{window_no}-{staff_no}")
    return folder / "drafts" / f"{db}-{safe}.json"


class DraftStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def save(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        text = json.dumps({"version": VERSION, "draft": data}, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(prefix=".draft-", dir=self.path.parent)  # 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def load(self) -> dict[str, Any] | None:
        """The saved draft, or None; an unreadable file is set aside (*.bad), not
        offered and not deleted."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            data = json.loads(raw)
            draft = data["draft"]
            if data.get("version") != VERSION or not isinstance(draft, dict):
                raise ValueError("unknown draft format")
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("draft %s unreadable (%s): set aside", self.path, exc)
            with contextlib.suppress(OSError):
                os.replace(self.path, self.path.with_suffix(".bad"))
            return None
        return draft

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
