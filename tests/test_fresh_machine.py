"""`scripts/start.sh` on a fresh machine: a fresh checkout (the files a clone has,
no .venv), an empty HOME, the distribution's Python.

The X11 libraries Qt's xcb plugin needs cannot be uninstalled for a test run, so
the first test hides them: in a private mount namespace (`unshare --mount`, root
only) an overlay over the library folder whites those files out. Inside it the
dynamic linker, `ldconfig`'s cache entries and `ldd` all find them missing, as on a
machine without them; outside it nothing changes. start.sh then runs as `nobody`,
as a technician without root would.

The second (slow) test is the happy path as root: a half-made .venv (what `python3
-m venv` leaves on Debian without python3-venv) is repaired, the install is quiet,
the app's first-start window appears on Xvfb, and a second start installs nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
XCB = {  # soname -> Debian package: the four a bare server or container lacks
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
NOBODY = 65534
PLAIN_PATH = "/usr/local/bin:/usr/bin:/bin"

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not shutil.which("apt-get"),
    reason="scripts/setup-env.sh installs with apt (Debian, Ubuntu, Kylin, UOS)",
)


def fresh_checkout(dest: Path) -> Path:
    """The files a clone of this working tree would have (committed or not, never
    ignored ones such as .venv), copied to `dest`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def library_files(sonames: list[str]) -> dict[Path, list[str]]:
    """Folder -> names in it (the soname links and the files behind them) of every
    copy of these libraries the dynamic linker's cache knows."""
    cache = subprocess.run(
        [shutil.which("ldconfig") or "/sbin/ldconfig", "-p"], capture_output=True, text=True
    ).stdout
    found: dict[Path, set[str]] = {}
    for line in cache.splitlines():
        parts = line.split()
        if parts and parts[0] in sonames and "=>" in parts:
            path = Path(parts[-1])
            if path.exists():
                folder = path.parent.resolve()
                stem = parts[0].split(".so")[0] + ".so"
                found.setdefault(folder, set()).update(
                    p.name for p in folder.iterdir() if p.name.startswith(stem)
                )
    return {folder: sorted(names) for folder, names in found.items()}


def hidden_libraries_prelude(work: Path, sonames: list[str]) -> str:
    """Shell lines that, inside a new mount namespace, hide these libraries."""
    lines = ["set -e"]
    for i, (folder, names) in enumerate(library_files(sonames).items()):
        upper, scratch = work / f"upper{i}", work / f"work{i}"
        upper.mkdir()
        scratch.mkdir()
        lines += [f"mknod '{upper / name}' c 0 0" for name in names]
        lines.append(
            f"mount -t overlay overlay -o lowerdir='{folder}',upperdir='{upper}',"
            f"workdir='{scratch}' '{folder}'"
        )
    return "\n".join(lines)


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A folder in /tmp that `nobody` can enter (pytest's own tmp_path is root-only)."""
    path = Path(tempfile.mkdtemp(prefix="kuaiban-fresh-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def can_hide_libraries(work: Path) -> bool:
    if os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("setpriv")):
        return False
    probe = work / "probe"
    probe.mkdir()
    (probe / "lower").mkdir()
    (probe / "upper").mkdir()
    (probe / "work").mkdir()
    ok = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c",
         f"mount -t overlay overlay -o lowerdir={probe}/lower,upperdir={probe}/upper,"
         f"workdir={probe}/work {probe}/lower"],
        capture_output=True,
    ).returncode == 0
    shutil.rmtree(probe, ignore_errors=True)
    return ok


