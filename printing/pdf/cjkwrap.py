"""Line breaking of Chinese text without a line that starts with closing punctuation.

reportlab (5.x) wraps CJK text in two places: paragraphs of one run of text through
reportlab.lib.textsplit.dumbSplit, paragraphs with markup through
reportlab.platypus.paragraph.cjkFragSplit. Both let one character that may not start
a line hang in the right margin, so a second one right after it (“）。”, “”：”, “）：”)
starts the next line; and textsplit's own list of such characters lacks the
full-width comma, colon and semicolon. These versions take the paragraph module's
(longer) list and carry the character before such a run down with it, so "：" or
"。" never begins a line. Everything else is reportlab's algorithm unchanged.
`install()` puts them in place (the modules look them up when they wrap).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import textsplit as _ts
from reportlab.platypus import paragraph as _rl

_FUZZ = getattr(_rl, "_FUZZ", 1e-6)


def _run_start(chars: Any, i: int, line_start: int, cannot_start: str) -> int | None:
    """Where to break when the character before `i` overflows, cannot start a line,
    and is followed by another that cannot either: before the last character that can
    (None when that would leave the line empty)."""
    if not (i < len(chars) and chars[i] in cannot_start):
        return None
    j = i - 1
    while j > line_start + 1 and chars[j - 1] in cannot_start:
        j -= 1
    return j - 1 if j - 1 > line_start else None


def dumb_split(word: str, widths: list[float], maxWidths: Any) -> list[list[Any]]:  # noqa: N803
    """reportlab.lib.textsplit.dumbSplit with runs of no-start punctuation kept off
    line starts (one run of text)."""
    cannot_start = _rl.ALL_CANNOT_START
    if not isinstance(maxWidths, list | tuple):
        maxWidths = [maxWidths]  # noqa: N806
    lines: list[list[Any]] = []
    i = line_start = 0
    width_used = 0.0
    max_width = maxWidths[0]
    n = len(word)
    while i < n:
        w = widths[i]
        c = word[i]
        width_used += w
        i += 1
        if width_used > max_width + _FUZZ and width_used > 0:
            extra = max_width - width_used
            if ord(c) < 0x3000:  # inside a non-Asian word: break at a space if any
                limit = (line_start + i) >> 1
                for j in range(i - 1, limit, -1):
                    cj = word[j]
                    if _ts.category(cj) == "Zs" or ord(cj) >= 0x3000:
                        k = j + 1
                        if k < i:
                            j = k + 1
                            extra += sum(widths[j:i])
                            w = widths[k]
                            c = word[k]
                            i = j
                            break
            if c not in cannot_start and i > line_start + 1:
                i -= 1
                extra += w
            elif c in cannot_start:
                start = _run_start(word, i, line_start, cannot_start)
                if start is not None:
                    extra += sum(widths[start:i])
                    i = start
            lines.append([extra, word[line_start:i].strip()])
            try:
                max_width = maxWidths[len(lines)]
            except IndexError:
                max_width = maxWidths[-1]
            line_start = i
            width_used = 0
    if width_used > 0:
        lines.append([max_width - width_used, word[line_start:]])
    return lines


def _width(u: Any, max_width: float) -> float:
    w = u.width
    if hasattr(w, "normalizedValue"):
        w._normalizer = max_width
        w = w.normalizedValue(max_width)
    return float(w)


def cjk_frag_split(frags: list[Any], maxWidths: list[float], calcBounds: Any,  # noqa: N803
                   encoding: str = "utf8") -> Any:
    """reportlab's cjkFragSplit with runs of no-start punctuation kept off line starts."""
    cannot_start = _rl.ALL_CANNOT_START
    U: list[Any] = []  # noqa: N806 - reportlab's names
    for f in frags:
        text = f.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if text:
            U.extend([_rl.cjkU(t, f, encoding) for t in text])
        else:
            U.append(_rl.cjkU(text, f, encoding))
    lines = []
    i = line_start = 0
    width_used = 0.0
    max_width = maxWidths[0]
    n = len(U)
    while i < n:
        u = U[i]
        i += 1
        w = _width(u, max_width)
        width_used += w
        line_break = hasattr(u.frag, "lineBreak")
        end_line = (width_used > max_width + _FUZZ and width_used > 0) or line_break
        if end_line:
            extra = max_width - width_used
            if not line_break:
                if ord(u) < 0x3000:  # inside a non-Asian word: break at a space if any
                    limit = (line_start + i) >> 1
                    for j in range(i - 1, limit, -1):
                        uj = U[j]
                        if uj and _rl.category(uj) == "Zs" or ord(uj) >= 0x3000:
                            k = j + 1
                            if k < i:
                                j = k + 1
                                extra += sum(_width(U[ii], max_width) for ii in range(j, i))
                                w = _width(U[k], max_width)
                                u = U[k]
                                i = j
                                break
                if u not in cannot_start and i > line_start + 1:
                    i -= 1  # the character starts the next line
                    extra += w
                elif u in cannot_start:
                    # a run of no-start characters follows: rather than hang one and
                    # start the line with the next, carry the run and the character
                    # before it down together
                    start = _run_start(U, i, line_start, cannot_start)
                    if start is not None:
                        extra += sum(_width(U[k], max_width) for k in range(start, i))
                        i = start
            lines.append(_rl.makeCJKParaLine(U[line_start:i], max_width, width_used, extra,
                                             line_break, calcBounds))
            try:
                max_width = maxWidths[len(lines)]
            except IndexError:
                max_width = maxWidths[-1]
            line_start = i
            width_used = 0
    if width_used > 0:
        lines.append(_rl.makeCJKParaLine(U[line_start:], max_width, width_used,
                                         max_width - width_used, False, calcBounds))
    return _rl.ParaLines(kind=1, lines=lines)


def install() -> None:
    """Use these splitters for every CJK-wrapped paragraph."""
    _rl.cjkFragSplit = cjk_frag_split
    _ts.dumbSplit = dumb_split
