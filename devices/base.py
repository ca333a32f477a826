"""The common driver: one thread owns the device, commands in, typed events out.

Threading model (the rule the GUI bridge relies on):

- Every driver runs one thread (`DeviceDriver.start`). Only that thread touches the
  port or library handle. Public methods that act on the device (`open_session`,
  `read_now`, `print_job`, …) only put a command on the queue and return at once.
- Events (`DeviceEvent` subclasses) are delivered by calling the listeners **on the
  driver thread**. A listener must return quickly and must not call Qt widgets: the
  GUI re-emits them as signals (queued connection) and handles them on its thread.
  An exception in a listener is logged and swallowed; it never stops the driver.
- `status` (`DeviceStatus`: ONLINE / OFFLINE / ERROR plus a Chinese reason) can be
  read from any thread; every change is also sent as `DeviceStatusChanged`. A reason
  is always Chinese words (it is shown to tellers and applicants): the technical
  detail of a failure (port name, the English text of an OS or pyserial error) goes
  to the log when the status changes.
- When the port vanishes (cable pulled) the driver closes it, reports OFFLINE and
  reopens it with backoff; nobody has to restart anything.
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Self, TypeVar

from devices.transport import (
    PORT_ERRORS,
    Backoff,
    DeviceUnavailable,
    PortGone,
    SerialPort,
    close_quietly,
    describe_link_error,
    open_serial,
    parse_port,
)

log = logging.getLogger(__name__)

__all__ = [
    "DeviceDriver",
    "DeviceEvent",
    "DeviceState",
    "DeviceStatus",
    "DeviceStatusChanged",
    "DeviceUnavailable",
    "EventCallback",
    "SerialDeviceDriver",
]


class DeviceState(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    ERROR = "error"


@dataclass(frozen=True)
class DeviceStatus:
    state: DeviceState
    reason: str = ""

    @property
    def online(self) -> bool:
        return self.state is DeviceState.ONLINE


@dataclass(frozen=True)
class DeviceEvent:
    """Base of every event a driver sends; `device` is the driver's name."""

    device: str


@dataclass(frozen=True)
class DeviceStatusChanged(DeviceEvent):
    status: DeviceStatus


EventCallback = Callable[[DeviceEvent], None]


