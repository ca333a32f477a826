"""The 256 text bytes of a card (GA 490): UCS-2 LE fields ⇄ `IdCardData`.

Layouts by card type (offsets and lengths in bytes), see idcard-sam.md:

resident / J: name 0/30, sex 30/2, nation 32/4, birth 36/16, address 52/70,
    id number 122/36, authority 158/30, valid from 188/16, valid to 204/16;
    J adds pass number 220/18, issue count 238/4.
I (2017): English name 0/120, sex 120/2, card number 122/30, nationality 152/6,
    Chinese name 158/30, issued 188/16, expires 204/16, birth 220/16,
    card version 236/4, authority code 240/8.
Y (2023): Chinese name 0/30, sex 30/2, renewal count 32/4, birth 36/16,
    English name part 1 52/70, card number 122/36, issued 188/16, expires 204/16,
    English name part 2 220/22, nationality 242/6, previous card link 250/6.
The type character sits at 248 (blank for resident cards).
"""

from __future__ import annotations

from datetime import date

from devices.idcard.model import LONG_TERM, CardType, IdCardData
from devices.idcard.tables import nation_name, sex_name

TEXT_LEN = 256
TYPE_OFFSET = 248
_PAD = " \x00"

# (offset, length) of the fields per layout.
_RESIDENT = {
    "name": (0, 30), "sex": (30, 2), "nation": (32, 4), "birth": (36, 16),
    "address": (52, 70), "id_number": (122, 36), "authority": (158, 30),
    "valid_from": (188, 16), "valid_to": (204, 16),
    "pass_number": (220, 18), "issue_count": (238, 4),
}
_FOREIGN_2017 = {
    "english_name": (0, 120), "sex": (120, 2), "id_number": (122, 30),
    "nationality": (152, 6), "name": (158, 30), "valid_from": (188, 16),
    "valid_to": (204, 16), "birth": (220, 16), "card_version": (236, 4),
    "authority": (240, 8),
}
_FOREIGN_2023 = {
    "name": (0, 30), "sex": (30, 2), "issue_count": (32, 4), "birth": (36, 16),
    "english_1": (52, 70), "id_number": (122, 36), "valid_from": (188, 16),
    "valid_to": (204, 16), "english_2": (220, 22), "nationality": (242, 6),
    "previous_card_link": (250, 6),
}


def _raw(text: bytes, off: int, n: int) -> str:
    return text[off : off + n].decode("utf-16-le", errors="replace")


def _field(text: bytes, off: int, n: int) -> str:
    return _raw(text, off, n).strip(_PAD)


def _date(value: str) -> date | None:
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def card_type_of(text: bytes) -> CardType | None:
    mark = _field(text, TYPE_OFFSET, 2)
    if mark == "":
        return CardType.RESIDENT
    for member in (CardType.GAT, CardType.FOREIGN_2017, CardType.FOREIGN_2023):
        if mark == member.value:
            return member
    return None


def decode_card_text(text: bytes, photo_wlt: bytes = b"", fingerprint: bytes = b"") -> (
    IdCardData | None
):
    """Decode the text block; None when it is not a card we understand
    (wrong size, unknown type character, dates that are not dates). Never raises."""
    if len(text) != TEXT_LEN:
        return None
    card_type = card_type_of(text)
    if card_type is None:
        return None
    layout = {
        CardType.RESIDENT: _RESIDENT,
        CardType.GAT: _RESIDENT,
        CardType.FOREIGN_2017: _FOREIGN_2017,
        CardType.FOREIGN_2023: _FOREIGN_2023,
    }[card_type]
    f = {key: _field(text, off, n) for key, (off, n) in layout.items()}

    birth = _date(f["birth"])
    valid_from = _date(f["valid_from"])
    valid_to: date | None = None
    if f["valid_to"] != LONG_TERM:
        valid_to = _date(f["valid_to"])
        if valid_to is None:
            return None
    if birth is None or valid_from is None:
        return None

    english = f.get("english_name", "")
    if card_type is CardType.FOREIGN_2023:
        # The two parts split the name anywhere, even inside a word: join unstripped.
        english = (_raw(text, *layout["english_1"]) + _raw(text, *layout["english_2"])).strip(_PAD)
    nation_code = f.get("nation", "") if card_type is CardType.RESIDENT else ""
    return IdCardData(
        card_type=card_type,
        name=f["name"],
        sex=sex_name(f["sex"]),
        sex_code=f["sex"],
        nation=nation_name(nation_code),
        nation_code=nation_code,
        birth_date=birth,
        address=f.get("address", "") if card_type in (CardType.RESIDENT, CardType.GAT) else "",
        id_number=f["id_number"],
        authority=f.get("authority", ""),
        valid_from=valid_from,
        valid_to=valid_to,
        english_name=english,
        nationality=f.get("nationality", ""),
        pass_number=f.get("pass_number", "") if card_type is CardType.GAT else "",
        issue_count=f.get("issue_count", "") if card_type is not CardType.RESIDENT else "",
        card_version=f.get("card_version", ""),
        previous_card_link=f.get("previous_card_link", ""),
        photo_wlt=photo_wlt,
        fingerprint=fingerprint,
    )


def _put(buf: bytearray, off: int, n: int, value: str) -> None:
    raw = value.encode("utf-16-le")[:n]
    raw = raw[: len(raw) - len(raw) % 2]
    buf[off : off + n] = raw + " ".encode("utf-16-le") * ((n - len(raw)) // 2)


def _ymd(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def encode_card_text(card: IdCardData) -> bytes:
    """The 256 text bytes a card with these fields carries (used by the simulator)."""
    buf = bytearray(" ".encode("utf-16-le") * (TEXT_LEN // 2))
    valid_to = LONG_TERM if card.valid_to is None else _ymd(card.valid_to)
    if card.card_type in (CardType.RESIDENT, CardType.GAT):
        values = {
            "name": card.name, "sex": card.sex_code, "nation": card.nation_code,
            "birth": _ymd(card.birth_date), "address": card.address,
            "id_number": card.id_number, "authority": card.authority,
            "valid_from": _ymd(card.valid_from), "valid_to": valid_to,
        }
        if card.card_type is CardType.GAT:
            values |= {"pass_number": card.pass_number, "issue_count": card.issue_count}
            values["nation"] = ""
        layout = _RESIDENT
    elif card.card_type is CardType.FOREIGN_2017:
        values = {
            "english_name": card.english_name, "sex": card.sex_code,
            "id_number": card.id_number, "nationality": card.nationality,
            "name": card.name, "valid_from": _ymd(card.valid_from), "valid_to": valid_to,
            "birth": _ymd(card.birth_date), "card_version": card.card_version,
            "authority": card.authority,
        }
        layout = _FOREIGN_2017
    else:
        part1_chars = _FOREIGN_2023["english_1"][1] // 2
        values = {
            "name": card.name, "sex": card.sex_code, "issue_count": card.issue_count,
            "birth": _ymd(card.birth_date), "english_1": card.english_name[:part1_chars],
            "id_number": card.id_number, "valid_from": _ymd(card.valid_from),
            "valid_to": valid_to, "english_2": card.english_name[part1_chars:],
            "nationality": card.nationality, "previous_card_link": card.previous_card_link,
        }
        layout = _FOREIGN_2023
    for key, value in values.items():
        off, n = layout[key]
        _put(buf, off, n, value)
    if card.card_type is not CardType.RESIDENT:
        _put(buf, TYPE_OFFSET, 2, card.card_type.value)
    return bytes(buf)
