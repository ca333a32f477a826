"""Serial transport: open a port by name or URL, and the backoff used to reopen it.

A port is a device name (`/dev/ttyUSB0`, `COM3`) or any pyserial URL (`socket://host:
port`, `loop://`, `rfc2217://…`). A `?baud=N` suffix overrides the default baud rate,
so one settings string can carry both (`/dev/ttyACM0?baud=19200`).

Failures speak one language. Opening raises `DeviceUnavailable`; a port that vanishes
while in use (cable pulled, USB reset) raises `PortGone` from every method of the
`SerialPort` that `open_serial` returns, whatever pyserial raised underneath
(`SerialException`, `OSError`, or `termios.error` from flushing a tty that has gone
away). Both carry a Chinese `reason` for status lights and messages; the raw
exception text (English, from pyserial or the OS) is kept in `detail`, for the log.
"""

from __future__ import annotations

import contextlib
import errno
import random
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode

import serial

#: Read timeout of driver ports: short, so the owning thread stays responsive.
POLL_TIMEOUT_S = 0.02
WRITE_TIMEOUT_S = 2.0
STANDARD_BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400)


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


class DeviceUnavailable(Exception):
    """The device cannot be reached now; `reason` is Chinese, for a status light.

    `detail` is the technical why (port name, library name, the OS's own English
    message): it goes to the log, never onto a status light."""

    def __init__(self, reason: str, *, error: bool = False, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        #: True when retrying will not help without a person (missing library, no
        #: permission): the status shows ERROR instead of OFFLINE.
        self.error = error
        self.detail = detail


class PortGone(DeviceUnavailable):
    """An open port failed under a read, write or flush: the cable was pulled, the
    USB bridge reset, the device lost power. The owner closes it and reopens later."""


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


def _errno_of(exc: BaseException) -> int | None:
    """The errno of an OSError, of the OSError pyserial wrapped, or of termios.error."""
    err = getattr(exc, "errno", None)
    if err is None and exc.args and isinstance(exc.args[0], int):
        err = exc.args[0]  # termios.error(5, 'Input/output error')
    if err is None and exc.__context__ is not None and exc.__context__ is not exc:
        err = getattr(exc.__context__, "errno", None)
    return err


def describe_port_error(port: str, exc: BaseException) -> str:
    """A Chinese reason for a failed open, for the status light and the CLI.

    The port name and the OS's message stay out of it (they are English, and the
    person at the counter cannot act on them); callers log them."""
    err = _errno_of(exc)
    text = str(exc)
    if isinstance(exc, FileNotFoundError) or err in (errno.ENOENT, errno.ENODEV, errno.ENXIO) \
            or "No such file" in text or "FileNotFoundError" in text:
        return "找不到端口（设备未连接？）"
    if isinstance(exc, PermissionError) or err == errno.EACCES or "Permission denied" in text \
            or "PermissionError" in text:
        return "没有权限打开端口，请联系技术人员"
    if err == errno.EBUSY or "busy" in text.lower() or "拒绝访问" in text:
        return "端口被其他程序占用"
    if isinstance(exc, ValueError):
        return "端口设置无效"
    return "端口打开失败"


def describe_link_error(exc: BaseException) -> str:
    """A Chinese reason for a port (or socket) that failed while in use."""
    if isinstance(exc, DeviceUnavailable):
        return exc.reason
    if isinstance(exc, serial.SerialTimeoutException | TimeoutError):
        return "连接中断（设备无响应）"
    err = _errno_of(exc)
    if err == errno.EACCES or isinstance(exc, PermissionError):
        return "连接中断（没有权限访问端口）"
    if isinstance(exc, ConnectionError) or err in (errno.ECONNRESET, errno.EPIPE,
                                                   errno.ECONNREFUSED):
        return "连接中断（对方关闭了连接）"
    return "连接中断（设备已断开或断电）"


def port_gone(exc: BaseException, port: str = "") -> PortGone:
    """The `PortGone` for a low-level failure of an open port (reason Chinese)."""
    where = f"{port}: " if port else ""
    return PortGone(describe_link_error(exc), detail=f"{where}{type(exc).__name__}: {exc}")


def open_serial(
    url: str,
    baud: int,
    *,
    timeout: float = POLL_TIMEOUT_S,
    write_timeout: float = WRITE_TIMEOUT_S,
) -> SerialPort:
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
    except (*PORT_ERRORS, ValueError) as exc:
        raise DeviceUnavailable(
            describe_port_error(url, exc), detail=f"{url}: {type(exc).__name__}: {exc}"
        ) from exc
    return SerialPort(port, url)


class SerialPort:
    """An open pyserial port whose I/O failures all come out as `PortGone`.

    Why a wrapper: a pulled cable shows up as `SerialException`, `OSError` or
    `termios.error` depending on which call notices first and on timing; code above
    the transport (protocol readers, drivers, tests) handles one exception instead.
    Other attributes (`is_open`, `baudrate`, …) are the pyserial port's own.
    """

    def __init__(self, raw: serial.SerialBase, url: str = "") -> None:
        self.raw = raw
        self.url = url

    def _gone(self, exc: BaseException) -> PortGone:
        return port_gone(exc, self.url)

    @property
    def in_waiting(self) -> int:
        try:
            return self.raw.in_waiting
        except PORT_ERRORS as exc:
            raise self._gone(exc) from exc

    def read(self, size: int = 1) -> bytes:
        try:
            return self.raw.read(size)
        except PORT_ERRORS as exc:
            raise self._gone(exc) from exc

    def write(self, data: bytes, /) -> int | None:
        try:
            return self.raw.write(data)
        except PORT_ERRORS as exc:
            raise self._gone(exc) from exc

    def flush(self) -> None:
        try:
            self.raw.flush()
        except PORT_ERRORS as exc:
            raise self._gone(exc) from exc

    def reset_input_buffer(self) -> None:
        try:
            self.raw.reset_input_buffer()
        except PORT_ERRORS as exc:
            raise self._gone(exc) from exc

    def close(self) -> None:
        close_quietly(self.raw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def close_quietly(port: object | None) -> None:
    if port is None:
        return
    with contextlib.suppress(Exception):  # closing a vanished port may fail any way
        port.close()  # type: ignore[attr-defined]


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
