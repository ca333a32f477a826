"""Fixtures for the 好差评 tests: staff on a fresh database (both engines) and an
event collector. `run_cli` and `stop_later` come from tests/conftest.py."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tests.ratings.helpers import add_staff


@pytest.fixture
def staff(runtime) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return add_staff(runtime)


class Collector:
    """Thread-safe list of events with waiting."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._cond = threading.Condition()

    def __call__(self, item: Any) -> None:
        with self._cond:
            self.items.append(item)
            self._cond.notify_all()

    def wait_count(self, kind: type, n: int, timeout: float = 15.0) -> list[Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [i for i in self.items if isinstance(i, kind)]
                if len(found) >= n:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(found)}/{n} {kind.__name__} within {timeout} s")
                self._cond.wait(left)