class PortLost(Exception):
    """Raised inside a driver when the link is gone although the port did not fail
    (e.g. the device stopped answering); the driver reconnects."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


F = TypeVar("F", bound=Callable[..., Any])


def on_driver_thread(method: F) -> F:
    """Mark a driver method that touches the device: called from any other thread it
    raises instead of racing the driver thread for the port."""

    @functools.wraps(method)
    def checked(self: DeviceDriver, *args: Any, **kwargs: Any) -> Any:
        self._assert_driver_thread()
        return method(self, *args, **kwargs)

    return checked  # type: ignore[return-value]


class DeviceDriver(ABC):
    """A device owned by one thread. Subclasses fill in the hooks below."""

    kind: ClassVar[str] = "device"
    #: Longest time the loop sleeps while disconnected before looking at commands.
    idle_step_s: ClassVar[float] = 0.05

    def __init__(
        self,
        *,
        name: str | None = None,
        on_event: EventCallback | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self.name = name or self.kind
        self._listeners: list[EventCallback] = [on_event] if on_event else []
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._backoff = backoff or Backoff()
        self._status = DeviceStatus(DeviceState.OFFLINE, "未启动")
        self._connected = False

    # ---- public API (any thread) ------------------------------------------------

    @property
    def status(self) -> DeviceStatus:
        return self._status

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def add_listener(self, callback: EventCallback) -> None:
        self._listeners.append(callback)

    def remove_listener(self, callback: EventCallback) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def start(self) -> Self:
        if self.running:
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"device-{self.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def call_soon(self, command: Callable[[], None]) -> None:
        """Run `command` on the driver thread (in order, between I/O steps)."""
        self._commands.put(command)

    # ---- hooks ------------------------------------------------------------------

    @abstractmethod
    def _connect(self) -> None:
        """Open the device; raise DeviceUnavailable (or a port error) on failure."""

    @abstractmethod
    def _disconnect(self) -> None:
        """Close the device quietly (it may already be gone)."""

    def _on_connected(self) -> None:
        self._set_status(DeviceState.ONLINE)

    @abstractmethod
    def _tick(self) -> None:
        """One I/O step while connected; may block up to a few tens of ms.
        Raise a port error or PortLost when the device is gone."""

    def _on_idle(self) -> None:  # noqa: B027 - optional hook
        """Timers that run whether connected or not (called every loop)."""

    def _on_disconnected(self, reason: str) -> None:  # noqa: B027 - optional hook
        """Called on the driver thread after the device was lost."""

    def _on_stopped(self) -> None:  # noqa: B027 - optional hook
        """Called on the driver thread as the driver stops."""

    # ---- helpers for subclasses (driver thread) ----------------------------------

    @property
    def connected(self) -> bool:
        return self._connected

    def _assert_driver_thread(self) -> None:
        """Device I/O belongs to the driver's own thread (Electrum's rule, made checkable:
        every I/O step below is decorated with `on_driver_thread`)."""
        if threading.current_thread() is not self._thread:
            raise AssertionError(f"device I/O off the driver thread ({self.name})")

    def _emit(self, event: DeviceEvent) -> None:
        for callback in list(self._listeners):
            try:
                callback(event)
            except Exception:  # a listener must never stop the driver
                log.exception("device event listener failed (%s)", self.name)

    def _set_status(self, state: DeviceState, reason: str = "", detail: str = "") -> None:
        """Change the status (reason in Chinese); `detail` (technical) is logged."""
        status = DeviceStatus(state, reason)
        if status != self._status:
            self._status = status
            if detail:
                log.info("device %s %s: %s [%s]", self.name, state.value, reason, detail)
            self._emit(DeviceStatusChanged(self.name, status))

    # ---- the loop -----------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if not self._connected and not self._try_connect():
                    self._wait(self._backoff.next())
                    continue
                try:
                    self._run_commands()
                    self._tick()
                    self._on_idle()
                except (PortLost, DeviceUnavailable, *PORT_ERRORS) as exc:
                    self._lose_by(exc)
                except Exception:  # a bug: report it, reopen, keep going
                    log.exception("device driver %s failed", self.name)
                    self._lose("驱动内部错误，正在重新连接", DeviceState.ERROR)
                    self._wait(self._backoff.next())
        finally:
            if self._connected:
                self._connected = False
                self._safe_disconnect()
            try:
                self._on_stopped()
            finally:
                self._set_status(DeviceState.OFFLINE, "已停止")

    def _try_connect(self) -> bool:
        try:
            self._connect()
        except DeviceUnavailable as exc:
            self._safe_disconnect()
            state = DeviceState.ERROR if exc.error else DeviceState.OFFLINE
            self._set_status(state, exc.reason, exc.detail)
            return False
        except PORT_ERRORS as exc:
            self._safe_disconnect()
            self._set_status(DeviceState.OFFLINE, "连接失败（设备未就绪）",
                             f"{type(exc).__name__}: {exc}")
            return False
        except Exception:  # e.g. a vendor library misbehaving
            log.exception("device driver %s: open failed", self.name)
            self._safe_disconnect()
            self._set_status(DeviceState.ERROR, "设备打开失败，请联系技术人员")
            return False
        self._connected = True
        self._backoff.reset()
        try:
            self._on_connected()
        except (PortLost, DeviceUnavailable, *PORT_ERRORS) as exc:
            self._lose_by(exc)
            return False
        return True

    def _lose_by(self, exc: BaseException) -> None:
        """The device was lost with this exception: Chinese reason, detail to the log."""
        if isinstance(exc, PortLost):
            self._lose(exc.reason)
        elif isinstance(exc, DeviceUnavailable):
            state = DeviceState.ERROR if exc.error else DeviceState.OFFLINE
            self._lose(exc.reason, state, exc.detail)
        else:
            self._lose(describe_link_error(exc), detail=f"{type(exc).__name__}: {exc}")

    def _lose(self, reason: str, state: DeviceState = DeviceState.OFFLINE,
              detail: str = "") -> None:
        self._connected = False
        self._safe_disconnect()
        self._set_status(state, reason, detail)
        self._on_disconnected(reason)

    def _safe_disconnect(self) -> None:
        try:
            self._disconnect()
        except Exception:
            log.debug("disconnect failed (%s)", self.name, exc_info=True)

    def _run_commands(self) -> None:
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            command()

    def _wait(self, seconds: float) -> None:
        """Sleep while disconnected, still running commands and timers."""
        deadline = time.monotonic() + seconds
        while not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                command = self._commands.get(timeout=min(self.idle_step_s, remaining))
            except queue.Empty:
                pass
            else:
                self._guarded(command)
            self._guarded(self._on_idle)

    def _guarded(self, step: Callable[[], None]) -> None:
        """Run a step while disconnected; a bug in it is logged, not fatal."""
        try:
            step()
        except Exception:
            log.exception("device driver %s: step failed while disconnected", self.name)


class SerialDeviceDriver(DeviceDriver):
    """A driver whose device is one serial port (pyserial name or URL)."""

    default_baud: ClassVar[int] = 9600

    def __init__(self, port: str, baud: int | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        spec = parse_port(port, baud or self.default_baud)
        self.port_url = spec.url
        self.baud = spec.baud
        self._port: SerialPort | None = None

    def _connect(self) -> None:
        self._port = open_serial(self.port_url, self.baud)

    def _disconnect(self) -> None:
        port, self._port = self._port, None
        close_quietly(port)

    def _read_available(self) -> bytes:
        """Whatever arrived, waiting at most the port timeout (20 ms) for the first byte."""
        port = self._port
        if port is None:
            raise PortGone("端口未打开")
        waiting = port.in_waiting
        return port.read(waiting if waiting > 0 else 1)

    def _write(self, data: bytes) -> None:
        port = self._port
        if port is None:
            raise PortGone("端口未打开")
        port.write(data)