def test_start_without_the_xcb_libraries_names_every_missing_package(scratch: Path) -> None:
    if not can_hide_libraries(scratch):
        pytest.skip("hiding libraries needs root and mount namespaces (unshare --mount)")
    clone = fresh_checkout(scratch / "clone")
    home = scratch / "home"
    home.mkdir()
    (scratch / "ns").mkdir()
    subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(clone), str(home)], check=True)
    import PySide6

    xcb_plugin = Path(PySide6.__file__).parent / "Qt/plugins/platforms/libqxcb.so"
    script = "\n".join([
        hidden_libraries_prelude(scratch / "ns", list(XCB)),
        f"ldd '{xcb_plugin}' || true",  # what Qt itself would find in here
        f"exec setpriv --reuid={NOBODY} --regid={NOBODY} --clear-groups "
        f"env -i HOME='{home}' PATH='{PLAIN_PATH}' LANG=C.UTF-8 "
        f"bash '{clone}/scripts/start.sh'",
    ])
    run = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "bash", "-c", script],
        capture_output=True, text=True, timeout=120,
    )
    for soname in XCB:
        assert f"{soname} => not found" in run.stdout
    assert run.returncode != 0, run.stdout + run.stderr
    message = run.stderr
    assert "missing system packages" in message, message
    command = next(line for line in message.splitlines() if "apt-get install" in line)
    for package in XCB.values():
        assert package in command, message
    # One message, before anything was installed; the HOME it was given is untouched.
    assert len(message.splitlines()) <= 5, message
    assert not (clone / ".venv").exists()
    assert list(home.iterdir()) == []


def free_display() -> int:
    for n in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number")


def window_appears(env: dict[str, str], title: str, app: subprocess.Popen, within: float) -> bool:
    """A visible window whose title contains `title` while `app` still runs (the
    first start installs first, so this waits for minutes)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and app.poll() is None:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title],
                               env=env, capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.strip():
            return True
        time.sleep(0.5)
    return False


@pytest.mark.slow
def test_first_start_repairs_a_half_made_venv_quietly_and_opens_the_window(
    scratch: Path,
) -> None:
    if os.geteuid() != 0:
        pytest.skip("the first start as root installs the system packages it lacks")
    clone = fresh_checkout(scratch / "clone")
    home = scratch / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": PLAIN_PATH, "LANG": "C.UTF-8"}
    # What Debian's `python3 -m venv` leaves when python3-venv is missing.
    subprocess.run(["python3", "-m", "venv", "--without-pip", str(clone / ".venv")],
                   env=env, check=True)
    # Xvfb comes with the test tools (scripts/setup-env.sh test).
    display = free_display()
    xvfb = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1366x768x24", "-nolisten",
                             "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    app = None
    try:
        deadline = time.monotonic() + 30
        while not Path(f"/tmp/.X11-unix/X{display}").exists():
            assert xvfb.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.1)
        env["DISPLAY"] = f":{display}"
        out = scratch / "start.log"
        with out.open("w") as log:
            app = subprocess.Popen(["bash", str(clone / "scripts/start.sh")], env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        assert window_appears(env, "快办柜台 · 首次使用", app, within=600), out.read_text()
        lines = out.read_text().splitlines()
        assert any("removing the half-made .venv" in line for line in lines), lines
        assert any("installing the app into .venv" in line for line in lines), lines
        # No pip or setuptools chatter: only setup-env's own lines (and, on a machine
        # that lacked them, the one about system packages).
        assert all(line.startswith("setup-env: ") for line in lines), lines
    finally:
        if app is not None and app.poll() is None:
            os.killpg(app.pid, signal.SIGTERM)
            app.wait(30)
        xvfb.terminate()
        xvfb.wait(30)

    # A second start installs nothing and says nothing.
    stamp = clone / ".venv" / ".installed"
    before = (stamp.read_text(), (clone / ".venv" / "install.log").stat().st_mtime)
    again = subprocess.run(["bash", str(clone / "scripts/setup-env.sh")], env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and again.stdout == again.stderr == "", again
    assert (stamp.read_text(), (clone / ".venv" / "install.log").stat().st_mtime) == before
    # pyproject.toml changed: install again, as quietly.
    with (clone / "pyproject.toml").open("a") as f:
        f.write("# a changed dependency list\n")
    changed = subprocess.run(["bash", str(clone / "scripts/setup-env.sh")], env=env,
                             capture_output=True, text=True, timeout=600)
    assert changed.returncode == 0, changed
    assert changed.stderr.splitlines() == [
        "setup-env: installing the app into .venv (first start, or pyproject.toml changed)"
    ]
    assert stamp.read_text() != before[0]
