"""Fixtures for the 好差评 tests: staff on a fresh database (both engines), a way to
run `counter-app` in-process, and cleanup of threads and simulators."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from counter_app import cli
from tests.ratings.helpers import add_staff


def wait_for(predicate: Callable[[], Any], timeout: float = 15.0, step: float = 0.01) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(step)


@pytest.fixture
def staff(runtime) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return add_staff(runtime)


@pytest.fixture
def stop_later() -> Iterator[Callable[[Any], Any]]:
    things: list[Any] = []

    def add(thing: Any) -> Any:
        things.append(thing)
        return thing

    yield add
    for thing in reversed(things):
        thing.stop()


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """`counter-app ARGS…` in this process: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = cli.main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


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
