"""Is the database's schema the one this program ships? Answered without Alembic.

Every start asks this; importing Alembic (and Mako with it) to find the head
revision costs a quarter of a second, so the shipped migration files are read as
text instead (each declares `revision` and `down_revision`), and the database's
`alembic_version` is one SELECT. Only a database that is behind (or new) goes to
`migrate.upgrade`, which does the real work under its lock.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


@functools.cache
def head_revisions() -> frozenset[str]:
    """The revisions no shipped migration builds on (one, unless branches are open)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in VERSIONS.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev = _REVISION.search(source)
        if rev is None:
            continue
        revisions.add(rev.group(1))
        down = _DOWN.search(source)
        if down is not None:
            parents.update(_QUOTED.findall(down.group(1)))
    return frozenset(revisions - parents)


def is_current(engine: Engine) -> bool:
    """True when the database is at the shipped head (False also when it cannot say:
    then the migration runs and says what is wrong)."""
    try:
        with engine.connect() as conn:
            stored = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except SQLAlchemyError:
        return False
    heads = head_revisions()
    return bool(heads) and stored == set(heads)


# ---- a new SQLite file starts as a copy of a migrated one ------------------------------


def _sqlite_file(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite":
        return None
    name = engine.url.database or ""
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def template_for(cache: Path) -> Path:
    return cache / f"schema-{'-'.join(sorted(head_revisions()))}.sqlite3"


def copy_template(engine: Engine, cache: Path) -> bool:
    """Give a brand-new SQLite file (no table yet) the schema by copying the migrated
    template, if one was saved for this head: the migrations (with Alembic) take a
    second; a copy, milliseconds. False when there is nothing to copy or no reason to."""
    path = _sqlite_file(engine)
    template = template_for(cache)
    if path is None or not template.exists():
        return False
    try:
        with engine.connect() as conn:
            if conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar():
                return False
    except SQLAlchemyError:
        return False
    engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, path)  # into the file make_engine created 0600
    return True


def save_template(engine: Engine, cache: Path) -> None:
    """Keep a copy of a SQLite file just created by the migrations (nothing in it
    but the schema) as the template for the next new file."""
    path = _sqlite_file(engine)
    if path is None:
        return
    target = template_for(cache)
    engine.dispose()  # the last connection closed: the WAL is checked into the file
    try:
        cache.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, path.open("rb") as src:
            shutil.copyfileobj(src, out)
        os.replace(tmp, target)
    except OSError:
        return  # only a slower next start
