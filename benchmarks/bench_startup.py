"""Cold start: from launching the process to its first window on screen, and the
window's memory, against a bare PySide6 window measured in the same run.

    .venv/bin/python benchmarks/bench_startup.py [--runs 5] [--imports]

Runs on its own Xvfb screen (1366×768; xvfb and xdotool must be installed) with a
throw-away home, config and database: the time is from starting the process until
xdotool finds the window visible. Measured:

- bare: a PySide6 QWidget with a title (the baseline);
- login: `counter-app teller` until the login dialog shows (the database exists and
  is current, as on every start but the first);
- demo: `counter-app demo` until the teller window shows (a fresh database seeded
  with sample cases, simulated devices on pseudo-terminals);
- RSS of the demo's teller window once shown, and of the bare window.

Each is started once before the timed runs, untimed: the database is created and
the bytecode of every module written (to a folder of the run), as on a PC where the
app has started before.

Targets (issue 12): login ≤ 3× and demo ≤ 4× the bare window. `--imports` also
prints the slowest imports of `counter-app teller` up to the login dialog
(python -X importtime).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QWidget\n"
    "app = QApplication(sys.argv[:1])\n"
    "w = QWidget(); w.setWindowTitle('bare window'); w.resize(400, 300); w.show()\n"
    "sys.exit(app.exec())\n"
)


def _free_display() -> int:
    for n in range(140, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def first_window(cmd: list[str], title: str, env: dict[str, str],
                 timeout: float = 120) -> tuple[float, float]:
    """(seconds until a visible window named `title`, its process's RSS in MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=ROOT)
    try:
        while True:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title],
                                   env=env, capture_output=True, text=True, check=False)
            if found.stdout.strip():
                took = time.perf_counter() - start
                time.sleep(0.5)  # the first frames painted
                return took, _rss_mb(proc.pid)
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd} ended: {proc.stderr.read().decode()[-2000:]}")
            if time.perf_counter() - start > timeout:
                raise RuntimeError(f"no window {title!r} after {timeout} s")
            time.sleep(0.01)
    finally:
        proc.kill()
        proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--imports", action="store_true")
    args = parser.parse_args(argv)
    if not shutil.which("Xvfb") or not shutil.which("xdotool"):
        print("needs Xvfb and xdotool (apt-get install -y xvfb xdotool)", file=sys.stderr)
        return 2
    display = _free_display()
    # -noreset: the server stays up between the clients (a reset refuses connections)
    xvfb = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1366x768x24", "-noreset",
                             "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    home = Path(tempfile.mkdtemp(prefix="kuaiban-start-"))
    try:
        env = {**os.environ, "DISPLAY": f":{display}", "QT_QPA_PLATFORM": "xcb",
               "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
               "XDG_DATA_HOME": str(home / "data"), "XDG_STATE_HOME": str(home / "state"),
               "XDG_CACHE_HOME": str(home / "cache"),
               "COUNTER_CONFIG": str(home / "counter.toml"),
               "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
        env.pop("QT_QPA_PLATFORM_PLUGIN_PATH", None)
        # Bytecode cached as on an installed PC (the first start writes it; a bundle
        # ships it), in a folder of this run, not the source tree. A shell that sets
        # PYTHONDONTWRITEBYTECODE would otherwise recompile every module of the app
        # on every start (~0.1 s), which no user's start does.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
        for _ in range(100):  # the X server is up when it answers
            if subprocess.run(["xdotool", "getdisplaygeometry"], env=env, capture_output=True,
                              check=False).returncode == 0:
                break
            time.sleep(0.1)
        py, main_py = sys.executable, str(ROOT / "counter_main.py")
        db = f"sqlite:///{home / 'counter.sqlite3'}"
        login_cmd = [py, main_py, "teller", "--db", db, "--devices", "none"]
        first_window(login_cmd, "快办柜台 · ", env)  # creates and migrates the database
        first_window([py, main_py, "demo"], "号窗口", env)  # the demo's bytecode
        first_window([py, "-c", BARE], "bare window", env)
        bare, login, demo, rss_bare, rss_demo = [], [], [], [], []
        for _ in range(args.runs):  # interleaved: the same load on all three
            t, rss = first_window([py, "-c", BARE], "bare window", env)
            bare.append(t)
            rss_bare.append(rss)
            login.append(first_window(login_cmd, "快办柜台 · ", env)[0])
            t, rss = first_window([py, main_py, "demo"], "号窗口", env)
            demo.append(t)
            rss_demo.append(rss)
        b, lg, dm = (statistics.median(x) for x in (bare, login, demo))
        rss_b = statistics.median(rss_bare)
        print(f"bare PySide6 window (baseline): {b:.2f} s, RSS {rss_b:.0f} MB")
        print(f"login dialog:                   {lg:.2f} s  {lg / b:.1f}× (target ≤ 3×)")
        print(f"demo to teller window:          {dm:.2f} s  {dm / b:.1f}× (target ≤ 4×), "
              f"RSS {statistics.median(rss_demo):.0f} MB "
              f"({statistics.median(rss_demo) / rss_b:.1f}× the bare window)")
        if args.imports:
            out = subprocess.run([py, "-X", "importtime", "-c",
                                  "import sys; sys.argv=['counter-app']; "
                                  "import counter_app.runtime, ui.windows.login, ui.app"],
                                 env=env, capture_output=True, text=True, cwd=ROOT, check=False)
            rows = []
            for line in out.stderr.splitlines():
                if line.startswith("import time:") and "|" in line:
                    _self, cum, name = (p.strip() for p in line[12:].split("|"))
                    if cum.isdigit():
                        rows.append((int(cum), name))
            print("slowest imports (cumulative ms):")
            for cum, name in sorted(rows, reverse=True)[:15]:
                print(f"  {cum / 1000:7.1f}  {name}")
    finally:
        xvfb.terminate()
        xvfb.wait()
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
