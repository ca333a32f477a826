"""A test run leaves the HOME it was given untouched (tests/conftest.py points HOME
and the XDG folders at a temporary folder per pytest process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Tests that, before the isolation, wrote into the user's folders: the print spool
# (data folder) through `device print-test`, and counter.log (state folder) through a
# real `counter-app` process.
WRITERS = [
    "tests/devices/test_escpos.py::test_print_test_cli_to_a_file",
    "tests/test_cli_case.py::test_catalogue_commands",
]


def test_a_test_run_leaves_the_home_it_was_given_untouched(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "PYTEST_", "COUNTER_CONFIG"))}
    env["HOME"] = str(home)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2", *WRITERS],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "2 passed" in run.stdout
    assert sorted(str(p.relative_to(home)) for p in home.rglob("*")) == []
