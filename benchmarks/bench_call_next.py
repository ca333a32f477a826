"""Call next at the floor: 30 windows calling at once on PostgreSQL, through the
application's use case, against the bare transaction it stands on.

    .venv/bin/python benchmarks/bench_call_next.py [--db postgresql://postgres@127.0.0.1/test]
        [--windows 30] [--tickets 3000] [--profile]

Both runs fill today's queue with the same tickets, start one process per window
(spawn) and call until nobody waits:

- app: `usecases.queue.call_next` (the window's row lock, SKIP LOCKED, the ticket's
  service stretch, the hall's event log, the wake-up for the displays, the audit row)
  on a Runtime, as the teller window does; on PostgreSQL all of it is one statement,
  the server-side `counter_call_next()` (migration 0010), sent in autocommit;
- bare: psycopg, `BEGIN; SELECT … FOR UPDATE SKIP LOCKED LIMIT 1; UPDATE …; COMMIT`.

Printed for each: calls per second, one call's p50 / p95, client CPU per call (the
process's CPU time over its calls) and double calls (a ticket called by two
windows: must be 0). The ratio app/bare of the CPU per call is the target (≤ 3×).
`--profile` prints where one process's time goes (cProfile, 300 calls, one window).
The PostgreSQL database should be a scratch one: the script creates and drops its
own schema there.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_queue import HALL, _fill, _scratch  # noqa: E402


def _app_window(url: str, window: str, barrier: Any, results: Any) -> None:
    from counter_app.config import Settings
    from counter_app.domain.roles import Actor, Role
    from counter_app.runtime import open_runtime
    from counter_app.usecases import queue as queue_ops

    rt = open_runtime(url, Settings.of(db_url=url, hall_code=HALL, window_no=window),
                      upgrade=False)
    actor = Actor(None, f"10{window}", f"柜员{window}", Role.TELLER, window)
    cmd = queue_ops.CallNext(actor, window)
    with rt.read():
        pass  # connect before the start
    times: list[float] = []
    called: list[int] = []
    barrier.wait()
    cpu = time.process_time()
    while True:
        t0 = time.perf_counter()
        got = queue_ops.call_next(rt, cmd)
        if got is None:
            break
        times.append(time.perf_counter() - t0)
        called.append(got.ticket.id)
        cmd = replace(cmd, finish_current=got.ticket.id)  # F1 confirmed: this visit ends
    results.put((times, called, time.process_time() - cpu))
    rt.close()


def _bare_window(url: str, window: str, barrier: Any, results: Any) -> None:
    import psycopg

    from counter_app.domain.clock import business_date, system_clock
    from counter_app.store.db import normalize_url

    conninfo = normalize_url(url).replace("postgresql+psycopg://", "postgresql://")
    day = f"{business_date(system_clock()):%Y%m%d}"
    conn = psycopg.connect(conninfo)
    times: list[float] = []
    called: list[int] = []
    barrier.wait()
    cpu = time.process_time()
    while True:
        t0 = time.perf_counter()
        with conn.transaction():
            row = conn.execute(
                "SELECT id FROM tickets WHERE hall_code = %s AND day = %s AND status = 'waiting'"
                " ORDER BY boost DESC, priority DESC, rank, id LIMIT 1 FOR UPDATE SKIP LOCKED",
                (HALL, day)).fetchone()
            if row is not None:
                conn.execute("UPDATE tickets SET status = 'serving', window_no = %s,"
                             " first_called_at = now(), last_called_at = now() WHERE id = %s",
                             (window, row[0]))
        if row is None:
            break
        times.append(time.perf_counter() - t0)
        called.append(row[0])
    results.put((times, called, time.process_time() - cpu))
    conn.close()


def run(kind: str, url: str, windows: int, tickets: int) -> dict[str, float]:
    url, cleanup = _scratch(url)
    try:
        _fill(url, tickets)
        ctx = mp.get_context("spawn")
        barrier, results = ctx.Barrier(windows + 1), ctx.Queue()
        target = _app_window if kind == "app" else _bare_window
        procs = [ctx.Process(target=target, args=(url, str(w + 1), barrier, results))
                 for w in range(windows)]
        for p in procs:
            p.start()
        barrier.wait()
        t0 = time.perf_counter()
        got = [results.get() for _ in procs]
        wall = time.perf_counter() - t0
        for p in procs:
            p.join()
    finally:
        cleanup()
    per_call = sorted(t for times, _c, _cpu in got for t in times)
    ids = [i for _t, called, _cpu in got for i in called]
    cpu = sum(c for _t, _called, c in got)
    return {
        "calls": len(per_call),
        "rate": len(per_call) / wall,
        "p50": statistics.median(per_call) * 1000,
        "p95": per_call[int(len(per_call) * 0.95)] * 1000,
        "cpu": cpu / max(1, len(per_call)) * 1000,
        "double": len(ids) - len(set(ids)),
    }


def profile(url: str) -> None:
    import cProfile
    import pstats

    from counter_app.config import Settings
    from counter_app.domain.roles import Actor, Role
    from counter_app.runtime import open_runtime
    from counter_app.usecases import queue as queue_ops

    url, cleanup = _scratch(url)
    try:
        _fill(url, 320)
        rt = open_runtime(url, Settings.of(db_url=url, hall_code=HALL), upgrade=False)
        cmd = queue_ops.CallNext(Actor(None, "101", "柜员", Role.TELLER, "1"), "1")
        def call() -> None:
            nonlocal cmd
            got = queue_ops.call_next(rt, cmd)
            cmd = replace(cmd, finish_current=got.ticket.id if got else None)

        for _ in range(20):
            call()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(300):
            call()
        prof.disable()
        print("one statement a call: SELECT counter_call_next(…), sent by the driver")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)
        rt.close()
    finally:
        cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--windows", type=int, default=30)
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    if args.profile:
        profile(args.db)
        return 0
    bare = run("bare", args.db, args.windows, args.tickets)
    app = run("app", args.db, args.windows, args.tickets)
    for name, r in (("bare transaction (baseline)", bare), ("call next (use case)", app)):
        print(f"{name:<28} {r['calls']:>5} calls  {r['rate']:7.0f} calls/s  p50 {r['p50']:6.1f} ms"
              f"  p95 {r['p95']:6.1f} ms  CPU {r['cpu']:5.2f} ms/call  double calls {r['double']}")
    print(f"CPU per call: {app['cpu'] / bare['cpu']:.1f}× the bare transaction "
          f"(target ≤ 3×); throughput {bare['rate'] / app['rate']:.1f}× lower")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
