"""Telling a keyboard-wedge scanner's burst from a person typing.

A wedge scanner "types" the code: many characters a few milliseconds apart, then
Enter. A person types far slower and unevenly. `WedgeDetector.feed` takes key events
with their times and returns the scanned text when a burst of at least `min_chars`
characters, each less than `max_gap_s` after the previous one, ends with Enter.

The GUI feeds every key press of the teller window; when a burst is detected, the
characters it already put into a text field (`ScanDetected.length` of them) belong to
the scanner and are taken out again. Pure, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

ENTER_KEYS = frozenset({"\r", "\n", "Enter", "Return"})


@dataclass(frozen=True)
class ScanDetected:
    text: str

    @property
    def length(self) -> int:
        return len(self.text)


class WedgeDetector:
    def __init__(self, min_chars: int = 8, max_gap_s: float = 0.030) -> None:
        self.min_chars = min_chars
        self.max_gap_s = max_gap_s
        self._chars: list[str] = []
        self._last: float | None = None

    def reset(self) -> None:
        self._chars.clear()
        self._last = None

    @property
    def in_burst(self) -> bool:
        """True while the keys so far look like a scanner (for the GUI to hold back)."""
        return len(self._chars) >= 2

    def feed(self, key: str, t: float) -> ScanDetected | None:
        """`key`: the typed character, or "Enter"; `t`: seconds (monotonic)."""
        gap_ok = self._last is not None and 0 <= t - self._last < self.max_gap_s
        self._last = t
        if key in ENTER_KEYS:
            burst = "".join(self._chars)
            complete = gap_ok and len(burst) >= self.min_chars
            self._chars.clear()
            return ScanDetected(burst) if complete else None
        if len(key) != 1 or not key.isprintable():
            self.reset()
            return None
        if not gap_ok:
            self._chars.clear()  # too slow: a new burst (or a person) starts here
        self._chars.append(key)
        return None
