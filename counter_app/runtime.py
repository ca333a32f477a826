"""Composition root shared by the CLI and the GUI: settings, database, catalogue,
calendar, clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import resources
from counter_app.config import Settings, load_settings
from counter_app.domain.clock import Clock, system_clock
from counter_app.domain.workcal import WorkCalendar, load_overrides
from counter_app.secrets import db_password
from counter_app.services.context import Deps, Desk
from counter_app.store import migrate
from counter_app.store.db import make_engine, normalize_url, session_factory, unit_of_work


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    return WorkCalendar(load_overrides(resources.HOLIDAY_OVERRIDES))


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    deps: Deps

    @contextmanager
    def uow(self) -> Iterator[Session]:
        with unit_of_work(self.sessions) as session:
            yield session

    def desk(self, teller_id: int | None = None, ticket_id: int | None = None) -> Desk:
        return Desk(self.settings.hall_code, self.settings.window_no, teller_id, ticket_id)

    @property
    def db_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()


def open_runtime(
    db_url: str | None = None,
    settings: Settings | None = None,
    *,
    upgrade: bool = True,
    clock: Clock = system_clock,
) -> Runtime:
    """Open the database (migrating it to the latest schema unless told not to)."""
    from counter_app.catalogue import default_catalogue

    settings = settings or load_settings()
    url = normalize_url(db_url or settings.effective_db_url)
    engine = make_engine(url, password=db_password(url))
    if upgrade:
        migrate.upgrade(engine)
    deps = Deps(default_catalogue(), default_calendar(), clock)
    return Runtime(settings, engine, session_factory(engine), deps)
