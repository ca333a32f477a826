"""Many windows, one queue (issue 4, Done when): windows in separate processes call
next at the same moment until the queue is empty; every ticket is called exactly
once and none is left behind. PostgreSQL: 30 processes over 3,000 tickets
(SELECT … FOR UPDATE SKIP LOCKED); SQLite: 4 processes (BEGIN IMMEDIATE)."""

from __future__ import annotations

import multiprocessing as mp
import time
from collections import Counter

import pytest
from sqlalchemy import func, insert, select

from counter_app.domain.queue import format_number, rank_of
from counter_app.services.queue import Hall
from counter_app.store import migrate
from counter_app.store.db import make_engine, session_factory, unit_of_work
from counter_app.store.models import Ticket, TicketTransaction
from tests.queue.workers import call_until_empty

HALL = "37010201"


def fill_queue(url: str, tickets: int) -> list[str]:
    """Today's queue of `tickets` numbers over five categories, one in 17 a priority
    ticket (bulk-inserted: taking numbers is tested elsewhere)."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    hall = Hall(HALL)
    now = hall.clock()
    day = hall.today(now)
    rows = []
    for n in range(tickets):
        prefix, seq = "ABCDE"[n % 5], n // 5 + 1
        rows.append(dict(
            hall_code=HALL, day=day, number=format_number(prefix, seq), seq=seq,
            category=prefix, origin_category=prefix, priority=n % 17 == 0,
            priority_reason="老年人" if n % 17 == 0 else "", boost=0,
            rank=rank_of(now) + n, status="waiting", channel="kiosk", taken_at=now,
            recalls=0, no_shows=0, service_seconds=0,
        ))
    with unit_of_work(session_factory(engine)) as session:
        session.execute(insert(Ticket), rows)
    engine.dispose()
    return [r["number"] for r in rows]


def run_windows(url: str, windows: int) -> tuple[dict[str, list[str]], float, int]:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(windows + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=call_until_empty, args=(url, HALL, str(w + 1), barrier, results))
        for w in range(windows)
    ]
    for p in procs:
        p.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    got = [results.get(timeout=180) for _ in procs]
    elapsed = time.perf_counter() - started
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    return {w: called for w, called, _t, _r in got}, elapsed, sum(r for *_x, r in got)


def assert_each_called_once(url: str, numbers: list[str], calls: dict[str, list[str]]) -> None:
    every = [n for called in calls.values() for n in called]
    dupes = [n for n, k in Counter(every).items() if k > 1]
    assert dupes == []
    assert sorted(every) == sorted(numbers)
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        assert session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.status == "waiting")
        ) == 0
        assert session.scalar(select(func.count(TicketTransaction.id))) == len(numbers)
    engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_thirty_windows_on_postgresql_call_each_ticket_exactly_once(pg_url: str) -> None:
    numbers = fill_queue(pg_url, 3000)
    calls, elapsed, _ = run_windows(pg_url, 30)
    assert_each_called_once(pg_url, numbers, calls)
    assert sum(1 for c in calls.values() if c) >= 10  # the windows really raced
    print(f"\nPostgreSQL: 30 windows called 3000 tickets in {elapsed:.1f} s")


@pytest.mark.slow
def test_four_processes_on_sqlite_call_each_ticket_exactly_once(sqlite_url: str) -> None:
    numbers = fill_queue(sqlite_url, 3000)
    calls, elapsed, retries = run_windows(sqlite_url, 4)
    assert_each_called_once(sqlite_url, numbers, calls)
    assert all(calls.values())
    print(f"\nSQLite: 4 processes called 3000 tickets in {elapsed:.1f} s ({retries} retries)")
