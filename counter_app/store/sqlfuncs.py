"""SQL expressions that read the same on SQLite and PostgreSQL: the hall's local hour
and date of a stored UTC time.

Times are stored in UTC (store.types.UtcDateTime): naive 'YYYY-MM-DD HH:MM:SS.ffffff'
text on SQLite, timestamptz on PostgreSQL. China has kept UTC+8 all year since
1991, so the local hour is the UTC hour plus eight on both engines.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

LOCAL_ZONE = "Asia/Shanghai"
LOCAL_OFFSET_HOURS = 8


class local_hour(FunctionElement[int]):  # noqa: N801 - reads as a SQL function
    """The hour (0–23) on the hall's clock of a stored time."""

    type = Integer()
    inherit_cache = True


class local_date(FunctionElement[Any]):  # noqa: N801
    """The business date (China time) of a stored time, comparable with a Date column."""

    type = Date()
    inherit_cache = True


@compiles(local_hour, "sqlite")
def _hour_sqlite(element: local_hour, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(list(element.clauses)[0], **kw)
    # the stored text is always 'YYYY-MM-DD HH:MM:SS.ffffff' (cheaper than strftime)
    return f"((CAST(substr({arg}, 12, 2) AS INTEGER) + {LOCAL_OFFSET_HOURS}) % 24)"


@compiles(local_hour, "postgresql")
def _hour_pg(element: local_hour, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(list(element.clauses)[0], **kw)
    return f"CAST(EXTRACT(HOUR FROM ({arg}) AT TIME ZONE '{LOCAL_ZONE}') AS INTEGER)"


@compiles(local_date, "sqlite")
def _date_sqlite(element: local_date, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(list(element.clauses)[0], **kw)
    return f"date({arg}, '+{LOCAL_OFFSET_HOURS} hours')"


@compiles(local_date, "postgresql")
def _date_pg(element: local_date, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(list(element.clauses)[0], **kw)
    return f"CAST(({arg}) AT TIME ZONE '{LOCAL_ZONE}' AS DATE)"
