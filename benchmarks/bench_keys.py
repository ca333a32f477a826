"""Keys a teller presses for one 职工退休一件事 visit (card on the reader, one situation,
one 容缺, both promises, print, 办结), against the same visit done item by item in the
same run — each item found, its form filled, submitted and printed on its own.

    .venv/bin/python benchmarks/bench_keys.py

Both visits are played by keys in the real teller window (offscreen), by the tests
that also guard them: tests/ui/test_teller_flow.py::test_a_retirement_visit_takes_
at_most_25_control_keys and tests/ui/test_key_budget.py. Control keys are every key
but the content typed (F-keys, Enter, Tab, arrows, digits choosing an answer, Ctrl/Alt
combinations). Target (issue 11): ≤ 25 control keys for the bundle."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = {
    "bundle": "tests/ui/test_teller_flow.py::test_a_retirement_visit_takes_at_most_25_control_keys",
    "item by item": "tests/ui/test_key_budget.py",
}


def count(test: str) -> tuple[int, int, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", "-s", test],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    line = next((ln for ln in run.stdout.splitlines() if ln.startswith("keys")), "")
    found = re.search(r"control=(\d+) content=(\d+)", line)
    if run.returncode != 0 or not found:
        sys.exit(f"{test} failed:\n{run.stdout[-3000:]}{run.stderr[-2000:]}")
    return int(found.group(1)), int(found.group(2)), line.split(":", 1)[1].split(" control=")[0]


def main() -> None:
    results = {name: count(test) for name, test in TESTS.items()}
    for name, (control, content, keys) in results.items():
        print(f"{name:13} {control:3d} control keys, {content:3d} characters typed")
        print(f"{'':13} {keys.strip()}")
    bundle, items = results["bundle"][0], results["item by item"][0]
    print(f"bundle / item by item: {bundle / items:.2f} ({bundle} vs {items}); "
          f"target ≤ 25 control keys for the bundle: {'met' if bundle <= 25 else 'NOT met'}")


if __name__ == "__main__":
    main()
