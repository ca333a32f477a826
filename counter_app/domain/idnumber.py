"""Identity numbers: GB 11643-1999 resident ID numbers (ISO 7064 MOD 11-2).

The same check applies to the 2023 foreigner's permanent residence card
(18 digits starting with 9) and to HK/Macau/Taiwan residence permits (810000/820000/830000).

Area codes (the first six digits). Only the province level of GB/T 2260 is checked:
an ID number keeps the code of the county where it was first issued, and county codes
are renamed, merged and retired every year (the current GB/T 2260 list would refuse
genuine numbers issued under a code since abolished), while no complete historical
table is at hand from an authoritative source. The province prefixes have been stable
since 1997 (Chongqing, 50) and 1988 (Hainan, 46); a number whose first two digits are
no province (000000, 99…, 70…) or whose area is a whole province (xx0000, never an
issuing office) is refused. Residence permits carry exactly 810000, 820000 or 830000;
the 2023 foreigner's card has 9, then the issuing province's two digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE18 = re.compile(r"^\d{17}[\dX]$")
_SHAPE15 = re.compile(r"^\d{15}$")
MAX_RAW_LENGTH = 40  # anything longer is refused before normalising (blanks included)
EARLIEST_BIRTH = date(1880, 1, 1)

# GB/T 2260 province-level codes (first two digits) of the mainland.
PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
}
PERMIT_AREAS: dict[str, str] = {"810000": "香港", "820000": "澳门", "830000": "台湾"}


class NumberKind(StrEnum):
    """Which card an 18-character number belongs to (decides the area rule)."""

    RESIDENT = "resident"  # 居民身份证
    PERMIT = "permit"  # 港澳台居民居住证
    FOREIGN_2023 = "foreign_2023"  # 外国人永久居留身份证 (2023 版)


class IdNumberError(ValueError):
    """A malformed ID number; the message is Chinese and meant for the teller.
    It never repeats the number itself."""


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


def parse(
    raw: str, kind: NumberKind = NumberKind.RESIDENT, today: date | None = None
) -> IdInfo:
    """Validate an 18-character number of the given kind and return what it encodes.

    Raises IdNumberError with a message naming what is wrong (never the number).
    A 15-digit number is refused with the upgrade offered (see upgrade_hint).
    """
    if len(raw) > MAX_RAW_LENGTH:
        raise IdNumberError(f"证件号码过长（{len(raw)}个字符），应为18位")
    number = normalize(raw)
    if not number:
        raise IdNumberError("证件号码不能为空")
    if len(number) == 15 and kind is NumberKind.RESIDENT and _SHAPE15.match(number):
        raise IdNumberError(upgrade_hint(number))
    if len(number) != 18:
        raise IdNumberError(f"证件号码应为18位，当前为{len(number)}位")
    if not _SHAPE18.match(number):
        raise IdNumberError("证件号码前17位应为数字，末位为数字或X")
    _check_area(number, kind)
    born = _birth(number[6:14], today)
    expected = check_char(number[:17])
    if number[17] != expected:
        raise IdNumberError("证件号码校验位错误，请核对")
    sex = "男" if int(number[16]) % 2 == 1 else "女"
    return IdInfo(number=number, area_code=number[:6], birth_date=born, sex=sex)


def _check_area(number: str, kind: NumberKind) -> None:
    area = number[:6]
    if kind is NumberKind.PERMIT:
        if area not in PERMIT_AREAS:
            raise IdNumberError("港澳台居民居住证号码应以810000、820000或830000开头")
        return
    if kind is NumberKind.FOREIGN_2023:
        if number[0] != "9" or number[1:3] not in PROVINCES:
            raise IdNumberError("外国人永久居留身份证（2023版）号码应以9加受理地省级代码开头")
        return
    if area in PERMIT_AREAS:
        raise IdNumberError("这是港澳台居民居住证号码，请将证件类型选为居住证（J）")
    if number[0] == "9":
        raise IdNumberError("这是外国人永久居留身份证号码，请将证件类型选为永居证（Y）")
    if area[:2] not in PROVINCES:
        raise IdNumberError("证件号码前6位不是有效的行政区划代码")
    if area[2:] == "0000":
        raise IdNumberError("证件号码前6位是省级代码，不是发证地的县级代码")


def _birth(digits: str, today: date | None) -> date:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as exc:
        raise IdNumberError("证件号码中的出生日期无效") from exc
    if born < EARLIEST_BIRTH:
        raise IdNumberError("证件号码中的出生日期无效")
    if born > (today or date.today()):
        raise IdNumberError("证件号码中的出生日期晚于今天")
    return born


def is_valid(raw: str, kind: NumberKind = NumberKind.RESIDENT) -> bool:
    try:
        parse(raw, kind)
    except IdNumberError:
        return False
    return True


def upgrade15(old: str) -> str:
    """Turn an old 15-digit number (century 19 implied) into its 18-digit form."""
    if not _SHAPE15.match(old):
        raise IdNumberError("15位证件号码应全部为数字")
    first17 = old[:6] + "19" + old[6:]
    return first17 + check_char(first17)


def upgrade_hint(old: str) -> str:
    """The message for a 15-digit number: how to write its 18-digit form, without
    repeating the number (errors are printed and logged)."""
    new = upgrade15(old)
    try:
        _check_area(new, NumberKind.RESIDENT)
        _birth(new[6:14], None)
    except IdNumberError as exc:
        return f"15位旧证件号码无效：{exc}"
    return (
        "这是15位旧证件号码，请改用18位号码：在第6位后加“19”，"
        f"末尾加校验码“{new[17]}”（即 {new[:6]}********{new[14:]}）"
    )
