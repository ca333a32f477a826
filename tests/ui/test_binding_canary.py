"""Canary for the Qt binding: a void Qt call must not lose a reference to None.

PySide6-Essentials 6.12.0 on CPython 3.11 lowers None's reference count by one on
every void call made from Python (`QLabel.setText`, `QTableWidget.setItem` …); a
window that runs long enough then dies with "Fatal Python error: none_dealloc".
pyproject.toml excludes that combination; this test fails on any binding that
brings the fault back, before a teller's window does.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem

CALLS = 300  # few enough that a broken binding fails here instead of aborting


def _none_refs() -> int:
    return sys.getrefcount(None)


def test_void_calls_keep_none_alive(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    table = QTableWidget(1, 1)
    qtbot.addWidget(label)
    qtbot.addWidget(table)
    before = _none_refs()
    for n in range(CALLS):
        label.setText(str(n % 7))
        table.setItem(0, 0, QTableWidgetItem("x"))
        label.clear()
    lost = before - _none_refs()
    # A healthy binding moves the count by a handful at most (other threads, caches);
    # the broken one loses one per call: thousands here.
    assert lost < CALLS // 10, f"the Qt binding lost {lost} references to None in {3 * CALLS} calls"
