"""The schema: create or migrate the database to the version this program needs
(`counter-app db upgrade`, every start), and tell which version it has."""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.runtime import Runtime
from counter_app.store import migrate
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
