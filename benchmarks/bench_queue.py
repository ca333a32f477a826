"""Queue timings: many windows calling next at once, and how fast a call reaches a
listening display.

    .venv/bin/python benchmarks/bench_queue.py calls --db sqlite:///tmp/q.sqlite3 --windows 4
    .venv/bin/python benchmarks/bench_queue.py calls --db postgresql://postgres@127.0.0.1/test \\
        --windows 30 --tickets 3000
    .venv/bin/python benchmarks/bench_queue.py latency --db … [--samples 20]

`calls` fills today's queue, starts one process per window (spawn) and lets them call
next until nobody waits; it prints the wall time, calls per second and each call's
transaction time (p50 / p95 / max). `latency` is what the hall display waits for: a
second process commits a call, this one blocks in hall_events' listener (LISTEN/NOTIFY
on PostgreSQL, data_version polling on SQLite) and then reads the hall snapshot; the
time from the commit to the snapshot holding the call is printed per sample.

The PostgreSQL database should be a scratch one: the script creates and drops its
own schema there.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HALL = "37010201"


def _scratch(url: str) -> tuple[str, Any]:
    """A fresh SQLite file or PostgreSQL schema; returns the URL and a cleanup."""
    from counter_app.store.db import normalize_url

    url = normalize_url(url)
    if not url.startswith("postgresql"):
        path = Path(url.removeprefix("sqlite:///"))
        path.unlink(missing_ok=True)
        return url, lambda: None
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    base = url.replace("+psycopg", "")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", drop


def _fill(url: str, tickets: int) -> None:
    from counter_app.services.queue import Hall, take
    from counter_app.store import migrate
    from counter_app.store.db import make_engine, session_factory, unit_of_work

    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = session_factory(engine)
    hall = Hall(HALL)
    for start in range(0, tickets, 500):
        with unit_of_work(sessions) as session:
            for n in range(start, min(tickets, start + 500)):
                take(session, hall, "ABCDE"[n % 5], priority_reason="老年人" if n % 17 == 0 else "")
    engine.dispose()


def _window(url: str, window: str, barrier: Any, results: Any) -> None:
    from sqlalchemy.exc import OperationalError

    from counter_app.services.queue import Hall, call_next
    from counter_app.store.db import make_engine, session_factory, unit_of_work

    engine = make_engine(url)
    sessions = session_factory(engine)
    hall = Hall(HALL)
    with engine.connect():
        pass
    times: list[float] = []
    barrier.wait()
    while True:
        t0 = time.perf_counter()
        try:
            with unit_of_work(sessions) as session:
                got = call_next(session, hall, window)
        except OperationalError:
            continue
        if got is None:
            break
        times.append(time.perf_counter() - t0)
    results.put(times)
    engine.dispose()


def bench_calls(url: str, windows: int, tickets: int) -> None:
    url, cleanup = _scratch(url)
    try:
        t0 = time.perf_counter()
        _fill(url, tickets)
        print(f"took {tickets} numbers in {time.perf_counter() - t0:.1f} s")
        ctx = mp.get_context("spawn")
        barrier, results = ctx.Barrier(windows + 1), ctx.Queue()
        procs = [ctx.Process(target=_window, args=(url, str(w + 1), barrier, results))
                 for w in range(windows)]
        for p in procs:
            p.start()
        barrier.wait()
        t0 = time.perf_counter()
        per_call = [t for _ in procs for t in results.get()]
        wall = time.perf_counter() - t0
        for p in procs:
            p.join()
        per_call.sort()
        print(
            f"{windows} windows called {len(per_call)} tickets in {wall:.1f} s "
            f"({len(per_call) / wall:.0f} calls/s); one call: "
            f"p50 {statistics.median(per_call) * 1000:.1f} ms, "
            f"p95 {per_call[int(len(per_call) * 0.95)] * 1000:.1f} ms, "
            f"max {per_call[-1] * 1000:.1f} ms"
        )
    finally:
        cleanup()


def _caller(url: str, samples: int, ready: Any, stamps: Any) -> None:
    from counter_app.services.queue import Hall, call_next
    from counter_app.store.db import make_engine, session_factory, unit_of_work

    engine = make_engine(url)
    sessions = session_factory(engine)
    with engine.connect():
        pass
    ready.set()
    for _ in range(samples):
        time.sleep(0.3)
        with unit_of_work(sessions) as session:
            got = call_next(session, Hall(HALL), "3")
        stamps.put((got.ticket.number if got else "", time.time()))
    engine.dispose()


def bench_latency(url: str, samples: int) -> None:
    from counter_app.infra import hall_listener
    from counter_app.services.queue import Hall
    from counter_app.services.queue_views import hall_snapshot
    from counter_app.store.db import make_engine, session_factory, unit_of_work

    url, cleanup = _scratch(url)
    try:
        _fill(url, samples)
        engine = make_engine(url)
        sessions = session_factory(engine)
        listener = hall_listener.open_listener(engine, HALL)
        listener.wait(0)
        ctx = mp.get_context("spawn")
        ready, stamps = ctx.Event(), ctx.Queue()
        proc = ctx.Process(target=_caller, args=(url, samples, ready, stamps))
        proc.start()
        ready.wait(60)
        latencies = []
        for _ in range(samples):
            shown = ""
            expected, committed = None, None
            while True:
                listener.wait(1.0)
                with unit_of_work(sessions) as session:
                    snap = hall_snapshot(session, Hall(HALL))
                seen = time.time()
                shown = next((w.number for w in snap.windows if w.window_no == "3"), "")
                if expected is None:
                    expected, committed = stamps.get(timeout=10)
                if shown == expected:
                    latencies.append(seen - committed)
                    break
        proc.join()
        listener.close()
        engine.dispose()
        ms = sorted(x * 1000 for x in latencies)
        print(
            f"{engine.dialect.name}: commit → snapshot with the call, {samples} samples: "
            f"median {statistics.median(ms):.0f} ms, max {ms[-1]:.0f} ms"
        )
    finally:
        cleanup()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("what", choices=["calls", "latency"])
    p.add_argument("--db", required=True)
    p.add_argument("--windows", type=int, default=4)
    p.add_argument("--tickets", type=int, default=3000)
    p.add_argument("--samples", type=int, default=20)
    args = p.parse_args()
    if args.what == "calls":
        bench_calls(args.db, args.windows, args.tickets)
    else:
        bench_latency(args.db, args.samples)


if __name__ == "__main__":
    main()
