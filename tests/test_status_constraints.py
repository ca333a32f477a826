"""Every status is an Enum stored with a CHECK constraint: a bad value written
straight into the database (not through the code) is refused, on SQLite and on
PostgreSQL, for every status column of every table."""

from __future__ import annotations

import pytest
from sqlalchemy import Enum, text
from sqlalchemy.exc import IntegrityError

from counter_app.store.models import Base
from tests.ratings.shift_data import populate

ENUM_COLUMNS = sorted(
    (table.name, column.name)
    for table in Base.metadata.sorted_tables
    for column in table.columns
    if isinstance(column.type, Enum)
)


def test_every_state_column_is_an_enum() -> None:
    expected = {
        ("cases", "status"), ("case_items", "status"), ("case_materials", "status"),
        ("tickets", "status"), ("ticket_transactions", "outcome"),
        ("rating_sessions", "state"), ("ratings", "outcome"), ("outbox", "status"),
        ("followups", "status"), ("followup_steps", "kind"), ("users", "role"),
    }
    assert expected <= set(ENUM_COLUMNS)


def test_a_bad_status_written_straight_into_the_database_is_refused(runtime, clock) -> None:  # type: ignore[no-untyped-def]
    populate(runtime, clock)  # a morning: a row in every table …
    from counter_app.domain.audit import AuditAction
    from counter_app.domain.roles import Actor
    from counter_app.services import audit

    with runtime.uow() as session:  # … and on the audit trail
        audit.record(session, clock(), Actor.system("测试"), AuditAction.LOGIN, "user", "1001")
    refused = []
    for table, column in ENUM_COLUMNS:
        with runtime.engine.connect() as conn:
            row = conn.execute(text(f"SELECT min(id) FROM {table}")).scalar()
            conn.rollback()
            assert row is not None, f"no row in {table} to try"
            with pytest.raises(IntegrityError), conn.begin():
                conn.execute(
                    text(f"UPDATE {table} SET {column} = :bad WHERE id = :id"),
                    {"bad": "no-such-state", "id": row},
                )
            refused.append((table, column))
    assert refused == ENUM_COLUMNS
