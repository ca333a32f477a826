"""The ID-card driver: polls the reader on its own thread and reports cards.

Events: `IdCardRead(card)` when a card was read, `IdCardReadFailed(reason)` when a
read failed (or, after `read_now()`, when there was no card), plus
`DeviceStatusChanged`. The photo is handed on raw (WLT) in `card.photo_wlt`; with a
`PhotoDecoder` plugged in, `IdCardRead.photo` carries the decoded image too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from devices.base import DeviceEvent, PortLost, on_driver_thread
from devices.idcard.model import IdCardData, PhotoDecoder
from devices.idcard.reader import (
    NO_CARD_MESSAGE,
    IdCardBackend,
    IdCardError,
    SerialSamBackend,
)
from devices.polling import PollingReader

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IdCardRead(DeviceEvent):
    card: IdCardData
    #: The decoded photo (BMP/PNG bytes) when a decoder is plugged in; never stored.
    photo: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class IdCardReadFailed(DeviceEvent):
    reason: str


class IdCardDriver(PollingReader):
    """Reads ID cards with any `IdCardBackend`.

    `poll=True` (the default) looks for a card every `poll_interval_s` and reports each
    card once: it must leave the field before it is reported again. `read_now()`
    makes one attempt at once and always answers (card or failure).
    """

    kind = "idcard"
    backend: IdCardBackend

    def __init__(
        self,
        backend: IdCardBackend | str,
        baud: int = 115200,
        *,
        poll: bool = True,
        poll_interval_s: float = 0.3,
        photo_decoder: PhotoDecoder | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(
            SerialSamBackend(backend, baud) if isinstance(backend, str) else backend,
            poll=poll,
            poll_interval_s=poll_interval_s,
            **kwargs,
        )
        self.photo_decoder = photo_decoder
        self._card_in_field = False

    def _failed(self, reason: str) -> IdCardReadFailed:
        return IdCardReadFailed(self.name, reason)

    def _on_connected(self) -> None:
        super()._on_connected()
        self._card_in_field = False

    @on_driver_thread
    def _tick(self) -> None:
        requested = self._poll_due()
        if requested is None:
            return
        try:
            card = self.backend.read_card()
        except IdCardError as exc:
            if exc.link:
                raise PortLost(str(exc)) from exc
            self._emit(IdCardReadFailed(self.name, str(exc)))
            return
        if card is None:
            self._card_in_field = False
            if requested:
                self._emit(IdCardReadFailed(self.name, NO_CARD_MESSAGE))
            return
        if self._card_in_field and not requested:
            return  # the same card still lying there (back-ends that re-read)
        self._card_in_field = True
        self._emit(IdCardRead(self.name, card, self._decode_photo(card)))

    def _decode_photo(self, card: IdCardData) -> bytes | None:
        if self.photo_decoder is None or not card.photo_wlt:
            return None
        try:
            return self.photo_decoder.decode(card.photo_wlt)
        except Exception:  # a vendor decoder may fail any way; the text still counts
            log.warning("photo decoder failed", exc_info=True)
            return None
