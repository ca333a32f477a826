"""A4 PDF counter papers drawn from a :class:`printing.papers.CasePaper`.

Usage::

    from printing.pdf import DOCUMENTS, DOCUMENT_TITLES, pdf_bytes
    DOCUMENTS["receipt"](paper, Path("out/receipt.pdf"))
    data = pdf_bytes("receipt", paper)

Each paper module exposes ``TITLE`` and ``story(paper)``; the page furniture
(header with barcode and QR code, footer) is shared, see :mod:`printing.pdf.layout`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from printing.papers import CasePaper
from printing.pdf import completion, credit, layout, receipt, rejection, supplement, tolerance
from printing.pdf.layout import PageMarks

_MODULES: dict[str, ModuleType] = {
    "receipt": receipt,
    "supplement": supplement,
    "tolerance": tolerance,
    "credit": credit,
    "rejection": rejection,
    "completion": completion,
}

DOCUMENT_TITLES: dict[str, str] = {kind: mod.TITLE for kind, mod in _MODULES.items()}
"""Chinese title of each paper, by registry key."""


def pdf_bytes(kind: str, paper: CasePaper, *, marks: PageMarks | None = None) -> bytes:
    """The PDF of paper ``kind`` (a key of :data:`DOCUMENTS`) for ``paper``.

    ``marks``, when given, is filled with what the page furniture drew (barcode
    modules, QR matrix): for tests and previews.
    """
    mod = _MODULES[kind]
    return layout.build_pdf(paper, mod.story(paper), title=mod.TITLE, marks=marks)


def render(kind: str, paper: CasePaper, path: Path | str) -> None:
    """Write paper ``kind`` for ``paper`` to ``path`` (atomically)."""
    layout.write_pdf(pdf_bytes(kind, paper), path)


def _renderer(kind: str) -> Callable[[CasePaper, Path], None]:
    def render_kind(paper: CasePaper, path: Path) -> None:
        render(kind, paper, path)

    render_kind.__name__ = f"render_{kind}"
    render_kind.__doc__ = f"Write the {DOCUMENT_TITLES[kind]} of ``paper`` to ``path``."
    return render_kind


DOCUMENTS: dict[str, Callable[[CasePaper, Path], None]] = {
    kind: _renderer(kind) for kind in _MODULES
}
"""Renderer of each paper: ``DOCUMENTS[kind](paper, path)`` writes the PDF."""

__all__ = ["DOCUMENTS", "DOCUMENT_TITLES", "PageMarks", "pdf_bytes", "render"]
