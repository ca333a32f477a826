"""A simulated ESC/POS slip printer on a pseudo-terminal.

It answers DLE EOT n from `status` (set `paper_out`, `cover_open`, … to provoke a
failure), records the bytes it would print in `received` (bytes that arrive while it
cannot print go to `discarded`), and `silent=True` makes it never answer (a printer
that does not speak real-time status, or a dead one).
"""

from __future__ import annotations

from dataclasses import replace

from devices.escpos.builder import DLE, EOT
from devices.escpos.status import PrinterStatus, encode_status
from devices.pty_sim import LineFaults, PtySimulator


class PrinterSimulator(PtySimulator):
    name = "printer"

    def __init__(
        self,
        status: PrinterStatus | None = None,
        *,
        baud: int = 9600,
        silent: bool = False,
        faults: LineFaults | None = None,
        path: str | None = None,
        paced: bool = True,
    ) -> None:
        super().__init__(baud=baud, faults=faults, path=path, paced=paced)
        self.status = status or PrinterStatus()
        self.silent = silent
        self.received = bytearray()
        self.discarded = bytearray()
        self.status_queries = 0
        self._pending = bytearray()  # a DLE or DLE EOT split over reads

    def set_status(self, **flags: bool) -> None:
        """E.g. `set_status(paper_out=True)`."""
        with self.lock:
            self.status = replace(self.status, **flags)

    def on_cable_pulled(self) -> None:
        self._pending.clear()

    def on_bytes(self, data: bytes) -> None:
        buf = self._pending + data
        self._pending = bytearray()
        i = 0
        while i < len(buf):
            byte = buf[i]
            if byte == DLE:
                if i + 2 >= len(buf) and buf[i + 1 : i + 2] in (b"", bytes([EOT])):
                    self._pending = bytearray(buf[i:])  # wait for the rest
                    return
                if buf[i + 1] == EOT and buf[i + 2] in (1, 2, 3, 4):
                    self._answer(buf[i + 2])
                    i += 3
                    continue
            self._keep(byte)
            i += 1

    def _keep(self, byte: int) -> None:
        (self.received if self.status.ok else self.discarded).append(byte)

    def _answer(self, n: int) -> None:
        self.status_queries += 1
        if self.silent:
            return
        self.send_frame(bytes([encode_status(n, self.status)]))

    @property
    def cuts(self) -> int:
        data = bytes(self.received)
        return data.count(b"\x1dV")
