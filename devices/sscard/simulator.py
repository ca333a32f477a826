"""A simulated social-security card that answers APDUs (a `CardConnection`).

Knobs: `inserted` (take the card out), `needs_security_module` (EF06 answers 69 82,
as third-generation cards do without the ministry's security module path),
`reorder_le` (answer 6C xx to Le=0 first, as some cards do).
"""

from __future__ import annotations

import threading
from datetime import date

from devices.sscard.apdu import AID, EF05_SFI, EF06_SFI


def _bcd(text: str) -> bytes:
    return bytes.fromhex(text if len(text) % 2 == 0 else text + "F")


def _tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag, len(value)]) + value


class SimulatedSsCard:
    def __init__(
        self,
        *,
        card_number: str = "A12345678",
        ssn: str = "370102198808150035",
        name: str = "李晓梅",
        sex_code: str = "2",
        nation_code: str = "01",
        birth_date: date = date(1988, 8, 15),
        birth_place: str = "370102",
        issue_date: date = date(2019, 6, 1),
        expiry_date: date = date(2029, 6, 1),
        card_id: bytes = bytes.fromhex("370100D15600000500A1B2C3D4E5F601"),
        needs_security_module: bool = False,
        reorder_le: bool = False,
    ) -> None:
        self.inserted = True
        self.needs_security_module = needs_security_module
        self.reorder_le = reorder_le
        self._lock = threading.Lock()
        self._app_selected = False
        self._current_ef: int | None = None
        self.files: dict[int, dict[int, bytes]] = {
            EF05_SFI: {
                0x01: _tlv(0x01, card_id),
                0x05: _tlv(0x05, _bcd(issue_date.strftime("%Y%m%d"))),
                0x06: _tlv(0x06, _bcd(expiry_date.strftime("%Y%m%d"))),
                0x07: _tlv(0x07, card_number.encode("ascii")),
            },
            EF06_SFI: {
                0x08: _tlv(0x08, ssn.encode("ascii")),
                0x09: _tlv(0x09, name.encode("gbk").ljust(30, b"\x00")),
                0x0A: _tlv(0x0A, sex_code.encode("ascii")),
                0x0B: _tlv(0x0B, _bcd(nation_code)),
                0x0C: _tlv(0x0C, _bcd(birth_place)),
                0x0D: _tlv(0x0D, _bcd(birth_date.strftime("%Y%m%d"))),
            },
        }
        self.apdus: list[bytes] = []

    def insert(self) -> None:
        self.inserted = True

    def remove(self) -> None:
        self.inserted = False
        self._app_selected = False

    def reset(self) -> None:
        """Power-up (a new connection): nothing selected."""
        self._app_selected = False
        self._current_ef = None

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        with self._lock:
            self.apdus.append(bytes(apdu))
            if not self.inserted:
                raise ConnectionError("card removed")
            return self._answer(bytes(apdu))

    def _answer(self, apdu: bytes) -> tuple[bytes, int, int]:
        if len(apdu) < 4:
            return b"", 0x67, 0x00
        cla, ins, p1, p2 = apdu[:4]
        if cla != 0x00:
            return b"", 0x6E, 0x00
        if ins == 0xA4:
            body = apdu[5 : 5 + apdu[4]] if len(apdu) > 4 else b""
            if p1 == 0x04:
                self._app_selected = body == AID
                return (b"", 0x90, 0x00) if self._app_selected else (b"", 0x6A, 0x82)
            if p1 == 0x02 and len(body) == 2 and body[0] == 0xEF and body[1] in self.files:
                self._current_ef = body[1]
                return b"", 0x90, 0x00
            return b"", 0x6A, 0x82
        if ins == 0xB2:
            if not self._app_selected:
                return b"", 0x69, 0x85
            sfi = p2 >> 3
            ef = sfi if (p2 & 0x07) == 0x04 and sfi else self._current_ef
            if ef not in self.files:
                return b"", 0x6A, 0x82
            if ef == EF06_SFI and self.needs_security_module:
                return b"", 0x69, 0x82
            record = self.files[ef].get(p1)
            if record is None:
                return b"", 0x6A, 0x83
            le = apdu[4] if len(apdu) > 4 else 0
            if (le == 0 and self.reorder_le) or (le and le != len(record)):
                return b"", 0x6C, len(record)
            return record, 0x90, 0x00
        if ins == 0xC0:
            return b"", 0x6F, 0x00
        return b"", 0x6D, 0x00
