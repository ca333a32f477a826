"""Working-day calendar for time limits (工作日 / 自然日).

Official data comes from chinese-calendar (the State Council's yearly holiday notice,
调休 working weekends included). Years the library lacks can be filled in by an
override file (resources/holidays/overrides.toml). A date in a year with neither is
counted Monday–Friday *and* the result carries a visible warning: never a crash,
never a silent guess. The estimate keeps the solar-calendar statutory holidays
(New Year, Labour Day, National Day) off; lunar ones and 调休 are unknown.

Counting starts the day after acceptance (民法典 §201); when the last day of a
natural-day period is not a working day the deadline moves to the next working day.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

import chinese_calendar

# Solar-calendar statutory holidays (全国年节及纪念日放假办法): in a year with no
# published arrangement the estimate at least keeps these days off.
_FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


class LimitUnit(StrEnum):
    WORKING = "working"  # 工作日
    NATURAL = "natural"  # 自然日

    @property
    def label(self) -> str:
        return "个工作日" if self is LimitUnit.WORKING else "个自然日"


@dataclass(frozen=True)
class YearOverride:
    """Official holidays and 调休 working days of one year, from the override file."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str = ""


@dataclass(frozen=True)
class DueDate:
    """A deadline with the basis it was computed on."""

    due: date
    unit: LimitUnit
    days: int
    estimated_years: tuple[int, ...] = ()

    @property
    def warning(self) -> str | None:
        if not self.estimated_years:
            return None
        years = "、".join(str(y) for y in self.estimated_years)
        return (
            f"{years}年法定节假日安排尚未收录，截止日期{self.due.isoformat()}"
            "按周一至周五估算，请以国务院公布的放假安排人工核对"
        )


class CalendarFileError(ValueError):
    pass


def load_overrides(path: Path) -> dict[int, YearOverride]:
    """Read the yearly override file; messages name the file, the year and the field."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CalendarFileError(f"{path.name}: 格式错误: {exc}") from exc
    result: dict[int, YearOverride] = {}
    for key, table in data.items():
        if not key.isdigit() or not isinstance(table, dict):
            raise CalendarFileError(f"{path.name}: [{key}] 应为年份，如 [2027]")
        year = int(key)
        sets: dict[str, frozenset[date]] = {}
        for name in ("holidays", "workdays"):
            values = table.get(name, [])
            days: set[date] = set()
            for value in values:
                day = value if isinstance(value, date) else _parse_day(path, key, name, value)
                if day.year != year:
                    raise CalendarFileError(f"{path.name}: [{key}] {name}: {day} 不在{year}年")
                days.add(day)
            sets[name] = frozenset(days)
        result[year] = YearOverride(
            year, sets["holidays"], sets["workdays"], str(table.get("source", ""))
        )
    return result


def _parse_day(path: Path, key: str, name: str, value: object) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise CalendarFileError(f"{path.name}: [{key}] {name}: 无效日期 {value!r}") from exc


@dataclass
class WorkCalendar:
    overrides: dict[int, YearOverride] = field(default_factory=dict)

    def is_known(self, day: date) -> bool:
        """True when the year's official arrangement is on file (library or override)."""
        if day.year in self.overrides:
            return True
        try:
            chinese_calendar.is_workday(day)
        except NotImplementedError:
            return False
        return True

    def is_workday(self, day: date) -> bool:
        """Official answer where known, Monday–Friday otherwise (see is_known)."""
        override = self.overrides.get(day.year)
        if override is not None:
            if day in override.holidays:
                return False
            if day in override.workdays:
                return True
            return day.weekday() < 5
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            return day.weekday() < 5 and (day.month, day.day) not in _FIXED_HOLIDAYS

    def _unknown_years(self, days: Iterable[date]) -> tuple[int, ...]:
        years = sorted({d.year for d in days})
        return tuple(y for y in years if not self.is_known(date(y, 6, 1)))

    def next_workday(self, day: date) -> date:
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, days: int) -> DueDate:
        """The `days`-th working day after `start` (start itself not counted)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        current = start
        counted = 0
        touched = [start]
        while counted < days:
            current += timedelta(days=1)
            touched.append(current)
            if self.is_workday(current):
                counted += 1
        return DueDate(current, LimitUnit.WORKING, days, self._unknown_years(touched))

    def add_natural_days(self, start: date, days: int) -> DueDate:
        """`days` calendar days after `start`, moved on to a working day if needed."""
        end = start + timedelta(days=days)
        due = self.next_workday(end) if days > 0 else end
        span = [start + timedelta(days=i) for i in range((due - start).days + 1)]
        return DueDate(due, LimitUnit.NATURAL, days, self._unknown_years(span))

    def add(self, start: date, days: int, unit: LimitUnit) -> DueDate:
        if unit is LimitUnit.WORKING:
            return self.add_working_days(start, days)
        return self.add_natural_days(start, days)

    def working_days_left(self, today: date, due: date) -> int:
        """Working days from today (exclusive) to due (inclusive); negative when overdue."""
        if due == today:
            return 0
        step = 1 if due > today else -1
        count = 0
        current = today
        while current != due:
            current += timedelta(days=step)
            if self.is_workday(current):
                count += step
        return count
