"""Case numbers (办件编号): hall code + business date + daily sequence.

`37010201` + `20261126` + `0001` → `37010201202611260001`: digits only, so it fits a
Code 128 barcode compactly and reads aloud; uniqueness is a database constraint,
the sequence an atomic per-hall-per-day counter.
"""

from __future__ import annotations

import re
from datetime import date

SEQ_DIGITS = 4
_HALL = re.compile(r"^[0-9A-Za-z]{2,16}$")


def format_case_no(hall_code: str, day: date, seq: int) -> str:
    if not _HALL.match(hall_code):
        raise ValueError(f"大厅编码“{hall_code}”无效：应为2至16位字母或数字")
    if not 0 < seq < 10**SEQ_DIGITS:
        raise ValueError(f"办件序号超出范围: {seq}")
    return f"{hall_code}{day:%Y%m%d}{seq:0{SEQ_DIGITS}d}"


def parse_case_no(case_no: str) -> tuple[str, date, int]:
    hall, day, seq = case_no[:-12], case_no[-12:-4], case_no[-4:]
    return hall, date(int(day[:4]), int(day[4:6]), int(day[6:])), int(seq)


def doc_no(case_no: str, kind: str = "受") -> str:
    """A document number printed on papers, e.g. 受字〔2026〕第202611260001号."""
    _, day, seq = parse_case_no(case_no)
    return f"{kind}字〔{day.year}〕第{day:%m%d}{seq:0{SEQ_DIGITS}d}号"
