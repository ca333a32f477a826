"""Fixtures for the device tests: simulators on pseudo-terminals, an event collector,
and a way to run `counter-app` commands in-process.

The simulators run at 115200 baud unless a test is about line rate, so the suite
stays fast; nothing asserts on timing (that is the benchmark's job): tests wait for
conditions with generous limits instead.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from devices.base import DeviceEvent
from tests.support import wait_for  # noqa: F401 - re-exported for the device tests

if sys.platform == "win32":  # pragma: no cover
    pytest.skip("pseudo-terminal simulators need POSIX", allow_module_level=True)


class Events:
    """Collects driver events (called on driver threads) for a test to wait on."""

    def __init__(self) -> None:
        self.items: list[DeviceEvent] = []
        self._taken: set[int] = set()
        self._cond = threading.Condition()

    def __call__(self, event: DeviceEvent) -> None:
        with self._cond:
            self.items.append(event)
            self._cond.notify_all()

    def of(self, kind: type) -> list[Any]:
        with self._cond:
            return [e for e in self.items if isinstance(e, kind)]

    def next(self, kind: type, timeout: float = 10.0,
             where: Callable[[Any], bool] = lambda e: True) -> Any:
        """The first event of this kind matching `where` that no earlier call returned
        (waiting for it if need be). Events of other kinds stay for later calls."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i, event in enumerate(self.items):
                    if i not in self._taken and isinstance(event, kind) and where(event):
                        self._taken.add(i)
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no {kind} within {timeout} s: {self.items[-8:]}"
                    )
                self._cond.wait(remaining)


@pytest.fixture
def events() -> Events:
    return Events()
