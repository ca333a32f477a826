"""Make Chinese render on a machine with no Chinese font: register the fonts that
ship in resources/fonts and put them in the application font's family list, after
the usual system families (Microsoft YaHei on Windows, Noto/WenQuanYi on Linux).
Qt falls back per character along the list, so rare name characters (王䶮) come
from Droid Sans Fallback when the first family lacks them."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

import resources

SHIPPED = ("wqy-microhei.ttc", "DroidSansFallbackFull.ttf")
PREFERRED_SYSTEM = ("Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC")


def register_fonts() -> list[str]:
    """Add the shipped fonts; returns the families they provide."""
    families: list[str] = []
    for name in SHIPPED:
        font_id = QFontDatabase.addApplicationFont(str(resources.FONTS_DIR / name))
        if font_id >= 0:
            for family in QFontDatabase.applicationFontFamilies(font_id):
                if family not in families:
                    families.append(family)
    return families


def apply_app_font(app: QApplication, point_size: int = 11) -> QFont:
    shipped = register_fonts()
    available = set(QFontDatabase.families())
    families = [f for f in PREFERRED_SYSTEM if f in available] + shipped
    font = QFont()
    font.setFamilies(families)
    font.setPointSize(point_size)
    app.setFont(font)
    return font
