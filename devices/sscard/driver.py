"""The social-security card driver: polls a back-end, reports each inserted card once.

Events: `SsCardRead(card)`, `SsCardReadFailed(reason)`, `DeviceStatusChanged`.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.base import DeviceEvent, on_driver_thread
from devices.polling import PollingReader
from devices.sscard.apdu import SsCardData, SsCardError
from devices.sscard.backends import SsCardBackend, backend_for


@dataclass(frozen=True)
class SsCardRead(DeviceEvent):
    card: SsCardData


@dataclass(frozen=True)
class SsCardReadFailed(DeviceEvent):
    reason: str


class SsCardDriver(PollingReader):
    kind = "sscard"
    backend: SsCardBackend

    def __init__(
        self,
        backend: SsCardBackend | str,
        *,
        poll: bool = True,
        poll_interval_s: float = 0.5,
        **kwargs: object,
    ) -> None:
        super().__init__(
            backend_for(backend) if isinstance(backend, str) else backend,
            poll=poll,
            poll_interval_s=poll_interval_s,
            **kwargs,
        )
        self._present = False

    def _failed(self, reason: str) -> SsCardReadFailed:
        return SsCardReadFailed(self.name, reason)

    @on_driver_thread
    def _tick(self) -> None:
        requested = self._poll_due()
        if requested is None:
            return
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
