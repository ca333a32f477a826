"""docs/configuration.md lists every key of the settings class, with its default and
its environment variable: it is generated from the fields, and this test keeps the
file equal to what `counter-app config doc` prints."""

from __future__ import annotations

from pathlib import Path

from counter_app.config import known_keys
from counter_app.config.reference import markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def test_the_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "docs/configuration.md is out of date: run `counter-app config doc > "
        "docs/configuration.md`"
    )


def test_every_key_has_its_row_and_variable() -> None:
    text = DOC.read_text(encoding="utf-8")
    for key in known_keys():
        assert f"| `{key}` |" in text and f"`COUNTER_{key.upper()}`" in text, key
