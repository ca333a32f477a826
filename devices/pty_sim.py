"""Serve a simulated device on a pseudo-terminal (POSIX).

`PtyPort` is the device end of a simulated serial cable. The driver opens `port.path`,
a symlink to the pty's slave side, exactly as it would open `/dev/ttyUSB0` (udev's
`/dev/serial/by-id/…` names are symlinks too). Why a symlink: pulling the cable closes
the pty, and the kernel hands out a new `/dev/pts/N` when it comes back; the symlink
keeps the name the driver was configured with.

Faults:
- **line rate**: `write` paces the bytes so N bytes take N×10/baud seconds (8N1), as a
  UART would; a 1295-byte ID-card answer at 115200 baud takes 112 ms, not 0. Only
  the device → host direction is paced: the host's requests are a few bytes.
- **pulled cable** (`pull_cable`/`plug_cable`): master and slave are closed and the
  symlink removed, so the driver's next read or write raises SerialException and a
  reopen fails until the cable is back.
- **garbage / split frames** (`LineFaults`, used by `PtySimulator.send_frame`):
  random bytes between frames; a frame written in pieces with gaps.

`PtySimulator` is the base of the device simulators: a thread that reads what the
host sends, hands it to `on_bytes`, and calls `on_tick` for the device's own timers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import select
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Self

log = logging.getLogger(__name__)

#: Bytes written in one step while pacing: small enough to keep timing smooth.
_PACE_CHUNK_S = 0.002


def wire_time(n_bytes: int, baud: int) -> float:
    """Seconds that `n_bytes` take on an 8N1 line (10 bits a byte)."""
    return n_bytes * 10 / baud


@dataclass
class LineFaults:
    """Fault knobs of the line between a simulator and the host."""

    garbage_rate: float = 0.0  # probability of a burst of random bytes before a frame
    garbage_max: int = 16  # longest burst
    split_rate: float = 0.0  # probability that a frame is written in pieces
    split_gap_s: float = 0.01  # gap between pieces
    seed: int | None = None


class PtyPort:
    """Device end of a simulated serial cable, reachable by the host at `path`."""

    def __init__(self, baud: int = 115200, *, path: str | os.PathLike[str] | None = None,
                 name: str = "ttySIM", paced: bool = True) -> None:
        self.baud = baud
        self.paced = paced
        self._own_dir: str | None = None
        self._name = name
        self._path = str(path) if path is not None else None
        self._master: int | None = None
        self._slave: int | None = None
        self._lock = threading.RLock()
        self.bytes_written = 0

    @property
    def path(self) -> str:
        """Where the host opens the port (a temporary folder is made on first use)."""
        if self._path is None:
            self._own_dir = tempfile.mkdtemp(prefix="kuaiban-sim-")
            self._path = str(Path(self._own_dir) / self._name)
        return self._path

    # ---- cable ----------------------------------------------------------------

    @property
    def plugged(self) -> bool:
        return self._master is not None

    def open(self) -> Self:
        self.plug_cable()
        return self

    def plug_cable(self) -> None:
        with self._lock:
            if self._master is not None:
                return
            if not hasattr(os, "openpty"):
                raise OSError("模拟设备需要伪终端 (Linux/macOS), 本系统不支持")
            import tty  # POSIX only; imported here so Windows can import this module

            master, slave = os.openpty()
            tty.setraw(master)
            tty.setraw(slave)
            # Keeping our own slave descriptor open means the master never sees a hang-up
            # while no host has the port open (reads would fail with EIO otherwise).
            os.set_blocking(master, False)
            slave_name = os.ttyname(slave)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            os.symlink(slave_name, self.path)
            self._master, self._slave = master, slave

    def pull_cable(self) -> None:
        with self._lock:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            for fd in (self._master, self._slave):
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self._master = self._slave = None

    def close(self) -> None:
        self.pull_cable()
        if self._own_dir is not None:
            with contextlib.suppress(OSError):
                os.rmdir(self._own_dir)
            self._own_dir = None

    # ---- data -----------------------------------------------------------------

    def read(self, timeout: float) -> bytes:
        """Bytes from the host, or b"" after `timeout` (also while unplugged)."""
        master = self._master
        if master is None:
            time.sleep(timeout)
            return b""
        try:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                return b""
            return os.read(master, 4096)
        except (OSError, ValueError):
            # Closed under our feet by pull_cable, or no host on the other side.
            time.sleep(min(timeout, 0.01))
            return b""

    def write(self, data: bytes) -> None:
        """Send bytes to the host at line rate. Lost silently while unplugged."""
        if not data:
            return
        step = max(1, int(self.baud / 10 * _PACE_CHUNK_S)) if self.paced else len(data)
        start = time.monotonic()
        sent = 0
        while sent < len(data):
            chunk = data[sent : sent + step]
            if self.paced:
                # Sleep first: the chunk is "on the wire" until its last bit has gone.
                due = start + wire_time(sent + len(chunk), self.baud)
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            self._write_now(chunk)
            sent += len(chunk)

    def _write_now(self, chunk: bytes) -> None:
        with self._lock:
            master = self._master
            if master is None:
                return
            view = memoryview(chunk)
            deadline = time.monotonic() + 1.0
            while view:
                try:
                    n = os.write(master, view)
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        return  # nobody reads: drop, as a line with no listener does
                    time.sleep(0.001)
                    continue
                except OSError:
                    return
                view = view[n:]
                self.bytes_written += n


class PtySimulator:
    """Base of the device simulators: a thread serving one `PtyPort`."""

    name = "sim"
    tick_s = 0.005

    def __init__(self, *, baud: int = 115200, faults: LineFaults | None = None,
                 path: str | os.PathLike[str] | None = None, paced: bool = True) -> None:
        self.faults = faults or LineFaults()
        self.rng = random.Random(self.faults.seed)
        self.port = PtyPort(baud, path=path, name=f"ttySIM-{self.name}", paced=paced)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pull_timer: threading.Timer | None = None
        #: Guards the simulated device state: the serving thread and test code both touch it.
        self.lock = threading.RLock()
        self.cable_pulls = 0

    @property
    def path(self) -> str:
        return self.port.path

    @property
    def baud(self) -> int:
        return self.port.baud

    def start(self) -> Self:
        self.port.open()
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name=f"sim-{self.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._pull_timer is not None:
            self._pull_timer.cancel()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(2.0)
        self._thread = None
        self.port.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- cable ----------------------------------------------------------------

    def pull_cable(self, seconds: float | None = None) -> None:
        """Make the port vanish; with `seconds`, plug it back in after that long."""
        self.port.pull_cable()
        self.cable_pulls += 1
        self.on_cable_pulled()
        if seconds is not None:
            self._pull_timer = threading.Timer(seconds, self.plug_cable)
            self._pull_timer.daemon = True
            self._pull_timer.start()

    def plug_cable(self) -> None:
        if not self._stop.is_set():
            self.port.plug_cable()

    # ---- sending with faults -------------------------------------------------

    def send_frame(self, frame: bytes) -> None:
        """Write one frame, with garbage before it and in pieces if the knobs say so."""
        faults = self.faults
        if faults.garbage_rate and self.rng.random() < faults.garbage_rate:
            self.port.write(self.garbage())
        if faults.split_rate and len(frame) > 1 and self.rng.random() < faults.split_rate:
            cuts = sorted(self.rng.sample(range(1, len(frame)), min(3, len(frame) - 1)))
            pieces = [frame[a:b] for a, b in zip([0, *cuts], [*cuts, len(frame)], strict=True)]
            for i, piece in enumerate(pieces):
                if i:
                    time.sleep(faults.split_gap_s)
                self.port.write(piece)
        else:
            self.port.write(frame)

    def garbage(self) -> bytes:
        n = self.rng.randint(1, max(1, self.faults.garbage_max))
        return bytes(self.rng.randrange(256) for _ in range(n))

    # ---- hooks ------------------------------------------------------------------

    def on_bytes(self, data: bytes) -> None:
        """Bytes from the host (simulator thread)."""

    def on_tick(self, now: float) -> None:
        """The device's own timers (simulator thread)."""

    def on_cable_pulled(self) -> None:
        """Called when the cable is pulled (e.g. to forget half-received frames)."""

    def _serve(self) -> None:
        while not self._stop.is_set():
            data = self.port.read(self.tick_s)
            try:
                with self.lock:
                    if data:
                        self.on_bytes(data)
                    self.on_tick(time.monotonic())
            except Exception:  # a simulator bug must not hang the tests
                log.exception("simulator %s failed", self.name)
