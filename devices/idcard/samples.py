"""Fictional sample cards, one of each type, for the simulator, demo and tests.

The numbers pass the MOD 11-2 check but belong to nobody.
"""

from __future__ import annotations

import hashlib
from datetime import date

from devices.idcard.model import CardType, IdCardData


def fake_wlt(seed: str) -> bytes:
    """1024 deterministic bytes standing in for a WLT photo (not decodable)."""
    out = b""
    counter = 0
    while len(out) < 1024:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return out[:1024]


SAMPLE_CARDS: dict[CardType, IdCardData] = {
    CardType.RESIDENT: IdCardData(
        card_type=CardType.RESIDENT,
        name="阿依古丽·买买提",
        sex="女",
        sex_code="2",
        nation="维吾尔",
        nation_code="05",
        birth_date=date(1970, 3, 7),
        address="新疆维吾尔自治区乌鲁木齐市天山区解放南路88号",
        id_number="650102197003070022",
        authority="乌鲁木齐市公安局天山区分局",
        valid_from=date(2016, 3, 1),
        valid_to=None,  # 长期
        photo_wlt=fake_wlt("resident"),
    ),
    CardType.GAT: IdCardData(
        card_type=CardType.GAT,
        name="陈大文",
        sex="男",
        sex_code="1",
        nation="",
        nation_code="",
        birth_date=date(1990, 1, 1),
        address="山东省济南市历下区泉城路1号",
        id_number="810000199001011230",
        authority="济南市公安局",
        valid_from=date(2021, 5, 10),
        valid_to=date(2026, 5, 10),
        pass_number="H12345678",
        issue_count="01",
        photo_wlt=fake_wlt("gat"),
    ),
    CardType.FOREIGN_2017: IdCardData(
        card_type=CardType.FOREIGN_2017,
        name="史密斯",
        sex="男",
        sex_code="1",
        nation="",
        nation_code="",
        birth_date=date(1985, 6, 20),
        address="",
        id_number="USA310000850620",
        authority="1500",
        valid_from=date(2017, 6, 20),
        valid_to=date(2027, 6, 19),
        english_name="SMITH, JOHN WILLIAM",
        nationality="USA",
        card_version="02",
        photo_wlt=fake_wlt("foreign2017"),
    ),
    CardType.FOREIGN_2023: IdCardData(
        card_type=CardType.FOREIGN_2023,
        name="玛丽亚",
        sex="女",
        sex_code="2",
        nation="",
        nation_code="",
        birth_date=date(1990, 4, 5),
        address="",
        id_number="931724199004050013",
        authority="",
        valid_from=date(2023, 12, 1),
        valid_to=date(2033, 11, 30),
        english_name="GARCIA LOPEZ, MARIA DEL CARMEN FERNANDEZ",
        nationality="ESP",
        issue_count="00",
        photo_wlt=fake_wlt("foreign2023"),
    ),
}


def sample_card(card_type: CardType | str) -> IdCardData:
    key = card_type if isinstance(card_type, CardType) else CardType.parse(card_type)
    return SAMPLE_CARDS[key]
