"""Per-character font fallback: the bundled fonts draw every character the papers use."""

from __future__ import annotations

from printing import fonts
from tests.printing.printing_samples import sample_paper


def test_register_fonts_is_idempotent() -> None:
    first = fonts.register_fonts()
    assert first == (fonts.PRIMARY_FONT, fonts.FALLBACK_FONT)
    assert fonts.register_fonts() == first


def test_rare_character_falls_back_to_droid() -> None:
    assert not fonts.has_glyph(fonts.PRIMARY_FONT, "䶮")
    assert fonts.has_glyph(fonts.FALLBACK_FONT, "䶮")
    assert fonts.split_runs("王䶮") == [(fonts.PRIMARY_FONT, "王"), (fonts.FALLBACK_FONT, "䶮")]


def test_ascii_digits_and_middle_dot_stay_in_primary() -> None:
    # Droid has no ASCII or "·": they must never be routed to it.
    text = "阿卜杜·热合曼 110105********002X 2026-10-12"
    assert fonts.split_runs(text) == [(fonts.PRIMARY_FONT, text)]


def test_spaces_join_the_surrounding_run() -> None:
    runs = fonts.split_runs("䶮 䶮")
    assert runs == [(fonts.FALLBACK_FONT, "䶮 䶮")]


def test_missing_glyphs_reports_what_no_font_has() -> None:
    assert fonts.missing_glyphs("王䶮 阿卜杜·热合曼\n") == set()
    assert fonts.missing_glyphs("☐\ue000王") == {"☐", "\ue000"}
    # A missing character stays in the primary font (drawn as a box, not dropped).
    assert fonts.split_runs("王\ue000") == [(fonts.PRIMARY_FONT, "王\ue000")]


def test_markup_escapes_and_wraps_fallback_segments() -> None:
    out = fonts.markup("王䶮 <b>&\n")
    assert out == f'王<font name="{fonts.FALLBACK_FONT}">䶮 </font>&lt;b&gt;&amp;<br/>'


def test_string_width_sums_the_segments() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    expected = stringWidth("王", fonts.PRIMARY_FONT, 10) + stringWidth(
        "䶮", fonts.FALLBACK_FONT, 10
    )
    assert fonts.string_width("王䶮", 10) == expected
    assert expected > 15


def test_sample_paper_texts_have_every_glyph() -> None:
    """The glyph test: with only the bundled fonts, no sample text shows a box."""
    paper = sample_paper()
    texts = [
        paper.applicant_name,
        paper.title,
        paper.doc_no,
        paper.reason,
        *paper.warnings,
        paper.office.hall_name,
        paper.office.teller_name,
        *(f"{i.name}{i.unit_name}{i.statutory}{i.committed}{i.legal_basis}{i.status}{i.result}"
          for i in paper.items),
        *(f"{m.name}{m.form}{m.status}{m.standard}" for m in paper.materials),
    ]
    assert fonts.missing_glyphs("".join(texts)) == set()
