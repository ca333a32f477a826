"""Run blocking work (database, printing, devices) off the GUI thread.

`runner.run(fn, on_done, on_error)` calls `fn()` on a pool thread; the callbacks run
on the GUI thread. Modelled on Anki's QueryOp: the widget code stays short and the
window never freezes. A failure nobody handles is not silent: it is logged and its
message goes to the window's message line (`on_failure`), or to a message box.
"""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(int, object)
    failed = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, token: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.token, self.fn, self.relay = token, fn, relay

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # reported on the GUI thread, never lost
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.relay.failed.emit(self.token, exc)
        else:
            self.relay.done.emit(self.token, result)


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)  # lives on the GUI thread: queued delivery
        self._relay.done.connect(self._on_done)
        self._relay.failed.connect(self._on_failed)
        self._callbacks: dict[
            int, tuple[Callable[[Any], None], Callable[[BaseException], None]]
        ] = {}
        self._tokens = itertools.count(1)
        self._show: Callable[[str], None] | None = None

    def on_failure(self, show: Callable[[str], None]) -> None:
        """Where unhandled failures are told to the user (the window's message line)."""
        self._show = show

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        token = next(self._tokens)
        self._callbacks[token] = (on_done or (lambda _r: None), on_error or self.report)
        self.pool.start(_Job(token, fn, self._relay))
        return token

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def wait_idle(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs)

    @Slot(int, object)
    def _on_done(self, token: int, result: object) -> None:
        done, _ = self._callbacks.pop(token, (None, None))
        if done is not None:
            done(result)

    @Slot(int, object)
    def _on_failed(self, token: int, exc: object) -> None:
        _, failed = self._callbacks.pop(token, (None, None))
        if failed is not None:
            failed(exc)  # type: ignore[arg-type]

    def report(self, exc: BaseException) -> None:
        """The default failure: logged, and said to the user."""
        # with the use cases, not at import: the login dialog shows before them
        from counter_app.usecases.errors import is_user_error, user_message

        if not is_user_error(exc):
            log.error("background task failed: %s", getattr(exc, "__traceback_text__", exc))
        text = user_message(exc)
        if self._show is not None:
            self._show(text)
            return
        parent = self.parent()
        QMessageBox.warning(parent if isinstance(parent, QWidget) else None, "快办柜台", text)
