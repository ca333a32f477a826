"""What the hall display says when a number is called, and how it is read aloud.

Chinese halls read a ticket's digits one by one (A005 → "A零零五", never "A五");
the window is read as a number (3 → 三, 12 → 十二, 101 → 一百零一). The letter of the
category stays a Latin letter: every Chinese voice says it the way people in the
hall say it ("A" as ei). 一 is read 一 (not 幺, which only telephone numbers use).

The text comes from a template (`display_announce_template`) with two places,
`{number}` and `{window}`; the same template gives the line on the screen (with the
digits) and the line for the voice (with the Chinese reading)."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

DEFAULT_TEMPLATE = "请 {number} 号到 {window} 号窗口办理"
PLACES = ("number", "window")
# The settings check: only {number} and {window}, and {number} must be there.
TEMPLATE_PATTERN = r"^(?=.*\{number\})[^{}]*(?:\{(?:number|window)\}[^{}]*)*$"

DIGITS = "零一二三四五六七八九"
_UNITS = ("", "十", "百", "千")
_GROUPS = ("", "万", "亿")
_RUN = re.compile(r"\d+|\D+")


class TemplateError(ValueError):
    """A template with an unknown place or without {number}; the message is Chinese."""


def read_digits(digits: str) -> str:
    """Each digit on its own: "005" → 零零五."""
    return "".join(DIGITS[int(c)] if c.isdigit() else c for c in digits)


def _four(n: int) -> str:
    """0 < n < 10000, the way it is said inside a larger number (一十 kept)."""
    out: list[str] = []
    zero = False
    for power in (3, 2, 1, 0):
        d = n // 10**power % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[d] + _UNITS[power])
    return "".join(out)


def read_number(n: int) -> str:
    """A number as it is said: 3 → 三, 10 → 十, 12 → 十二, 20 → 二十, 101 → 一百零一,
    1010 → 一千零一十, 10000 → 一万, 120000 → 十二万."""
    if n < 0:
        raise ValueError(f"negative number: {n}")
    if n == 0:
        return DIGITS[0]
    if n >= 10**12:
        return read_digits(str(n))
    groups: list[int] = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out = ""
    gap = False  # a zero between two non-zero parts: 10001 → 一万零一
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            gap = bool(out)
            continue
        if out and (gap or g < 1000):
            out += "零"
        out += _four(g) + _GROUPS[i]
        gap = False
    if out.startswith("一十"):  # 十二, 十二万: the leading 一 is not said
        out = out[1:]
    return out


def read_ticket(number: str) -> str:
    """A ticket number: letters as they are, digits one by one (A005 → A零零五)."""
    return read_digits(number.strip().upper())


def read_window(window_no: str) -> str:
    """A window: runs of digits read as numbers (3 → 三, 12 → 十二, B2 → B二); a run
    with a leading zero digit by digit (03 → 零三), as people say it."""
    parts = []
    for run in _RUN.findall(window_no.strip().upper()):
        if run.isdigit():
            parts.append(read_digits(run) if len(run) > 1 and run[0] == "0"
                         else read_number(int(run)))
        else:
            parts.append(run)
    return "".join(parts)


def check_template(template: str) -> str:
    """The template if it can be used; else TemplateError saying what is wrong."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        raise TemplateError("播报模板中的花括号不成对，请写作 {number} 和 {window}") from None
    fields = [(name, spec, conv) for _, name, spec, conv in parsed if name is not None]
    for name, spec, conv in fields:
        if name not in PLACES or spec or conv:
            raise TemplateError(
                f"播报模板中有未知的位置 {{{name}}}，只能用 {{number}}（号码）和 {{window}}（窗口）"
            )
    if "number" not in [name for name, _, _ in fields]:
        raise TemplateError(
            "播报模板必须含 {number}（号码），如：请 {number} 号到 {window} 号窗口办理"
        )
    return template


@dataclass(frozen=True)
class Announcement:
    """One call: the line on the screen and the line for the voice."""

    number: str
    window_no: str
    text: str  # 请 A005 号到 3 号窗口办理
    spoken: str  # 请 A零零五 号到 三 号窗口办理

    @property
    def units(self) -> int:
        return speech_units(self.spoken)


def announce(number: str, window_no: str, template: str = DEFAULT_TEMPLATE) -> Announcement:
    """The call of `number` to `window_no` through `template` (checked)."""
    check_template(template)
    text = template.format(number=number, window=window_no)
    spoken = template.format(number=read_ticket(number), window=read_window(window_no))
    return Announcement(number, window_no, " ".join(text.split()), " ".join(spoken.split()))


def speech_units(text: str) -> int:
    """Syllable-like units of a spoken line: each Chinese character, Latin letter or
    digit is about one syllable (A is "ei"). Used to judge how long it should last."""
    return sum(1 for c in text if c.isalnum())
