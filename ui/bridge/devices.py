"""The bridge between the Qt-free device drivers and the widgets (Electrum's
QtEventListener idea): drivers call `post(event)` on their own threads; the bridge
re-emits each event as a signal that is delivered on the GUI thread, and turns card,
social-security card and QR events into one `card_read(CardData)` signal.

Every call into the drivers queues work and returns at once, so a pulled cable or a
slow reader never freezes the teller's window; drivers reconnect by themselves.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Signal, Slot

from counter_app.domain.application import IdType
from devices.base import DeviceEvent, DeviceStatusChanged
from devices.hub import DeviceHub
from devices.idcard.driver import IdCardRead, IdCardReadFailed
from devices.idcard.model import CardType, IdCardData
from devices.scanner.driver import CodeScanned
from devices.scanner.resolver import QrIdentity, QrResolver
from devices.sscard.driver import SsCardRead, SsCardReadFailed
from ui.bridge.tasks import TaskRunner
from ui.panels.applicant import CardData

log = logging.getLogger(__name__)

LIGHT_OF_KIND = {"idcard": "idcard", "sscard": "sscard", "pad": "pad", "printer": "printer",
                 "scanner": "sscard"}
RECENT_CARD_S = 30.0  # a card read this recently is still the applicant's at the counter
ID_TYPES = {
    CardType.RESIDENT: IdType.RESIDENT,
    CardType.GAT: IdType.PERMIT_J,
    CardType.FOREIGN_2017: IdType.FOREIGN_I,
    CardType.FOREIGN_2023: IdType.FOREIGN_Y,
}


def card_from_id(card: IdCardData) -> CardData:
    name = card.name or card.english_name
    return CardData(
        id_number=card.id_number,
        name=name,
        id_type=ID_TYPES.get(card.card_type, IdType.RESIDENT),
        sex=card.sex,
        birth_date=card.birth_date,
        address=card.address,
        nation=card.nation,
        source=card.card_type.label,
    )


def card_from_qr(person: QrIdentity) -> CardData:
    return CardData(id_number=person.id_number, name=person.name, source=person.source)


class DeviceController(QObject):
    """Owns the hub's events on the GUI side."""

    event = Signal(object)  # every DeviceEvent, on the GUI thread (pad, printer users)
    status_changed = Signal(str, str, str)  # kind, state, reason
    card_read = Signal(object)  # CardData
    card_failed = Signal(str)
    _relay = Signal(object)

    def __init__(
        self, hub: DeviceHub, resolver: QrResolver | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.resolver = resolver
        self.runner = TaskRunner(self, max_threads=1)
        self.last_card: CardData | None = None
        self._last_card_at = 0.0
        self._relay.connect(self._dispatch)  # queued: emitted on driver threads
        for driver in hub.drivers.values():
            driver.add_listener(self.post)

    def post(self, event: DeviceEvent) -> None:
        """Called on a driver thread: hand the event over, never touch widgets here."""
        self._relay.emit(event)

    def start(self) -> None:
        self.hub.start()
        for kind, status in self.hub.statuses().items():
            self.status_changed.emit(kind, status.state.value, status.reason)

    def stop(self) -> None:
        self.hub.stop()
        self.runner.wait_idle(5_000)

    def read_card(self) -> bool:
        """F5: ask the readers for a card. The card is reported through `card_read`.

        A card that was read automatically when it was laid on the reader must leave
        the field before the reader reports it again (the SAM rule), so the last
        card is offered straight away as well.
        """
        asked = False
        if self.hub.idcard is not None:
            self.hub.idcard.read_now()
            asked = True
        if self.hub.sscard is not None:
            self.hub.sscard.read_now()
            asked = True
        if self.last_card is not None and time.monotonic() - self._last_card_at < RECENT_CARD_S:
            self.card_read.emit(self.last_card)
        return asked

    def forget_card(self) -> None:
        """A new applicant: the previous card is never offered again."""
        self.last_card = None

    @Slot(object)
    def _dispatch(self, event: DeviceEvent) -> None:
        self.event.emit(event)
        if isinstance(event, DeviceStatusChanged):
            status = event.status
            self.status_changed.emit(event.device, status.state.value, status.reason)
        elif isinstance(event, IdCardRead):
            self._got(card_from_id(event.card))
        elif isinstance(event, SsCardRead):
            card = event.card
            self._got(CardData(id_number=card.ssn, name=card.name, sex=card.sex,
                               birth_date=card.birth_date, nation=card.nation, source="社会保障卡"))
        elif isinstance(event, IdCardReadFailed | SsCardReadFailed):
            self.card_failed.emit(event.reason)
        elif isinstance(event, CodeScanned):
            self.resolve_code(event.text)

    def _got(self, card: CardData) -> None:
        self.last_card = card
        self._last_card_at = time.monotonic()
        self.card_read.emit(card)

    def resolve_code(self, content: str) -> None:
        """An electronic social-security card's code (serial or keyboard-wedge
        scanner): resolved by the official service on a worker thread, never parsed."""
        if self.resolver is None:
            self.card_failed.emit("未配置电子社保卡解码服务")
            return
        resolver = self.resolver
        self.runner.run(
            lambda: card_from_qr(resolver.resolve(content)),
            self._got,
            lambda exc: self.card_failed.emit(str(exc)),
        )
