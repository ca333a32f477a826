"""Reading a social-security card with APDUs (idcard-sam.md, "Social-security cards").

The application is selected by name ("sx1.sh." + GBK 社会保障); records are read
with READ RECORD by short file identifier: EF05 (card id 01, issue date 05, expiry 06,
card number 07) and EF06 (social-security number 08, name 09 in GBK, sex 0A, nation
0B, birth place 0C, birth date 0D). Each record is `tag len value` with tag = record
number. The logic talks to a `CardConnection`, so a simulated card serves the tests
and pyscard (`devices.sscard.pcsc`) the counter.

Pure helpers (`parse_record`, `decode_*`) never raise on garbage.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Protocol

from devices.gbcodes import nation_name, sex_name

AID = b"sx1.sh." + "社会保障".encode("gbk")
SELECT_AID = bytes([0x00, 0xA4, 0x04, 0x00, len(AID)]) + AID

EF05_SFI = 0x05
EF06_SFI = 0x06
# record number → field, per file
EF05_RECORDS = {0x01: "card_id", 0x05: "issue_date", 0x06: "expiry_date", 0x07: "card_number"}
EF06_RECORDS = {
    0x08: "ssn", 0x09: "name", 0x0A: "sex", 0x0B: "nation", 0x0C: "birth_place",
    0x0D: "birth_date",
}

SW_OK = (0x90, 0x00)


class SsCardError(Exception):
    """A failed card read; the message is Chinese."""


class CardConnection(Protocol):
    """One APDU exchange: command bytes in, (data, SW1, SW2) out."""

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]: ...


@dataclass(frozen=True)
class SsCardData:
    card_number: str  # 社会保障卡卡号
    ssn: str  # 社会保障号码 (the ID number)
    name: str
    sex: str
    sex_code: str
    nation: str
    nation_code: str
    birth_date: date | None
    birth_place: str  # region code
    issue_date: date | None
    expiry_date: date | None
    card_id: str = ""  # 卡的识别码

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, date) else value
        return out


def read_record_apdu(sfi: int, record: int, le: int = 0) -> bytes:
    """READ RECORD by SFI: 00 B2 rec (SFI<<3 | 4) Le."""
    return bytes([0x00, 0xB2, record & 0xFF, ((sfi & 0x1F) << 3) | 0x04, le & 0xFF])


def parse_record(data: bytes, tag: int) -> bytes | None:
    """The value of a `tag len value` record; None when it does not fit."""
    if len(data) < 2 or data[0] != tag:
        return None
    length = data[1]
    if len(data) < 2 + length:
        return None
    return data[2 : 2 + length]


def decode_text(value: bytes) -> str:
    return value.rstrip(b"\x00\xff ").decode("gbk", errors="replace").strip()


def decode_digits(value: bytes) -> str:
    """ASCII digits as they are, otherwise BCD (both occur on cards)."""
    trimmed = value.rstrip(b"\x00\xff ")
    if trimmed and all(0x20 <= b < 0x7F for b in trimmed):
        return trimmed.decode("ascii").strip()
    return value.hex().upper().rstrip("F")


def decode_date(value: bytes) -> date | None:
    text = decode_digits(value)
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _code(value: bytes, width: int) -> str:
    """Sex / nation codes: one byte, ASCII or binary."""
    text = decode_digits(value)
    if text.isdigit():
        return text.zfill(width)[-width:]
    return str(value[0]).zfill(width) if value else ""


class SsCardReader:
    """The APDU sequence over any `CardConnection`."""

    def __init__(self, connection: CardConnection) -> None:
        self.connection = connection

    def _exchange(self, apdu: bytes) -> bytes:
        data, sw1, sw2 = self.connection.transmit(apdu)
        if sw1 == 0x61:  # more data: GET RESPONSE
            data, sw1, sw2 = self.connection.transmit(bytes([0x00, 0xC0, 0x00, 0x00, sw2]))
        elif sw1 == 0x6C:  # wrong Le: ask again with the right one
            data, sw1, sw2 = self.connection.transmit(apdu[:-1] + bytes([sw2]))
        if (sw1, sw2) != SW_OK:
            raise SsCardError(_sw_message(sw1, sw2))
        return data

    def read(self) -> SsCardData:
        try:
            self._exchange(SELECT_AID)
        except SsCardError as exc:
            raise SsCardError(f"不是社会保障卡或卡片无法识别 ({exc})") from exc
        values: dict[str, bytes] = {}
        for sfi, records in ((EF05_SFI, EF05_RECORDS), (EF06_SFI, EF06_RECORDS)):
            for rec, name in records.items():
                try:
                    data = self._exchange(read_record_apdu(sfi, rec))
                except SsCardError:
                    if name in ("card_number", "ssn", "name"):
                        raise
                    continue  # optional record missing on some cards
                value = parse_record(data, rec)
                if value is None:
                    raise SsCardError(f"社保卡记录 {rec:02X} 格式错误")
                values[name] = value
        return build_data(values)


def build_data(values: dict[str, bytes]) -> SsCardData:
    sex_code = _code(values.get("sex", b""), 1)
    nation_code = _code(values.get("nation", b""), 2)
    return SsCardData(
        card_number=decode_digits(values.get("card_number", b"")),
        ssn=decode_digits(values.get("ssn", b"")),
        name=decode_text(values.get("name", b"")),
        sex=sex_name(sex_code),
        sex_code=sex_code,
        nation=nation_name(nation_code),
        nation_code=nation_code,
        birth_date=decode_date(values.get("birth_date", b"")),
        birth_place=decode_digits(values.get("birth_place", b"")),
        issue_date=decode_date(values.get("issue_date", b"")),
        expiry_date=decode_date(values.get("expiry_date", b"")),
        card_id=decode_digits(values.get("card_id", b"")),
    )


_SW_MESSAGES = {
    (0x6A, 0x82): "文件未找到",
    (0x6A, 0x83): "记录未找到",
    (0x69, 0x82): "安全状态不满足 (需要安全模块认证)",
    (0x69, 0x85): "使用条件不满足",
    (0x6D, 0x00): "卡片不支持该命令",
    (0x6E, 0x00): "卡片不支持该命令类别",
    (0x67, 0x00): "命令长度错误",
}


def _sw_message(sw1: int, sw2: int) -> str:
    return _SW_MESSAGES.get((sw1, sw2), f"卡片返回状态 {sw1:02X}{sw2:02X}")
