"""Second-generation ID cards and residence permits through the SAM protocol.

Parts: `frames` (SAM frame codec), `cardtext` (256 text bytes ⇄ `IdCardData`),
`tables` (status, sex, nation codes), `reader` (find → select → read over a byte port,
`SerialSamBackend`), `vendor` (sdtapi-style vendor library back-end), `driver`
(`IdCardDriver`), `simulator` (`IdCardSimulator`), `samples` (one card of each type).
"""

from devices.idcard.driver import IdCardDriver, IdCardRead, IdCardReadFailed
from devices.idcard.model import CardType, IdCardData, PhotoDecoder
from devices.idcard.reader import IdCardBackend, IdCardError, SamReader, SerialSamBackend
from devices.idcard.vendor import VendorLibBackend

__all__ = [
    "CardType",
    "IdCardBackend",
    "IdCardData",
    "IdCardDriver",
    "IdCardError",
    "IdCardRead",
    "IdCardReadFailed",
    "PhotoDecoder",
    "SamReader",
    "SerialSamBackend",
    "VendorLibBackend",
]
