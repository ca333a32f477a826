"""A keyboard-wedge scanner types the electronic social-security card's code into
the focused field: the burst is taken back out, its Enter does nothing else, and the
resolved person fills the applicant panel. A person typing the same is left alone."""

from __future__ import annotations

from PySide6.QtCore import Qt

from devices.hub import DeviceHub
from devices.scanner.resolver import FakeResolver
from ui.bridge.devices import DeviceController


def attach_resolver(window) -> FakeResolver:  # type: ignore[no-untyped-def]
    resolver = FakeResolver()
    window.devices = DeviceController(DeviceHub(), resolver, window)
    window.devices.card_read.connect(window._card_read)
    return resolver


def test_scanner_burst_fills_the_applicant(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    resolver = attach_resolver(w)
    w.activateWindow()
    field = w.accept.search.edit
    field.setFocus()
    qtbot.keyClicks(field, FakeResolver.DEMO_CODE)  # no delay between keys: a scanner
    qtbot.keyClick(field, Qt.Key.Key_Return)
    expected = resolver.codes[FakeResolver.DEMO_CODE]
    qtbot.waitUntil(lambda: w.applicant.id_number.text() == expected.id_number, timeout=5_000)
    assert w.applicant.name.text() == expected.name
    assert field.text() == ""  # the burst was taken back out of the search box
    assert w.accept.bundle_code is None  # and its Enter chose nothing
    w.devices.runner.wait_idle()


def test_typing_by_hand_is_not_a_scan(qtbot, teller_window) -> None:  # type: ignore[no-untyped-def]
    w = teller_window
    resolver = attach_resolver(w)
    field = w.applicant.phone
    field.setFocus()
    qtbot.keyClicks(field, "13812345678", delay=60)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == "13812345678"
    assert resolver.calls == []
