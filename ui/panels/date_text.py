"""Dates typed in one go: `20261201`, `2026-12-01`, `2026/12/1`, `2026.12.1`,
`2026年12月1日`, full-width digits from an IME, or `1201` (the next 1 December).

A QDateEdit takes a date section by section: typed in one go, `1988-09-01` became
`9880901`, Tab stayed inside and Ctrl+A did not select. A plain line edit and this
parser let a teller type the date the way it is written on paper."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

FULL = re.compile(r"(\d{4})(\d{2})(\d{2})")
SEPARATED = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
MONTH_DAY = re.compile(r"(\d{2})(\d{2})|(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
HINT = "如 20261201 或 2026-12-01"


class DateTextError(ValueError):
    """The text is no date; the message is for the user (Chinese)."""


def parse_date(text: str, today: date) -> date:
    """The date the text names; `today` settles a month and day without a year."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        raise DateTextError(f"请输入日期（{HINT}）")
    year: int
    if m := FULL.fullmatch(cleaned) or SEPARATED.fullmatch(cleaned):
        year, month, day = (int(g) for g in m.groups())
        return _make(year, month, day)
    if m := MONTH_DAY.fullmatch(cleaned):
        month, day = (int(g) for g in m.groups() if g is not None)
        found = _make(today.year, month, day) if _valid(today.year, month, day) else None
        if found is None or found < today:
            return _make(today.year + 1, month, day)
        return found
    raise DateTextError(f"“{text.strip()}”不是日期（{HINT}）")


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _make(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateTextError(f"没有 {year}-{month:02d}-{day:02d} 这一天") from None
