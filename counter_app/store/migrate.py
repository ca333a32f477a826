"""Run the Alembic migrations shipped inside the package (`counter-app db upgrade`).

Many PCs start at once in a hall: on PostgreSQL every upgrade takes one advisory
lock first, so the first migrates and the others find the schema current. On
SQLite the migration runs with foreign keys off (Alembic's batch mode copies
tables, and dropping a parent table would otherwise cascade into its children),
then checks them before committing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: pg_advisory_xact_lock key of schema migrations ("kuaiban" in ASCII, as a number).
MIGRATION_LOCK = 0x6B75616962616E


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Upgraded:
    before: str | None  # None: the database was empty
    after: str | None

    @property
    def created(self) -> bool:
        return self.before is None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> Upgraded:
    cfg = alembic_config()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            raw = connection.connection.driver_connection  # outside any transaction
            raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with connection.begin():
                    result = _upgrade(cfg, connection, revision)
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise MigrationError(f"迁移后外键不一致: {broken[:3]}")
            finally:
                raw.execute("PRAGMA foreign_keys=ON")
        return result
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        return _upgrade(cfg, connection, revision)


def _upgrade(cfg: Config, connection: Connection, revision: str) -> Upgraded:
    before = MigrationContext.configure(connection).get_current_revision()
    if before != head_revision() or revision != "head":
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
    after = MigrationContext.configure(connection).get_current_revision()
    return Upgraded(before, after)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
