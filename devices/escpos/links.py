"""Printer connections by URL: `serial:PORT?baud=9600`, `tcp:HOST:9100`, `file:PATH`.

A link writes job bytes and asks one real-time status byte. A file link (raw bytes
appended to a file, for tests and for a spooler that picks them up) cannot answer;
its status counts as fit to print.
"""

from __future__ import annotations

import contextlib
import socket
import time
from pathlib import Path
from typing import Protocol

from devices.transport import (
    PORT_ERRORS,
    DeviceUnavailable,
    close_quietly,
    open_serial,
    parse_port,
)

DEFAULT_TCP_PORT = 9100
DEFAULT_SERIAL_BAUD = 9600


class PrinterLink(Protocol):
    url: str
    supports_status: bool

    def open(self) -> None: ...

    def close(self) -> None: ...

    def write(self, data: bytes) -> None: ...

    def query(self, request: bytes, timeout: float) -> int | None:
        """Send a real-time request, return the first answer byte or None."""


class SerialLink:
    supports_status = True

    def __init__(self, port: str, baud: int = DEFAULT_SERIAL_BAUD) -> None:
        spec = parse_port(port, baud)
        self.port_url, self.baud = spec.url, spec.baud
        self.url = f"serial:{spec.url}?baud={spec.baud}"
        self._port = None

    def open(self) -> None:
        if self._port is None:
            self._port = open_serial(self.port_url, self.baud)

    def close(self) -> None:
        port, self._port = self._port, None
        close_quietly(port)

    def write(self, data: bytes) -> None:
        if self._port is None:
            raise DeviceUnavailable("打印机端口未打开")
        self._port.write(data)
        self._port.flush()

    def query(self, request: bytes, timeout: float) -> int | None:
        if self._port is None:
            raise DeviceUnavailable("打印机端口未打开")
        self._port.reset_input_buffer()
        self._port.write(request)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = self._port.read(1)
            if data:
                return data[0]
        return None


class TcpLink:
    supports_status = True

    def __init__(self, host: str, port: int = DEFAULT_TCP_PORT, connect_timeout: float = 3.0):
        self.host, self.port = host, port
        self.url = f"tcp:{host}:{port}"
        self.connect_timeout = connect_timeout
        self._sock: socket.socket | None = None

    def open(self) -> None:
        if self._sock is not None:
            return
        try:
            self._sock = socket.create_connection((self.host, self.port), self.connect_timeout)
        except OSError as exc:
            raise DeviceUnavailable(
                "无法连接网络打印机", detail=f"{self.url}: {type(exc).__name__}: {exc}"
            ) from exc

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()

    def _socket(self) -> socket.socket:
        if self._sock is None:
            raise DeviceUnavailable("打印机未连接")
        return self._sock

    def write(self, data: bytes) -> None:
        sock = self._socket()
        sock.settimeout(10.0)
        sock.sendall(data)

    def query(self, request: bytes, timeout: float) -> int | None:
        sock = self._socket()
        sock.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            while sock.recv(256):  # stale answers
                pass
        sock.settimeout(timeout)
        sock.sendall(request)
        try:
            data = sock.recv(1)
        except TimeoutError:
            return None
        if not data:
            raise ConnectionResetError("printer closed the connection")
        return data[0]


class FileLink:
    supports_status = False

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.url = f"file:{self.path}"

    def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("ab"):
                pass
        except OSError as exc:
            raise DeviceUnavailable(
                "无法写入打印文件", error=True, detail=f"{self.path}: {type(exc).__name__}: {exc}"
            ) from exc

    def close(self) -> None:
        pass

    def write(self, data: bytes) -> None:
        with self.path.open("ab") as f:
            f.write(data)

    def query(self, request: bytes, timeout: float) -> int | None:
        return None


def open_link(url: str) -> PrinterLink:
    """A link for a printer URL (not yet opened). Raises ValueError in Chinese."""
    url = url.strip()
    if url.startswith("serial:"):
        rest = url[len("serial:") :].removeprefix("//")
        if not rest:
            raise ValueError(f"打印机地址缺少端口: {url}")
        return SerialLink(rest)
    if url.startswith("tcp:"):
        rest = url[len("tcp:") :].removeprefix("//")
        host, _, port = rest.rpartition(":") if ":" in rest else (rest, "", "")
        if not host:
            raise ValueError(f"打印机地址缺少主机: {url}")
        try:
            number = int(port) if port else DEFAULT_TCP_PORT
        except ValueError:
            raise ValueError(f"打印机端口号无效: {url}") from None
        return TcpLink(host, number)
    if url.startswith("file:"):
        path = url[len("file:") :].removeprefix("//")
        if not path:
            raise ValueError(f"打印机地址缺少文件路径: {url}")
        return FileLink(path)
    raise ValueError(
        f"打印机地址无效: {url} (应为 serial:端口?baud=9600、tcp:主机:9100 或 file:路径)"
    )


LINK_ERRORS: tuple[type[BaseException], ...] = (*PORT_ERRORS, DeviceUnavailable)
