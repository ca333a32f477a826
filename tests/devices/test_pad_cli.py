"""Done when: `device rate --count 20` against the simulator with 10 % lost ACKs,
garbage and one pulled cable prints exactly 20 results, the levels pressed, no
duplicates. The driver runs with the spec's default timings here."""

from __future__ import annotations

import json

import pytest

from devices.pad.simulator import PadSimulator
from devices.pty_sim import LineFaults

LEVELS = [5, 4, 3, 2, 1, 5, 5, 4, 2, 3, 1, 5, 4, 4, 3, 5, 2, 1, 5, 4]


def run_rate(run_cli, levels, count, **faults):
    sim = PadSimulator(baud=115200, levels=levels, press_delay_s=0.05, heartbeat_s=1.0,
                       **faults).start()
    try:
        code, out, err = run_cli("device", "rate", "--port", sim.path, "--baud", "115200",
                                 "--count", str(count), "--timeout", "30", "--json")
    finally:
        sim.stop()
    return sim, code, out, err


def test_rate_20_with_lost_acks_garbage_and_a_pulled_cable(run_cli):
    sim, code, out, err = run_rate(
        run_cli, LEVELS, 20, lost_ack_rate=0.1, pull_cable_after=8, pull_seconds=1.0,
        faults=LineFaults(garbage_rate=0.3, seed=20),
    )
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 20
    assert [line["level"] for line in lines] == LEVELS
    assert len({line["session"] for line in lines}) == 20
    assert all("not_rated" not in line for line in lines)
    assert [line["reasons"] != [] for line in lines] == [level <= 2 for level in LEVELS]
    assert sim.cable_pulls == 1  # the cable really was pulled, once
    assert sim.port.bytes_written > 0


def test_rate_text_output_and_not_rated(run_cli):
    sim = PadSimulator(baud=115200, levels=None, heartbeat_s=1.0).start()
    try:
        # Nobody presses: cancel from the pad side by timing the session out at once.
        import threading

        def expire() -> None:
            import time

            while True:
                with sim.lock:
                    if sim.current is not None:
                        sim.current.deadline = 0
                        return
                time.sleep(0.01)

        threading.Thread(target=expire, daemon=True).start()
        code, out, err = run_cli("device", "rate", "--port", sim.path, "--count", "1",
                                 "--timeout", "10")
    finally:
        sim.stop()
    assert code == 0, err
    assert "未评价 — 超时未评价" in out


def test_rate_without_a_pad(run_cli, tmp_path):
    code, _, err = run_cli("device", "rate", "--port", str(tmp_path / "none"),
                           "--connect-wait", "0.3")
    assert code == 1 and "评价器无应答" in err and "找不到端口" in err
    code, _, err = run_cli("device", "rate", "--port", "loop://", "--timeout", "5")
    assert code == 2 and "10–255" in err


@pytest.mark.slow
def test_rate_stress_30_sessions_with_every_fault(run_cli):
    levels = [(i * 7) % 5 + 1 for i in range(30)]
    sim, code, out, err = run_rate(
        run_cli, levels, 30, lost_ack_rate=0.2, bad_crc_rate=0.1, pull_cable_after=15,
        pull_seconds=2.0, faults=LineFaults(garbage_rate=0.5, split_rate=0.3, seed=99),
    )
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["level"] for line in lines] == levels
    assert len({line["session"] for line in lines}) == 30
