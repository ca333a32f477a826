"""A card reader that looks for a card every `poll_interval_s` (a card laid on the
reader is reported by itself) or at once when asked (`read_now`, the teller's F5).
The ID-card and social-security card drivers share this loop."""

from __future__ import annotations

import time
from abc import abstractmethod
from typing import Any

from devices.base import DeviceDriver, DeviceEvent


class PollingReader(DeviceDriver):
    def __init__(
        self, backend: Any, *, poll: bool = True, poll_interval_s: float = 0.5, **kwargs: object
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.backend = backend
        self.poll = poll
        self.poll_interval_s = poll_interval_s
        self._next_poll = 0.0
        self._requested = False

    @abstractmethod
    def _failed(self, reason: str) -> DeviceEvent:
        """The read-failed event of this kind of reader."""

    def read_now(self) -> None:
        """Read the card on the reader now; always answers (card or failure)."""

        def request() -> None:
            if not self.connected:
                self._emit(self._failed(f"读卡器未连接: {self.status.reason}"))
                return
            self._requested = True
            self._next_poll = 0.0

        self.call_soon(request)

    def _connect(self) -> None:
        self.backend.open()

    def _disconnect(self) -> None:
        self.backend.close()

    def _poll_due(self) -> bool | None:
        """None when it is not time to look yet; else whether the teller asked."""
        now = time.monotonic()
        if now < self._next_poll or not (self.poll or self._requested):
            time.sleep(0.01)
            return None
        self._next_poll = now + self.poll_interval_s
        requested, self._requested = self._requested, False
        return requested
