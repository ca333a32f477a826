"""Case numbers (办件编号): hall code + business date + daily sequence.

`37010201` + `20261126` + `0001` → `37010201202611260001`: digits only, so it fits a
Code 128 barcode compactly and reads aloud; uniqueness is a database constraint,
the sequence an atomic per-hall-per-day counter.

The sequence is written with at least SEQ_DIGITS (4) digits and widens when a day
needs more: the 9,999th case of a day is `…9999`, the 10,000th `…10000`, the
100,000th `…100000`. Numbers of ordinary days are unchanged, and no day ever runs
out: the limit is the column (`cases.case_no`, 32 characters), which leaves at least
8 digits (99,999,999 cases a day) for the longest hall code (16 characters).

Reading a number back: the last 12 characters are the day and the sequence while it
has 4 digits. A wider sequence can never be misread as a 4-digit one, since the
8 digits read as the day would then start with the `0` of the year 20xx (no year
before EARLIEST_YEAR is a day of this software). Given the hall code, reading is
exact whatever the width.
"""

from __future__ import annotations

import re
from datetime import date

SEQ_DIGITS = 4  # the minimum width; wider when the day needs it
MAX_CASE_NO = 32  # cases.case_no String(32)
EARLIEST_YEAR = 1900
_HALL = re.compile(r"^[0-9A-Za-z]{2,16}$")


def format_case_no(hall_code: str, day: date, seq: int) -> str:
    if not _HALL.match(hall_code):
        raise ValueError(f"大厅编码“{hall_code}”无效：应为2至16位字母或数字")
    if seq < 1:
        raise ValueError(f"办件序号应从1开始: {seq}")
    number = f"{hall_code}{day:%Y%m%d}{seq:0{SEQ_DIGITS}d}"
    if len(number) > MAX_CASE_NO:  # 10^8 cases in a day for a 16-character hall code
        raise ValueError(f"办件序号超出范围: {seq}")
    return number


def parse_case_no(case_no: str, hall_code: str | None = None) -> tuple[str, date, int]:
    """(hall code, day, sequence). With the hall code the split is exact; without it
    the narrowest sequence width (from 4 up) that leaves a real day is taken."""
    if hall_code is not None:
        if not case_no.startswith(hall_code):
            raise ValueError(f"办件编号不属于大厅{hall_code}")
        rest = case_no[len(hall_code):]
        return hall_code, _day(rest[:8]), int(rest[8:])
    for width in range(SEQ_DIGITS, len(case_no) - 8 - 1):
        day_text, seq_text = case_no[-width - 8 : -width], case_no[-width:]
        if not (day_text.isdigit() and seq_text.isdigit()):
            continue
        try:
            day = _day(day_text)
        except ValueError:
            continue
        return case_no[: -width - 8], day, int(seq_text)
    raise ValueError(f"无法识别的办件编号: {case_no}")


def _day(text: str) -> date:
    day = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    if day.year < EARLIEST_YEAR:
        raise ValueError(f"办件编号中的日期无效: {text}")
    return day


def doc_no(case_no: str, kind: str = "受", hall_code: str | None = None) -> str:
    """A document number printed on papers, e.g. 受字〔2026〕第11260001号."""
    _, day, seq = parse_case_no(case_no, hall_code)
    return f"{kind}字〔{day.year}〕第{day:%m%d}{seq:0{SEQ_DIGITS}d}号"
