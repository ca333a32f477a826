"""The generated halls the benchmarks share: one database per engine and share of the
year, built once (tests/hall_year.py) and kept, so a benchmark run before a change
and one after it read the same rows.

    .venv/bin/python benchmarks/hall_db.py [--pct 10 50 100] [--engines sqlite postgresql]

SQLite files live in $KUAIBAN_BENCH_DIR (default /tmp/kuaiban-bench); PostgreSQL
databases `kuaiban_year_<pct>` on $KUAIBAN_BENCH_PG (default the local test server).
A database is rebuilt when its generator settings change (the `bench_meta` row).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from counter_app.config import Settings  # noqa: E402
from counter_app.runtime import Runtime, default_calendar, open_runtime  # noqa: E402
from tests.hall_year import HALL, HallYear, Shape, closing_time, year_days  # noqa: E402

BENCH_DIR = Path(os.environ.get("KUAIBAN_BENCH_DIR", "/tmp/kuaiban-bench"))
PG_SERVER = os.environ.get("KUAIBAN_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
VERSION = "1"  # bump when the generator's shapes change


def _meta(shape: Shape, pct: int) -> str:
    return f"v{VERSION} pct={pct} " + " ".join(f"{k}={v}" for k, v in asdict(shape).items())


def url_of(engine: str, pct: int) -> str:
    if engine == "sqlite":
        return f"sqlite:///{BENCH_DIR / f'hall-year-{pct}.sqlite3'}"
    base = PG_SERVER.rsplit("/", 1)[0]
    return f"{base}/kuaiban_year_{pct}".replace("postgresql://", "postgresql+psycopg://")


def _stored_meta(url: str) -> str | None:
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            value = conn.execute(text("SELECT value FROM bench_meta")).scalar()
        engine.dispose()
        return value
    except Exception:
        return None


def _fresh(engine_kind: str, pct: int) -> str:
    url = url_of(engine_kind, pct)
    if engine_kind == "sqlite":
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        path = BENCH_DIR / f"hall-year-{pct}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return url
    import psycopg

    name = f"kuaiban_year_{pct}"
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return url


def days_of(pct: int) -> list:  # type: ignore[type-arg]
    days = year_days(default_calendar())
    return days[: max(1, round(len(days) * pct / 100))]


def now_of(pct: int) -> datetime:
    return closing_time(days_of(pct)[-1])


def ensure(engine_kind: str, pct: int, shape: Shape | None = None, quiet: bool = False) -> str:
    """The URL of the hall at `pct` % of the year, generated if missing."""
    shape = shape or Shape()
    url = url_of(engine_kind, pct)
    meta = _meta(shape, pct)
    if _stored_meta(url) == meta:
        return url
    url = _fresh(engine_kind, pct)
    days = days_of(pct)
    rt = open_runtime(url, Settings.of(db_url=url, hall_code=HALL))
    start = time.perf_counter()
    counts = HallYear(rt.engine, rt.deps.catalogue, rt.deps.calendar, shape).build(
        days, closing_time(days[-1]))
    with rt.engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_meta (value VARCHAR(200))"))
        conn.execute(text("INSERT INTO bench_meta VALUES (:v)"), {"v": meta})
    rt.close()
    if not quiet:
        r = counts.rows
        print(f"  built {engine_kind} {pct}%: {len(days)} days, {r['cases']:,} cases, "
              f"{r['tickets']:,} tickets, {r['ratings']:,} ratings, {r['followups']:,} "
              f"follow-ups, {counts.total:,} rows in {time.perf_counter() - start:.0f} s",
              flush=True)
    return url


def open_hall(engine_kind: str, pct: int, clock_now: datetime | None = None) -> Runtime:
    """A runtime on the generated hall, its clock stopped at closing time."""
    url = ensure(engine_kind, pct)
    now = clock_now or now_of(pct)
    return open_runtime(url, Settings.of(db_url=url, hall_code=HALL), clock=lambda: now)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pct", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    for engine in args.engines:
        for pct in args.pct:
            print(ensure(engine, pct), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
