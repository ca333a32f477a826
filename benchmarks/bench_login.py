"""Login answer time for a known and an unknown staff number, as a ratio.

    .venv/bin/python benchmarks/bench_login.py [--runs 15]

Both run `check_login` on a fresh SQLite file: a known staff number with a wrong
password, and a number that does not exist. Before the dummy-hash check an unknown
number answered without scrypt (≈ 2.5 ms against ≈ 46 ms, so staff numbers could be
enumerated); the ratio unknown/known should now be about 1. The baseline printed
alongside is one bare scrypt with the same parameters, measured in the same run.
Failures are spread over many staff numbers so that no lockout interferes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from counter_app.config import Settings  # noqa: E402
from counter_app.runtime import open_runtime  # noqa: E402
from counter_app.services import users  # noqa: E402


def median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'counter.sqlite3'}"
        rt = open_runtime(url, Settings.of(db_url=url))
        with rt.uow() as session:
            for i in range(args.runs):
                users.add_user(session, f"k{i}", "张敏", "secret1")

        def attempt(staff_no: str) -> None:
            with rt.uow() as session:
                users.check_login(session, staff_no, "wrong-password")

        scrypt = median_ms(lambda i: users._kdf("x", b"0" * 16, 2**14, 8, 1), args.runs)
        known = median_ms(lambda i: attempt(f"k{i}"), args.runs)
        unknown = median_ms(lambda i: attempt(f"u{i}"), args.runs)
        rt.close()
    print(f"bare scrypt (baseline): {scrypt:.1f} ms")
    print(f"known staff number:     {known:.1f} ms")
    print(f"unknown staff number:   {unknown:.1f} ms")
    print(f"unknown / known:        {unknown / known:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
