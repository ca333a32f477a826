"""The GUI's composition root: one object holding what every window needs — the
settings and the database (through the runtime), who is logged in, the device
controller, the task runner, and what to stop when the application quits.

Windows call use cases through it in one line, on the task runner:

    ctx.call(lambda rt: cases.submit_application(rt, cmd), self._submitted)

It also marks the GUI thread: a use case that opens a transaction there (the
window would freeze) is refused in tests and logged in production.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from counter_app.config import Settings
from counter_app.domain.roles import Actor
from counter_app.runtime import OpeningRuntime, Runtime, forbid_database_on
from ui.bridge.tasks import TaskRunner

T = TypeVar("T")


class AppContext:
    def __init__(
        self,
        rt: Runtime,
        actor: Actor | None = None,
        devices: Any = None,  # ui.bridge.devices.DeviceController
        *,
        runner: TaskRunner | None = None,
    ) -> None:
        self.rt = rt
        self.actor = actor or Actor.system("自助终端", rt.settings.hall.window_no)
        self.devices = devices
        self.runner = runner or TaskRunner()
        self._stops: list[Callable[[], None]] = []
        forbid_database_on(threading.main_thread())

    @property
    def settings(self) -> Settings:
        return self.rt.settings

    @property
    def hub(self) -> Any:
        return self.devices.hub if self.devices is not None else None

    def call(
        self,
        use_case: Callable[[Runtime], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        runner: TaskRunner | None = None,
    ) -> int:
        """Run `use_case(rt)` off the GUI thread; the callbacks run on it. While the
        database is still opening (OpeningRuntime: the demo), the worker waits for
        it before anything else, then runs the use case on the open runtime."""
        rt = self.rt
        if isinstance(rt, OpeningRuntime):
            opening = rt
            return (runner or self.runner).run(lambda: use_case(opening.wait()), on_done,
                                               on_error)
        return (runner or self.runner).run(lambda: use_case(rt), on_done, on_error)

    def on_stop(self, stop: Callable[[], None]) -> None:
        """Something to stop when the application quits (drivers, senders, threads)."""
        self._stops.append(stop)

    def close(self) -> None:
        for stop in reversed(self._stops):
            stop()
        self._stops.clear()
        self.runner.wait_idle(10_000)
        forbid_database_on(None)
