"""`counter-app simulate pad|printer|scanner` as a technician runs them: a separate
process that prints its port and serves until stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def simulate(*args: str) -> Iterator[dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "counter_main", "simulate", *args, "--json"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        yield json.loads(line)
    finally:
        proc.send_signal(signal.SIGTERM)
        # It exits within about a second; the margin is for a machine busy with the
        # whole suite in parallel.
        proc.wait(60)
    assert proc.returncode == 0


def test_simulated_pad_with_faults(run_cli, tmp_path) -> None:
    with simulate("pad", "--baud", "115200", "--lost-ack-rate", "0.1", "--garbage",
                  "--auto-level", "2,5", "--press-delay", "0.05", "--heartbeat", "1",
                  "--pull-cable-after", "1", "--pull-seconds", "0.5", "--seed", "3",
                  "--link", str(tmp_path / "pad")) as info:
        assert info["port"] == str(tmp_path / "pad") and info["levels"] == "2,5"
        code, out, err = run_cli("device", "rate", "--port", info["port"], "--baud", "115200",
                                 "--count", "3", "--timeout", "30", "--json")
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["level"] for line in lines] == [2, 5, 2]
    assert lines[0]["reasons"] == ["服务态度差", "办事效率低、等候时间长"]
    assert not (tmp_path / "pad").exists()


def test_simulated_printer_with_paper_end_and_save(run_cli, tmp_path) -> None:
    saved = tmp_path / "printed.bin"
    with simulate("printer", "--paper-end", "--baud", "115200", "--save", str(saved)) as info:
        assert info["status"] == "打印机缺纸"
        code, out, err = run_cli("device", "print-test", "--printer",
                                 f"serial:{info['port']}?baud=115200", "--spool",
                                 str(tmp_path / "spool"))
    assert code == 1 and "缺纸" in err
    assert saved.read_bytes() == b""


def test_simulated_scanner(run_cli) -> None:
    with simulate("scanner", "--baud", "115200", "--code", "QR-1", "--every", "0.1") as info:
        code, out, err = run_cli("device", "scan", "--port", info["port"], "--baud", "115200")
    assert code == 0, err
    assert out.strip() == "QR-1"


def test_bad_simulate_options(run_cli) -> None:
    code, _, err = run_cli("simulate", "pad", "--auto-level", "7")
    assert code == 2 and "1–5" in err
    code, _, err = run_cli("simulate", "pad", "--lost-ack-rate", "2")
    assert code == 2 and "0–1" in err
