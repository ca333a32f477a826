"""Social-security cards (社会保障卡) through PC/SC, plus a simulated card.

Parts: `apdu` (SELECT by name, READ RECORD on EF05/EF06 against a `CardConnection`),
`backends` (`PcscBackend` with optional pyscard, `SimulatedBackend`), `simulator`
(`SimulatedSsCard`), `driver` (`SsCardDriver`).
"""

from devices.sscard.apdu import CardConnection, SsCardData, SsCardError, SsCardReader
from devices.sscard.backends import PcscBackend, SimulatedBackend, SsCardBackend, backend_for
from devices.sscard.driver import SsCardDriver, SsCardRead, SsCardReadFailed
from devices.sscard.simulator import SimulatedSsCard

__all__ = [
    "CardConnection",
    "PcscBackend",
    "SimulatedBackend",
    "SimulatedSsCard",
    "SsCardBackend",
    "SsCardData",
    "SsCardDriver",
    "SsCardError",
    "SsCardRead",
    "SsCardReadFailed",
    "SsCardReader",
    "backend_for",
]
