"""Small pieces the supervisor's tabs share."""

from __future__ import annotations

from ui.panels.table_model import Column, RowTable
from ui.style import BAD


def table(columns: list[Column], key) -> RowTable:  # type: ignore[no-untyped-def]
    view: RowTable = RowTable(columns, key=key)
    view.setAlternatingRowColors(True)
    return view


def bad_if(value) -> str | None:  # type: ignore[no-untyped-def]
    return BAD if value else None


def minutes(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds / 60:.1f} 分" if seconds >= 60 else f"{seconds:.0f} 秒"
