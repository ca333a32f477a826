"""SAM frame decoder on false preambles: seconds for 133 KB, next to a plain scan.

    .venv/bin/python benchmarks/bench_sam_decoder.py [--kb 133] [--chunk 4096]

Noise on a serial line (or a hostile device) can be full of the 5-byte preamble
`AA AA AA 96 69` followed by a length field that is never honoured. Each input is
fed to `devices.idcard.frames.FrameDecoder` in `--chunk`-byte reads, as a driver
would, and a real frame is appended at the end: the decoder must still find it.

The baseline, measured in the same run on the same bytes, is the least work any
decoder must do: find every preamble (`bytes.find`) and XOR every byte once
(`itertools.accumulate`). The figure to watch is decoder / baseline: a decoder that
is linear in the input stays a small constant; one that re-checksums a claimed
frame at each false preamble grows with the input (quadratic). The last line times
twice the input against once.
"""

from __future__ import annotations

import argparse
import itertools
import operator
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.idcard.frames import PREAMBLE, FrameDecoder, SamFrame, encode_response  # noqa: E402

GOOD = encode_response(0x90, b"\x01\x02\x03")


def false_preambles(size: int, length: Callable[[random.Random], int], seed: int = 7) -> bytes:
    """`size` bytes of preambles each claiming `length(rng)` bytes, in random filler."""
    rng = random.Random(seed)
    out = bytearray()
    while len(out) < size:
        out += PREAMBLE + length(rng).to_bytes(2, "big")
        out += bytes(rng.randrange(256) for _ in range(rng.randrange(0, 4)))
    return bytes(out[:size])


INPUTS: dict[str, Callable[[random.Random], int]] = {
    "max length (FF FF)": lambda rng: 0xFFFF,
    "long lengths (8-64 KB)": lambda rng: rng.randrange(0x2000, 0x10000),
    "plausible lengths (<= 2.4 KB)": lambda rng: rng.randrange(1, 2400),
    "short lengths (1-16)": lambda rng: rng.randrange(1, 17),
}


def decode(stream: bytes, chunk: int) -> tuple[float, int, int]:
    decoder = FrameDecoder()
    frames = bad = 0
    start = time.perf_counter()
    for i in range(0, len(stream), chunk):
        for item in decoder.feed(stream[i : i + chunk]):
            if isinstance(item, SamFrame):
                frames += 1
            else:
                bad += 1
    return time.perf_counter() - start, frames, bad


def plain_scan(stream: bytes, chunk: int) -> float:
    start = time.perf_counter()
    found = 0
    pos = stream.find(PREAMBLE)
    while pos >= 0:
        found += 1
        pos = stream.find(PREAMBLE, pos + 1)
    acc = 0
    for i in range(0, len(stream), chunk):
        part = stream[i : i + chunk]
        *_, acc = itertools.accumulate(part, operator.xor, initial=acc)
    elapsed = time.perf_counter() - start
    assert found and acc >= 0
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=float, default=133.0)
    parser.add_argument("--chunk", type=int, default=4096)
    args = parser.parse_args(argv)
    size = int(args.kb * 1024)
    print(f"SAM frame decoder, {size} bytes of false preambles fed in {args.chunk}-byte reads")
    print(f"  {'input':32} {'decoder s':>10} {'plain scan s':>13} {'ratio':>8}  frames")
    worst = 0.0
    missed = 0
    for name, length in INPUTS.items():
        stream = false_preambles(size, length) + GOOD
        baseline = min(plain_scan(stream, args.chunk) for _ in range(3))
        seconds, frames, bad = decode(stream, args.chunk)
        ratio = seconds / baseline
        worst = max(worst, ratio)
        found = "" if frames else "  <- the real frame after the noise was not found"
        missed += not frames
        print(f"  {name:32} {seconds:10.3f} {baseline:13.4f} {ratio:8.1f}  "
              f"{frames} good, {bad} bad{found}")
    print(f"  worst decoder / plain scan: {worst:.1f}")
    # Growth: twice the input should take about twice as long (4x would be quadratic).
    name = "long lengths (8-64 KB)"
    one = min(decode(false_preambles(size, INPUTS[name]) + GOOD, args.chunk)[0]
              for _ in range(3))
    two = min(decode(false_preambles(2 * size, INPUTS[name]) + GOOD, args.chunk)[0]
              for _ in range(3))
    print(f"  {name}: {2 * size} bytes take {two / one:.2f}x the time of {size} "
          "(2 = linear, 4 = quadratic)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
