"""Files with personal data are the user's alone: the SQLite database with its WAL
and SHM files, the log, and papers are 0600 in folders created 0700. Alembic's INFO
lines stay out of the log."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from counter_app.logs import setup_logging
from counter_app.store import migrate
from counter_app.store.db import make_engine
from printing.pdf.layout import write_pdf

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():  # type: ignore[no-untyped-def]
    """The usual 022: what made the files world-readable before."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_new_database_wal_and_shm_are_private(tmp_path: Path, open_umask) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "data" / "kuaiban" / "counter.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE probe (x INTEGER)"))
            conn.execute(text("INSERT INTO probe VALUES (1)"))
        with engine.connect() as conn:  # WAL and SHM exist while a connection is open
            conn.execute(text("SELECT count(*) FROM probe"))
            wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
            assert wal.exists() and shm.exists()
            assert {mode(db), mode(wal), mode(shm)} == {0o600}
    finally:
        engine.dispose()
    assert mode(db.parent) == 0o700 and mode(db.parent.parent) == 0o700


def test_an_older_world_readable_database_is_narrowed(tmp_path: Path, open_umask) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "counter.sqlite3"
    db.touch(mode=0o644)
    os.chmod(db, 0o644)
    make_engine(f"sqlite:///{db}").dispose()
    assert mode(db) == 0o600
    assert mode(tmp_path) == stat.S_IMODE(tmp_path.stat().st_mode)  # untouched


def test_log_files_are_private_and_quiet_about_alembic(tmp_path: Path, open_umask) -> None:  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    before = list(root.handlers), root.level
    folder = tmp_path / "state" / "log"
    try:
        path = setup_logging(folder)
        engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
        migrate.upgrade(engine)  # alembic says "Context impl SQLiteImpl." at INFO
        engine.dispose()
        logging.getLogger("counter_app.test").info("probe 11010519491231002X")
        handler = next(h for h in root.handlers if getattr(h, "_counter", False))
        handler.flush()
        assert mode(path) == 0o600 and mode(folder) == 0o700
        assert mode(folder.parent) == 0o700
        content = path.read_text(encoding="utf-8")
        assert "probe 110105********002X" in content
        assert "alembic" not in content
        handler.doRollover()  # the next file is private too
        assert mode(path) == 0o600 and mode(Path(f"{path}.1")) == 0o600
    finally:
        for h in list(root.handlers):
            if h not in before[0]:
                root.removeHandler(h)
                h.close()
        root.setLevel(before[1])
        logging.getLogger("alembic").setLevel(logging.NOTSET)


def test_papers_are_private(tmp_path: Path, open_umask) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "papers" / "20260929" / "receipt.pdf"
    write_pdf(b"%PDF-1.4\n", out)
    assert mode(out) == 0o600
    assert mode(out.parent) == 0o700 and mode(out.parent.parent) == 0o700
