"""Serial transport: open a port by name or URL, and the backoff used to reopen it.

A port is a device name (`/dev/ttyUSB0`, `COM3`) or any pyserial URL (`socket://host:
port`, `loop://`, `rfc2217://…`). A `?baud=N` suffix overrides the default baud rate,
so one settings string can carry both (`/dev/ttyACM0?baud=19200`).
"""

from __future__ import annotations

import contextlib
import errno
import random
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import parse_qsl, urlencode

import serial

#: Read timeout of driver ports: short, so the owning thread stays responsive.
POLL_TIMEOUT_S = 0.02
WRITE_TIMEOUT_S = 2.0
STANDARD_BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400)


class DeviceUnavailable(Exception):
    """The device cannot be reached now; `reason` is Chinese, for a status light."""

    def __init__(self, reason: str, *, error: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        #: True when retrying will not help without a person (missing library, no
        #: permission): the status shows ERROR instead of OFFLINE.
        self.error = error


class BytePort(Protocol):
    """The part of a pyserial port the protocol code uses (a fake fits in tests)."""

    @property
    def in_waiting(self) -> int: ...

    def read(self, size: int = 1) -> bytes: ...

    def write(self, data: bytes, /) -> int | None: ...

    def reset_input_buffer(self) -> None: ...


@dataclass(frozen=True)
class PortSpec:
    url: str
    baud: int


def parse_port(text: str, default_baud: int) -> PortSpec:
    """Split `PORT?baud=N` (other query parameters stay for pyserial URL handlers)."""
    text = text.strip()
    if not text:
        raise ValueError("未设置端口")
    if text.startswith("serial:") and not text.startswith("serial://"):
        text = text[len("serial:") :]
    base, sep, query = text.partition("?")
    baud = default_baud
    if sep:
        kept = []
        for key, value in parse_qsl(query, keep_blank_values=True):
            if key == "baud":
                try:
                    baud = int(value)
                except ValueError:
                    raise ValueError(f"波特率无效: {value}") from None
            else:
                kept.append((key, value))
        if kept:
            base = f"{base}?{urlencode(kept)}"
    if baud <= 0:
        raise ValueError(f"波特率无效: {baud}")
    return PortSpec(base, baud)


def describe_port_error(port: str, exc: BaseException) -> str:
    """A Chinese reason for a failed open, for the status light and the CLI."""
    err = getattr(exc, "errno", None)
    text = str(exc)
    if isinstance(exc, FileNotFoundError) or err == errno.ENOENT or "No such file" in text:
        return f"找不到端口 {port} (设备未连接?)"
    if isinstance(exc, PermissionError) or err == errno.EACCES or "Permission denied" in text:
        return f"没有权限打开端口 {port}"
    if err == errno.EBUSY or "busy" in text.lower() or "拒绝访问" in text:
        return f"端口 {port} 被占用"
    if "could not open port" in text and "FileNotFoundError" in text:
        return f"找不到端口 {port} (设备未连接?)"
    return f"端口 {port} 打开失败: {text}"


def open_serial(
    url: str,
    baud: int,
    *,
    timeout: float = POLL_TIMEOUT_S,
    write_timeout: float = WRITE_TIMEOUT_S,
) -> serial.SerialBase:
    """Open a port (8N1). Raises DeviceUnavailable with a Chinese reason."""
    try:
        port = serial.serial_for_url(
            url,
            baudrate=baud,
            bytesize=serial.EIGHTBITS,
            parity=serial.PARITY_NONE,
            stopbits=serial.STOPBITS_ONE,
            timeout=timeout,
            write_timeout=write_timeout,
        )
    except (serial.SerialException, OSError, ValueError) as exc:
        raise DeviceUnavailable(describe_port_error(url, exc)) from exc
    return port


def close_quietly(port: object | None) -> None:
    if port is None:
        return
    with contextlib.suppress(Exception):  # closing a vanished port may fail any way
        port.close()  # type: ignore[attr-defined]


try:
    import termios

    _TERMIOS_ERRORS: tuple[type[BaseException], ...] = (termios.error,)
except ImportError:  # Windows
    _TERMIOS_ERRORS = ()

#: What a read or write on a vanished port raises (pyserial wraps most OSErrors, but
#: not termios.error from flushing a tty that has gone away).
PORT_ERRORS: tuple[type[BaseException], ...] = (
    serial.SerialException,
    OSError,
    *_TERMIOS_ERRORS,
)


class Backoff:
    """Delays between reconnect attempts: 0.2 s doubling up to 5 s, with jitter."""

    def __init__(
        self, initial: float = 0.2, maximum: float = 5.0, factor: float = 2.0, jitter: float = 0.1
    ) -> None:
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
        self.jitter = jitter
        self._next = initial

    def next(self) -> float:
        delay = self._next
        self._next = min(self.maximum, self._next * self.factor)
        return delay * (1.0 + random.uniform(-self.jitter, self.jitter))

    def reset(self) -> None:
        self._next = self.initial
