"""Chinese fonts for the PDF papers, with per-character fallback.

No single small TrueType font covers every character a name can hold (see
docs/fonts.md): WenQuanYi Micro Hei has ASCII, digits and ``·`` but lacks rare
characters such as 䶮 (U+4DAE); Droid Sans Fallback has 䶮 but no ASCII. reportlab
does not fall back across fonts by itself, so every text run is split here into
segments by the first font in the chain whose cmap holds the glyph.

Both fonts ship in ``resources/fonts`` and are embedded (subset) in every PDF, so
the papers render on a machine without any system Chinese font.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

import resources

PRIMARY_FONT = "KuaibanMicroHei"
"""WenQuanYi Micro Hei: the face of every paper."""

FALLBACK_FONT = "KuaibanDroidFallback"
"""Droid Sans Fallback Full: rare CJK characters (Ext A) Micro Hei lacks."""


@dataclass(frozen=True)
class _FontFile:
    name: str
    path: Path
    subfont_index: int = 0


def _font_files() -> tuple[_FontFile, ...]:
    return (
        _FontFile(PRIMARY_FONT, resources.FONTS_DIR / "wqy-microhei.ttc", 0),
        _FontFile(FALLBACK_FONT, resources.FONTS_DIR / "DroidSansFallbackFull.ttf"),
    )


_lock = threading.Lock()
# (font name, its cmap: code point -> glyph id), in fallback order; None until registered.
_chain: tuple[tuple[str, Mapping[int, int]], ...] | None = None


def register_fonts() -> tuple[str, ...]:
    """Register the bundled fonts with reportlab; safe to call any number of times.

    Returns the font names in fallback order (primary first).
    """
    global _chain
    with _lock:
        if _chain is None:
            chain: list[tuple[str, Mapping[int, int]]] = []
            registered = set(pdfmetrics.getRegisteredFontNames())
            for spec in _font_files():
                if spec.name in registered:
                    font = pdfmetrics.getFont(spec.name)
                else:
                    font = TTFont(spec.name, str(spec.path), subfontIndex=spec.subfont_index)
                    pdfmetrics.registerFont(font)
                chain.append((spec.name, font.face.charToGlyph))
            # There is no bold or italic face: map them to the regular one so a stray
            # <b> or <i> in Paragraph markup does not raise.
            pdfmetrics.registerFontFamily(
                PRIMARY_FONT,
                normal=PRIMARY_FONT,
                bold=PRIMARY_FONT,
                italic=PRIMARY_FONT,
                boldItalic=PRIMARY_FONT,
            )
            _chain = tuple(chain)
        return tuple(name for name, _ in _chain)


def _font_chain() -> tuple[tuple[str, Mapping[int, int]], ...]:
    if _chain is None:
        register_fonts()
    assert _chain is not None
    return _chain


def _is_neutral(ch: str) -> bool:
    """Whitespace and control/format characters: they join the run around them.

    They are never reported missing: they draw no glyph of their own.
    """
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")


def font_for_char(ch: str) -> str | None:
    """The first font in the chain that has a glyph for ``ch``, or None."""
    code = ord(ch)
    for name, cmap in _font_chain():
        if code in cmap:
            return name
    return None


def has_glyph(font_name: str, ch: str) -> bool:
    """Whether the registered font ``font_name`` (one of ours) maps ``ch`` to a glyph."""
    for name, cmap in _font_chain():
        if name == font_name:
            return ord(ch) in cmap
    raise KeyError(font_name)


def split_runs(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into ``(font name, segment)`` runs, merging neighbours.

    A character no font has stays in the primary font (it will show as a box);
    :func:`missing_glyphs` reports such characters.
    """
    runs: list[tuple[str, str]] = []
    current: str | None = None
    buf: list[str] = []
    for ch in text:
        font = (current if _is_neutral(ch) else font_for_char(ch)) or PRIMARY_FONT
        if font != current and buf:
            runs.append((current or PRIMARY_FONT, "".join(buf)))
            buf = []
        current = font
        buf.append(ch)
    if buf:
        runs.append((current or PRIMARY_FONT, "".join(buf)))
    return runs


def missing_glyphs(text: str) -> set[str]:
    """Characters of ``text`` that no registered font can draw."""
    return {ch for ch in set(text) if not _is_neutral(ch) and font_for_char(ch) is None}


def string_width(text: str, size: float) -> float:
    """Width in points of ``text`` drawn with fallback at ``size``."""
    return sum(pdfmetrics.stringWidth(seg, font, size) for font, seg in split_runs(text))


def draw_string(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    align: int | str = "left",
    bold: bool = False,
) -> float:
    """Draw one line of mixed-font text on a canvas; returns its width.

    ``align`` is "left", "centre" or "right" (or reportlab's TA_* constants): the
    point ``x`` is the left edge, centre or right edge of the line. ``bold`` fakes a
    bold face (fill and stroke the outlines, in the canvas's stroke colour: set it
    like the fill colour): the bundled fonts have no bold.
    """
    width = string_width(text, size)
    if align in ("centre", "center", TA_CENTER):
        x -= width / 2
    elif align in ("right", TA_RIGHT):
        x -= width
    canvas.saveState()
    text_obj = canvas.beginText(x, y)
    if bold:
        canvas.setLineWidth(size / 32)
        text_obj.setTextRenderMode(2)
    for font, seg in split_runs(text):
        text_obj.setFont(font, size)
        text_obj.textOut(seg)
    canvas.drawText(text_obj)
    canvas.restoreState()
    return width


def markup(text: str, base_font: str = PRIMARY_FONT) -> str:
    """Paragraph markup for plain ``text`` with fallback segments wrapped in <font>.

    The text is XML-escaped; newlines become ``<br/>``. Segments in ``base_font``
    (the paragraph style's font) are left bare, others get ``<font name=…>``.
    """
    parts: list[str] = []
    for font, seg in split_runs(text):
        escaped = escape(seg).replace("\n", "<br/>")
        if font == base_font:
            parts.append(escaped)
        else:
            parts.append(f'<font name="{font}">{escaped}</font>')
    return "".join(parts)
