"""Migrations and the case-number counter on both engines."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import inspect, text

from counter_app.services.numbering import next_case_no
from counter_app.store import migrate
from counter_app.store.db import make_engine, session_factory, unit_of_work


def test_migrations_create_the_schema(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    assert migrate.is_up_to_date(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"cases", "case_items", "case_materials", "applicants", "users"} <= tables
    migrate.upgrade(engine)  # idempotent
    engine.dispose()


def test_sqlite_runs_wal_with_foreign_keys(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def _take_numbers(url: str, count: int) -> list[str]:
    engine = make_engine(url)
    factory = session_factory(engine)
    numbers = []
    for _ in range(count):
        with unit_of_work(factory) as session:
            numbers.append(next_case_no(session, "37010201", date(2026, 11, 26)))
    engine.dispose()
    return numbers


def test_concurrent_case_numbers_are_unique_and_dense(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    engine.dispose()
    if db_url.startswith("sqlite"):
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(4) as pool:
            batches = pool.starmap(_take_numbers, [(db_url, 25)] * 4)
    else:
        with ThreadPoolExecutor(8) as pool:
            batches = list(pool.map(lambda _: _take_numbers(db_url, 25), range(8)))
    numbers = [n for batch in batches for n in batch]
    assert len(numbers) == len(set(numbers))
    seqs = sorted(int(n[-4:]) for n in numbers)
    assert seqs == list(range(1, len(numbers) + 1))
