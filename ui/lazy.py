"""A module imported on first use, for the windows' use cases: `queue.call_next(…)`
reads as before, but SQLAlchemy and the services load when a worker first runs one
(or once the database is open), not before the window is on screen.

    if TYPE_CHECKING:
        from counter_app.usecases import queue
    else:
        queue = lazy_module("counter_app.usecases.queue")
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands for a module until an attribute is read; then imports it (thread-safe:
    the import system's module locks) and answers from it."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _module(self) -> ModuleType:
        return importlib.import_module(self._name)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._module(), attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_module(name: str) -> Any:
    return LazyModule(name)
