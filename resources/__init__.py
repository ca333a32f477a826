"""Data files that travel with the app: catalogue, holiday overrides, fonts, icons."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
CATALOGUE_DIR = ROOT / "catalogue"
HOLIDAY_OVERRIDES = ROOT / "holidays" / "overrides.toml"
FONTS_DIR = ROOT / "fonts"
ICONS_DIR = ROOT / "icons"
HCP_PROFILES_DIR = ROOT / "hcp"
