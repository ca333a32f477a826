"""Folders for papers: they hold names and masked numbers of applicants, so a folder
this package creates is 0700 (a PDF written by layout.write_pdf is 0600: it comes
from mkstemp). Folders that exist are left as they are (they may be shared)."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700


def private_parents(path: Path) -> None:
    """Create the missing folders above `path` as 0700."""
    missing = []
    current = path.parent
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue
        if os.name != "nt":
            os.chmod(folder, PRIVATE_DIR_MODE)
