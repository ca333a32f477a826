"""The social-security card driver: polls a back-end, reports each inserted card once.

Events: `SsCardRead(card)`, `SsCardReadFailed(reason)`, `DeviceStatusChanged`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from devices.base import DeviceDriver, DeviceEvent
from devices.sscard.apdu import SsCardData, SsCardError
from devices.sscard.backends import SsCardBackend, backend_for


@dataclass(frozen=True)
class SsCardRead(DeviceEvent):
    card: SsCardData


@dataclass(frozen=True)
class SsCardReadFailed(DeviceEvent):
    reason: str


class SsCardDriver(DeviceDriver):
    kind = "sscard"

    def __init__(
        self,
        backend: SsCardBackend | str,
        *,
        poll: bool = True,
        poll_interval_s: float = 0.5,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.backend = backend_for(backend) if isinstance(backend, str) else backend
        self.poll = poll
        self.poll_interval_s = poll_interval_s
        self._next_poll = 0.0
        self._present = False
        self._requested = False

    def read_now(self) -> None:
        def request() -> None:
            if not self.connected:
                self._emit(SsCardReadFailed(self.name, f"读卡器未连接: {self.status.reason}"))
                return
            self._requested = True
            self._next_poll = 0.0

        self.call_soon(request)

    def _connect(self) -> None:
        self.backend.open()

    def _disconnect(self) -> None:
        self.backend.close()

    def _tick(self) -> None:
        now = time.monotonic()
        if now < self._next_poll or not (self.poll or self._requested):
            time.sleep(0.01)
            return
        self._next_poll = now + self.poll_interval_s
        requested, self._requested = self._requested, False
        if self._present and not requested:
            # Still inserted? Contact cards stay in; report a card once per insertion.
            try:
                self._present = self.backend.read_card() is not None
            except SsCardError:
                self._present = False
            return
        try:
            card = self.backend.read_card()
        except SsCardError as exc:
            self._emit(SsCardReadFailed(self.name, str(exc)))
            return
        if card is None:
            self._present = False
            if requested:
                self._emit(SsCardReadFailed(self.name, "未检测到社保卡"))
            return
        self._present = True
        self._emit(SsCardRead(self.name, card))
