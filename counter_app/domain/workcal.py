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

import bisect
import threading
import tomllib
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
    """Working days from the official arrangement (see the module docstring).

    The calendar is tabulated once per year (chinese-calendar scans its whole
    holiday table on every call): a sorted array of the working days of the years
    seen so far, so that counting the working days between two dates is two
    `bisect`s and adding n working days is one index, whatever the distance.
    """

    overrides: dict[int, YearOverride] = field(default_factory=dict)
    _years: dict[int, bool] = field(default_factory=dict, init=False, repr=False,
                                    compare=False)  # year → arrangement known
    _span: tuple[int, int, list[int], bytearray] | None = field(
        default=None, init=False, repr=False, compare=False
    )  # (first year, last year, working-day ordinals, flag per ordinal from 1 Jan first)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False,
                                  compare=False)

    def is_known(self, day: date) -> bool:
        """True when the year's official arrangement is on file (library or override)."""
        known = self._years.get(day.year)
        if known is None:
            known = day.year in self.overrides or _library_knows(day.year)
            self._years[day.year] = known
        return known

    def _official(self, day: date) -> bool:
        """The answer for one day, without the table (used to build it)."""
        override = self.overrides.get(day.year)
        if override is not None:
            if day in override.holidays:
                return False
            if day in override.workdays:
                return True
            return day.weekday() < 5
        if self.is_known(day):
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5 and (day.month, day.day) not in _FIXED_HOLIDAYS

    def _table(self, *days: date) -> tuple[int, list[int], bytearray]:
        """The tabulated span covering `days` (widened a year at a time as needed)."""
        span = self._span
        lo = min(d.year for d in days)
        hi = max(d.year for d in days)
        if span is None or lo < span[0] or hi > span[1]:
            with self._lock:
                span = self._span
                first = lo if span is None else min(lo, span[0])
                last = hi if span is None else max(hi, span[1])
                if span is None or first < span[0] or last > span[1]:
                    base = date(first, 1, 1).toordinal()
                    end = date(last, 12, 31).toordinal()
                    flags = bytearray(
                        self._official(date.fromordinal(o)) for o in range(base, end + 1)
                    )
                    ordinals = [base + i for i, f in enumerate(flags) if f]
                    span = (first, last, ordinals, flags)
                    self._span = span
        return date(span[0], 1, 1).toordinal(), span[2], span[3]

    def is_workday(self, day: date) -> bool:
        """Official answer where known, Monday–Friday otherwise (see is_known)."""
        base, _days, flags = self._table(day)
        return bool(flags[day.toordinal() - base])

    def _unknown_years(self, first: date, last: date) -> tuple[int, ...]:
        return tuple(y for y in range(first.year, last.year + 1)
                     if not self.is_known(date(y, 6, 1)))

    def next_workday(self, day: date) -> date:
        while True:
            _base, days, _flags = self._table(day)
            i = bisect.bisect_left(days, day.toordinal())
            if i < len(days):
                return date.fromordinal(days[i])
            day = date(day.year + 1, 1, 1)

    def add_working_days(self, start: date, days: int) -> DueDate:
        """The `days`-th working day after `start` (start itself not counted)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        due = start
        if days:
            horizon = start
            while True:
                _base, table, _flags = self._table(start, horizon)
                i = bisect.bisect_right(table, start.toordinal()) + days - 1
                if i < len(table):
                    due = date.fromordinal(table[i])
                    break
                horizon = date(horizon.year + 1, 12, 31)
        return DueDate(due, LimitUnit.WORKING, days, self._unknown_years(start, due))

    def add_natural_days(self, start: date, days: int) -> DueDate:
        """`days` calendar days after `start`, moved on to a working day if needed."""
        end = start + timedelta(days=days)
        due = self.next_workday(end) if days > 0 else end
        return DueDate(due, LimitUnit.NATURAL, days, self._unknown_years(start, due))

    def add(self, start: date, days: int, unit: LimitUnit) -> DueDate:
        if unit is LimitUnit.WORKING:
            return self.add_working_days(start, days)
        return self.add_natural_days(start, days)

    def count_working_days(self, after: date, through: date) -> int:
        """Working days in (after, through]; 0 when through <= after."""
        if through <= after:
            return 0
        _base, table, _flags = self._table(after, through)
        return (bisect.bisect_right(table, through.toordinal())
                - bisect.bisect_right(table, after.toordinal()))

    def working_days_left(self, today: date, due: date) -> int:
        """Working days from today (exclusive) to due (inclusive); negative when overdue
        (then: the working days from due, inclusive, to today, exclusive)."""
        if due >= today:
            return self.count_working_days(today, due)
        return -self.count_working_days(due - timedelta(days=1), today - timedelta(days=1))


def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True
