"""The supervisor's and the teller's screens on a year of a 30-window hall: the
shift summary, the board, the follow-up ledger and the teller's open-cases list for
the last day of 10 / 50 / 100 % of the year, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_reports.py [--pct 10 50 100]
        [--engines sqlite postgresql] [--runs 5] [--cli]

Baseline, measured in the same run on the same database: a bare
`SELECT count(*)` of the day's cases. Each figure is the median of `--runs` after
one warm-up (a figure over 5 s is timed once). `--cli` also times `counter-app
report shift --json` for that day in a fresh process against `counter-app catalogue
check` (the command line's start-up). Targets (issue 12): ≤ 100 ms each at 100 %
of the year and ≤ 1.5× growth from 10 % to 100 %.

The halls are generated once and kept (benchmarks/hall_db.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hall_db import ensure, open_hall  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from counter_app.domain.clock import CHINA, business_date  # noqa: E402
from counter_app.domain.roles import Actor, Role  # noqa: E402
from counter_app.store.models import Case, User  # noqa: E402
from counter_app.usecases import cases as case_ops  # noqa: E402
from counter_app.usecases import followups  # noqa: E402
from counter_app.usecases import reports as report_ops  # noqa: E402

CPU: dict[str, float] = {}  # the last timed call's client CPU (ms): the machine may be shared


def timed(fn, runs: int, name: str = "") -> float:  # type: ignore[no-untyped-def]
    """Median milliseconds of `runs` calls after a warm-up (once if slow)."""
    start = time.perf_counter()
    fn()
    if time.perf_counter() - start > 5:
        start, cpu = time.perf_counter(), time.thread_time()
        fn()
        CPU[name] = (time.thread_time() - cpu) * 1000
        return (time.perf_counter() - start) * 1000
    times, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.thread_time()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        cpus.append((time.thread_time() - cpu) * 1000)
    CPU[name] = statistics.median(cpus)
    return statistics.median(times)


def screen_ledger(rt):  # type: ignore[no-untyped-def]
    """The ledger as the supervisor's screen loads it (rows without their steps)."""
    try:
        return followups.ledger(rt, with_steps=False)
    except TypeError:  # before the list and the pane were loaded apart
        return followups.ledger(rt)


def measure(engine: str, pct: int, runs: int) -> dict[str, float]:
    rt = open_hall(engine, pct)
    day = business_date(rt.deps.clock())
    with rt.read() as session:
        sup = session.scalar(select(User).where(User.role == "supervisor").order_by(User.id))
    actor = Actor(sup.id, sup.staff_no, sup.name, Role.SUPERVISOR)
    query = report_ops.ShiftQuery(actor, day)
    start = datetime(day.year, day.month, day.day, tzinfo=CHINA)

    def bare() -> None:
        with rt.read() as session:
            session.scalar(select(func.count()).select_from(Case).where(
                Case.hall_code == rt.settings.hall.code, Case.accepted_at >= start,
                Case.accepted_at < start + timedelta(days=1)))

    out = {
        "baseline": timed(bare, runs * 4, "baseline"),
        "shift summary": timed(lambda: report_ops.shift_summary(rt, query), runs,
                               "shift summary"),
        "board": timed(lambda: report_ops.board(rt, query), runs, "board"),
        "ledger": timed(lambda: screen_ledger(rt), runs, "ledger"),
        "open cases (window 1)": timed(lambda: case_ops.desk_cases(rt, "1"), runs,
                                       "open cases (window 1)"),
    }
    out.update({f"cpu:{k}": v for k, v in CPU.items()})
    # The ledger shows every open follow-up and the recent closed ones: it grows with
    # what is still open (stalled ones pile up through a generated year), not with
    # history; the row count makes that visible beside its time.
    out["rows:ledger"] = float(len(screen_ledger(rt)))
    rt.close()
    return out


def cli_times(engine: str, pct: int) -> tuple[float, float]:
    """(report shift --json, catalogue check) in fresh processes, milliseconds."""
    url = ensure(engine, pct)
    from hall_db import now_of

    day = business_date(now_of(pct)).isoformat()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HOME": home, "XDG_CONFIG_HOME": home, "XDG_DATA_HOME": home,
               "XDG_STATE_HOME": home, "COUNTER_CONFIG": str(Path(home) / "none.toml"),
               "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
        main = str(ROOT / "counter_main.py")

        def run(*args: str, stdin: str = "") -> float:
            start = time.perf_counter()
            done = subprocess.run([sys.executable, main, *args], input=stdin, env=env,
                                  capture_output=True, text=True, check=False)
            took = (time.perf_counter() - start) * 1000
            if done.returncode != 0:
                raise RuntimeError(done.stderr[-2000:])
            return took

        report = statistics.median(
            run("--db", url, "--staff-no", "9045", "--password-stdin", "report", "shift",
                "--date", day, "--json", stdin="secret1\n") for _ in range(3))
        check = statistics.median(run("catalogue", "check") for _ in range(3))
    return report, check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pct", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cli", action="store_true")
    args = parser.parse_args(argv)
    for engine in args.engines:
        results = {}
        for pct in args.pct:
            results[pct] = measure(engine, pct, args.runs)
            base = results[pct]["baseline"]
            print(f"{engine} {pct:>3}% of the year (baseline: the day's cases counted, "
                  f"{base:.2f} ms)", flush=True)
            for name, ms in results[pct].items():
                if name != "baseline" and not name.startswith(("cpu:", "rows:")):
                    cpu = results[pct].get(f"cpu:{name}", 0.0)
                    rows = results[pct].get(f"rows:{name}")
                    shown = f", {rows:.0f} rows, {ms / rows:.2f} ms a row" if rows else ""
                    print(f"  {name:<24}{ms:>10.1f} ms  {ms / base:>8.0f}× baseline   "
                          f"(client CPU {cpu:.1f} ms{shown})", flush=True)
        if len(results) > 1:
            lo, hi = min(results), max(results)
            print(f"  growth {lo}% → {hi}%: " + ", ".join(
                f"{name} {results[hi][name] / results[lo][name]:.2f}×"
                for name in results[hi]
                if name != "baseline" and not name.startswith(("cpu:", "rows:"))),
                flush=True)
        if args.cli:
            for pct in args.pct:
                report, check = cli_times(engine, pct)
                print(f"  CLI {pct}%: report shift --json {report:.0f} ms, catalogue check "
                      f"{check:.0f} ms (baseline), {report / check:.1f}×", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
