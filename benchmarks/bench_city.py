"""A city on one server: 50 halls × 30 windows in one PostgreSQL database, each with
the busy days of tests/hall_year.py; one hall's supervisor board and shift summary,
and the same hall's figures when it is alone in its database.

    .venv/bin/python benchmarks/bench_city.py [--halls 50] [--days 3] [--runs 5]

The city database (`kuaiban_city_<halls>x<days>` on $KUAIBAN_BENCH_PG) is built once
and kept; so is the lone hall (`kuaiban_city_1x<days>`). Baseline in both: a bare
`SELECT count(*)` of the hall's cases that day. What it shows: every report query
starts with the hall in its index, so one hall's board costs the same among 49 others
as alone (the ratio city/alone); see docs/city.md for what else holds and what does
not.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hall_db import PG_SERVER  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402

from counter_app.config import Settings  # noqa: E402
from counter_app.domain.clock import CHINA  # noqa: E402
from counter_app.domain.roles import Actor, Role  # noqa: E402
from counter_app.runtime import open_runtime  # noqa: E402
from counter_app.store.models import Case  # noqa: E402
from counter_app.usecases import reports as report_ops  # noqa: E402
from tests.hall_year import HallYear, Shape, _Ids, closing_time, year_days  # noqa: E402

VERSION = "1"


def hall_code(k: int) -> str:
    return f"3701{k:04d}"


def build(halls: int, days: int) -> str:
    """The URL of the city database, built if missing."""
    import psycopg

    name = f"kuaiban_city_{halls}x{days}"
    url = f"{PG_SERVER.rsplit('/', 1)[0]}/{name}".replace("postgresql://",
                                                         "postgresql+psycopg://")
    meta = f"v{VERSION} halls={halls} days={days}"
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            if conn.execute(text("SELECT value FROM bench_meta")).scalar() == meta:
                engine.dispose()
                return url
        engine.dispose()
    except Exception:  # noqa: S110 - missing: build it
        pass
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    rt = open_runtime(url, Settings.of(db_url=url))
    span = year_days(rt.deps.calendar)[:days]
    ids, applicants, start = _Ids(), 0, time.perf_counter()
    rows = 0
    for k in range(halls):
        gen = HallYear(rt.engine, rt.deps.catalogue, rt.deps.calendar, Shape(),
                       seed=2026 + k, hall=hall_code(k), staff_prefix=f"H{k:02d}-")
        gen.ids, gen.applicants = ids, applicants
        rows += gen.build(span, closing_time(span[-1])).total
        applicants = gen.applicants
        print(f"  hall {k + 1}/{halls}: {rows:,} rows, {time.perf_counter() - start:.0f} s",
              flush=True)
    with rt.engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_meta (value VARCHAR(200))"))
        conn.execute(text("INSERT INTO bench_meta VALUES (:v)"), {"v": meta})
    rt.close()
    return url


def timed(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def measure(url: str, hall: str, days: int, runs: int) -> dict[str, float]:
    rt0 = open_runtime(url, Settings.of(db_url=url, hall_code=hall), upgrade=True)
    span = year_days(rt0.deps.calendar)[:days]
    rt0.close()
    now = closing_time(span[-1])
    rt = open_runtime(url, Settings.of(db_url=url, hall_code=hall), clock=lambda: now)
    day = span[-1]
    start = datetime(day.year, day.month, day.day, tzinfo=CHINA)
    query = report_ops.ShiftQuery(Actor(None, "9", "值班长", Role.SUPERVISOR), day)

    def bare() -> None:
        with rt.read() as session:
            session.scalar(select(func.count()).select_from(Case).where(
                Case.hall_code == hall, Case.accepted_at >= start,
                Case.accepted_at < start + timedelta(days=1)))

    out = {"baseline": timed(bare, runs * 4),
           "shift summary": timed(lambda: report_ops.shift_summary(rt, query), runs),
           "board": timed(lambda: report_ops.board(rt, query), runs)}
    first = report_ops.board(rt, query)
    out["board after a change"] = timed(lambda: report_ops.board(rt, query, first), runs)
    rt.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--halls", type=int, default=50)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    city = build(args.halls, args.days)
    alone = build(1, args.days)
    hall = hall_code(0)  # the same hall (same seed, same rows) in both databases
    with create_engine(city).connect() as conn:
        rows = sum(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in (
            "tickets", "cases", "case_items", "ratings", "rating_sessions", "queue_events"))
    results = {"city": measure(city, hall, args.days, args.runs),
               "alone": measure(alone, hall, args.days, args.runs)}
    print(f"{args.halls} halls × 30 windows × {args.days} days on one PostgreSQL "
          f"({rows:,} rows in the main tables); hall {hall}'s last day:")
    for where, r in results.items():
        base = r["baseline"]
        print(f"  {where:<6} baseline (the day's cases counted) {base:.2f} ms; " + ", ".join(
            f"{k} {v:.1f} ms ({v / base:.0f}×)" for k, v in r.items() if k != "baseline"))
    print("  city / alone: " + ", ".join(
        f"{k} {results['city'][k] / results['alone'][k]:.2f}×"
        for k in results["city"] if k != "baseline"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
