"""What an ID-card read yields: `IdCardData`, and the photo decoder port."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from devices.idcard.tables import nationality_name


class CardType(StrEnum):
    """The four cards a SAM reads; the value is the type character at offset 248."""

    RESIDENT = "resident"  # 居民身份证 (blank type character)
    GAT = "J"  # 港澳台居民居住证
    FOREIGN_2017 = "I"  # 外国人永久居留身份证 (2017)
    FOREIGN_2023 = "Y"  # 外国人永久居留身份证 (2023)

    @property
    def label(self) -> str:
        return _CARD_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> CardType:
        """From a CLI/setting word: resident, J, I, Y (case-insensitive)."""
        key = text.strip()
        for member in cls:
            if key.lower() == member.value.lower() or key.lower() == member.name.lower():
                return member
        raise ValueError(f"未知证件类型: {text} (可选 resident, J, I, Y)")


_CARD_LABELS = {
    CardType.RESIDENT: "居民身份证",
    CardType.GAT: "港澳台居民居住证",
    CardType.FOREIGN_2017: "外国人永久居留身份证(2017版)",
    CardType.FOREIGN_2023: "外国人永久居留身份证(2023版)",
}

LONG_TERM = "长期"


@dataclass(frozen=True)
class IdCardData:
    """One card as read. Fields a card type does not have are empty strings.

    `id_number` is the 公民身份号码 of resident cards and residence permits and the
    card number (永久居留证号码) of foreigner's cards. `valid_to` None means 长期.
    `photo_wlt` is the raw WLT photo: kept in memory only, left out of repr,
    equality, `to_dict` and pickling (it must never be stored).
    """

    card_type: CardType
    name: str
    sex: str
    sex_code: str
    nation: str
    nation_code: str
    birth_date: date | None
    address: str
    id_number: str
    authority: str
    valid_from: date | None
    valid_to: date | None
    english_name: str = ""
    nationality: str = ""  # GB/T 2659 alpha-3 (I, Y cards)
    pass_number: str = ""  # 通行证号码 (J)
    issue_count: str = ""  # 签发次数 (J) / 换证次数 (Y)
    card_version: str = ""  # 证件版本 (I)
    previous_card_link: str = ""  # 既往版本证件关联 (Y)
    photo_wlt: bytes = field(default=b"", repr=False, compare=False)
    fingerprint: bytes = field(default=b"", repr=False, compare=False)

    @property
    def card_type_label(self) -> str:
        return self.card_type.label

    @property
    def long_term(self) -> bool:
        return self.valid_to is None

    @property
    def valid_to_text(self) -> str:
        return LONG_TERM if self.valid_to is None else self.valid_to.isoformat()

    @property
    def nationality_name(self) -> str:
        return nationality_name(self.nationality) if self.nationality else ""

    @property
    def has_photo(self) -> bool:
        return bool(self.photo_wlt)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON (dates ISO, 长期 spelled out); no photo, no fingerprint."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("photo_wlt", "fingerprint"):
                continue
            value = getattr(self, f.name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, CardType):
                value = value.value
            out[f.name] = value
        out["valid_to"] = self.valid_to_text
        out["card_type_label"] = self.card_type_label
        if self.nationality:
            out["nationality_name"] = self.nationality_name
        return out

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["photo_wlt"] = b""
        state["fingerprint"] = b""
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


class PhotoDecoder(Protocol):
    """Turns the 1024-byte WLT photo into an image (a vendor library does it; none
    ships). Return BMP/PNG bytes, or raise if the library refuses."""

    def decode(self, wlt: bytes) -> bytes: ...
