"""Private files and folders: the SQLite database, its WAL and SHM, the logs.

Without SQLAlchemy, so the log can be opened before the database (and before the
first window) at a cold start.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(folder: Path) -> None:
    """Create `folder` and any missing parents as 0700. Folders that exist are left
    as they are: they may be shared ones (/tmp, a home directory)."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:  # made by another process meanwhile
            continue
        if os.name != "nt":  # the umask may only narrow; make it exact
            os.chmod(path, PRIVATE_DIR_MODE)


def private_file(path: Path) -> None:
    """Create `path` empty as 0600 if it does not exist; narrow it to 0600 if it
    exists and belongs to this user."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE)
    except FileExistsError:
        if os.name != "nt" and path.stat().st_uid == os.getuid():
            os.chmod(path, PRIVATE_FILE_MODE)
    else:
        os.close(fd)


def private_sqlite_file(path: Path) -> None:
    """The database file and its -wal and -shm companions, 0600 in a 0700 folder."""
    private_file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            private_file(companion)
