"""The schema: create or migrate the database to the version this program needs
(`counter-app db upgrade`, every start), and tell which version it has; a hall's
PostgreSQL set up with least-privilege roles for its PCs (`counter-app hall …`)."""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.runtime import Runtime
from counter_app.store import hall_roles, migrate
from counter_app.store.hall_roles import HallRoleError, PcKind, PcLogin
from counter_app.store.migrate import Upgraded


def upgrade(rt: Runtime) -> Upgraded:
    """Migrate to the latest version (many PCs at once: one migrates, the rest wait)."""
    return migrate.upgrade(rt.engine)


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None
    head: str | None

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def schema_status(rt: Runtime) -> SchemaStatus:
    return SchemaStatus(migrate.current_revision(rt.engine), migrate.head_revision())


# ---- a hall on PostgreSQL ------------------------------------------------------------------


@dataclass(frozen=True)
class HallReady:
    schema: Upgraded
    roles_created: tuple[str, ...]


def init_hall(rt: Runtime, prefix: str = "counter") -> HallReady:
    """The hall's PostgreSQL: the schema at the latest version and the group roles of
    window PCs, kiosks and displays (least privilege). Idempotent."""
    _require_postgres(rt)
    upgraded = migrate.upgrade(rt.engine)
    with rt.engine.begin() as conn:
        created = hall_roles.create_groups(conn, prefix)
    return HallReady(upgraded, tuple(created))


def add_pc(rt: Runtime, name: str, kind: PcKind, prefix: str = "counter") -> PcLogin:
    """A login for one PC of the hall (its password is shown once)."""
    _require_postgres(rt)
    with rt.engine.begin() as conn:
        return hall_roles.add_pc(conn, prefix, name, kind)


def _require_postgres(rt: Runtime) -> None:
    if rt.engine.dialect.name != "postgresql":
        raise HallRoleError("单机 SQLite 不需要大厅设置；请用 --db postgresql://… 指向大厅数据库")
