"""Time: stored in UTC, business dates in China Standard Time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def local(dt: datetime) -> datetime:
    """The time as the hall's wall clock shows it."""
    return dt.astimezone(CHINA)


def business_date(dt: datetime) -> date:
    return local(dt).date()


def fmt_local(dt: datetime | None) -> str:
    return local(dt).strftime("%Y-%m-%d %H:%M") if dt else ""
