"""Identity numbers: GB 11643-1999 resident ID numbers (ISO 7064 MOD 11-2).

The same check applies to the 2023 foreigner's permanent residence card
(18 digits starting with 9) and to HK/Macau/Taiwan residence permits (810000/820000/830000).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE18 = re.compile(r"^\d{17}[\dX]$")
_SHAPE15 = re.compile(r"^\d{15}$")


class IdNumberError(ValueError):
    """A malformed ID number; the message is Chinese and meant for the teller."""


@dataclass(frozen=True)
class IdInfo:
    number: str
    area_code: str
    birth_date: date
    sex: str  # "男" / "女"


def check_char(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalize(raw: str) -> str:
    """Strip blanks and upper-case a trailing x (full-width characters too)."""
    text = raw.strip().replace(" ", "").replace("\u3000", "")
    text = text.translate({ord("ｘ"): "X", ord("Ｘ"): "X"})
    text = "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" else c for c in text)
    return text.upper()


def parse(raw: str) -> IdInfo:
    """Validate an 18-digit number and return what it encodes.

    Raises IdNumberError with a message naming what is wrong.
    """
    number = normalize(raw)
    if not number:
        raise IdNumberError("证件号码不能为空")
    if len(number) != 18:
        raise IdNumberError(f"证件号码应为18位，当前为{len(number)}位")
    if not _SHAPE18.match(number):
        raise IdNumberError("证件号码前17位应为数字，末位为数字或X")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise IdNumberError("证件号码中的出生日期无效") from exc
    if born.year < 1880:
        raise IdNumberError("证件号码中的出生日期无效")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise IdNumberError("证件号码校验位错误，请核对")
    sex = "男" if int(number[16]) % 2 == 1 else "女"
    return IdInfo(number=number, area_code=number[:6], birth_date=born, sex=sex)


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except IdNumberError:
        return False
    return True


def upgrade15(old: str) -> str:
    """Turn an old 15-digit number (century 19 implied) into its 18-digit form."""
    if not _SHAPE15.match(old):
        raise IdNumberError("15位证件号码应全部为数字")
    first17 = old[:6] + "19" + old[6:]
    return first17 + check_char(first17)
