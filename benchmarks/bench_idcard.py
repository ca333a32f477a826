"""ID-card read time over the pty simulator, next to the wire floor.

    .venv/bin/python benchmarks/bench_idcard.py [--runs 10] [--baud 115200]

One read is find → select → read (text + photo) through `SamReader`, against the
simulated reader that paces its answers at the line rate (10 bits a byte). The floor
is the time the 1295-byte read answer alone needs on the wire (≈ 112 ms at 115200
baud); the three answers together are 1329 bytes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.idcard.model import CardType  # noqa: E402
from devices.idcard.reader import SamReader  # noqa: E402
from devices.idcard.samples import sample_card  # noqa: E402
from devices.idcard.simulator import IdCardSimulator  # noqa: E402
from devices.pty_sim import wire_time  # noqa: E402
from devices.transport import open_serial  # noqa: E402

READ_ANSWER = 1295
ALL_ANSWERS = 15 + 19 + READ_ANSWER  # find ok + select ok + read ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--baud", type=int, default=115200)
    args = parser.parse_args(argv)

    with IdCardSimulator(sample_card(CardType.RESIDENT), baud=args.baud,
                         replace_after_s=0.0) as sim:
        port = open_serial(sim.path, args.baud)
        reader = SamReader(port, args.baud)
        times: list[float] = []
        try:
            reader.read_card()  # warm-up (imports, first open)
            for _ in range(args.runs):
                time.sleep(0.02)  # the card "comes back" (replace_after_s=0)
                start = time.perf_counter()
                card = reader.read_card()
                times.append(time.perf_counter() - start)
                if card is None:
                    print("no card read", file=sys.stderr)
                    return 1
        finally:
            port.close()

    floor = wire_time(READ_ANSWER, args.baud)
    floor_all = wire_time(ALL_ANSWERS, args.baud)
    mean = statistics.mean(times)
    print(f"ID-card read at {args.baud} baud over the pty simulator, {args.runs} runs")
    print(f"  wire floor (read answer, {READ_ANSWER} bytes): {floor * 1000:7.1f} ms")
    print(f"  wire floor (all answers, {ALL_ANSWERS} bytes): {floor_all * 1000:7.1f} ms")
    print(f"  read time  mean {mean * 1000:7.1f} ms   min {min(times) * 1000:7.1f} ms   "
          f"max {max(times) * 1000:7.1f} ms")
    print(f"  mean / floor: {mean / floor:.2f}   overhead over all answers: "
          f"{(mean - floor_all) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
