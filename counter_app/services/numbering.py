"""Atomic per-hall, per-day sequences (case numbers today, ticket numbers later)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from counter_app.domain.caseno import format_case_no
from counter_app.store.models import CaseCounter


def next_seq(session: Session, hall_code: str, day: date) -> int:
    """Increment and return the counter in one statement (INSERT … ON CONFLICT …
    RETURNING), safe for concurrent windows on PostgreSQL and processes on SQLite."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(CaseCounter).values(hall_code=hall_code, day=f"{day:%Y%m%d}", last_seq=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[CaseCounter.hall_code, CaseCounter.day],
        set_={"last_seq": CaseCounter.last_seq + 1},
    ).returning(CaseCounter.last_seq)
    return int(session.execute(stmt).scalar_one())


def next_case_no(session: Session, hall_code: str, day: date) -> str:
    return format_case_no(hall_code, day, next_seq(session, hall_code, day))
