"""A simulated serial scanner: `scan(code)` sends the code as a line.

Knobs: `terminator` (CR LF, CR or LF), `every_s` with `codes` (scan them in turn by
itself), garbage (noise lines of control bytes) and split lines via `LineFaults`,
line rate and the pulled cable from `PtySimulator`.
"""

from __future__ import annotations

from collections.abc import Sequence

from devices.pty_sim import LineFaults, PtySimulator
from devices.scanner.codec import encode_line


class ScannerSimulator(PtySimulator):
    name = "scanner"

    def __init__(
        self,
        *,
        baud: int = 9600,
        terminator: bytes = b"\r\n",
        codes: Sequence[str] = (),
        every_s: float | None = None,
        faults: LineFaults | None = None,
        path: str | None = None,
        paced: bool = True,
    ) -> None:
        super().__init__(baud=baud, faults=faults, path=path, paced=paced)
        self.terminator = terminator
        self.codes = list(codes)
        self.every_s = every_s
        self._next_at: float | None = None
        self._index = 0
        self.sent: list[str] = []

    def scan(self, code: str) -> None:
        with self.lock:
            self.sent.append(code)
            self.send_frame(encode_line(code, self.terminator))

    def garbage(self) -> bytes:
        # Noise a scanner line can carry without breaking a code: NULs, stray ends.
        n = self.rng.randint(1, 4)
        return bytes(self.rng.choice(b"\x00\r\n") for _ in range(n))

    def on_tick(self, now: float) -> None:
        if self.every_s is None or not self.codes:
            return
        if self._next_at is None:
            self._next_at = now + self.every_s
        elif now >= self._next_at:
            self._next_at = now + self.every_s
            code = self.codes[self._index % len(self.codes)]
            self._index += 1
            self.sent.append(code)
            self.send_frame(encode_line(code, self.terminator))
