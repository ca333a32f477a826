"""No full ID number or mobile number reaches the log file."""

from __future__ import annotations

import logging
from pathlib import Path

from counter_app.logs import MaskingFilter, scrub


def test_scrub_masks_ids_and_phones() -> None:
    text = scrub("applicant 11010519491231002X phone 13812345678 case 37010201202611260001")
    assert "11010519491231002X" not in text and "110105********002X" in text
    assert "138****5678" in text
    assert "37010201202611260001" in text  # case numbers (20 digits) are not ID numbers


def test_log_records_are_masked_including_tracebacks(tmp_path: Path) -> None:
    path = tmp_path / "counter.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.addFilter(MaskingFilter())
    log = logging.getLogger("test.masking")
    log.addHandler(handler)
    try:
        log.warning("read card %s", "11010519491231002X")
        try:
            raise ValueError("bad 11010519491231002X")
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
        handler.close()
    text = path.read_text(encoding="utf-8")
    assert "11010519491231002X" not in text
    assert text.count("110105********002X") >= 2


def test_scrub_finds_numbers_typed_in_groups_or_full_width() -> None:
    text = scrub("请回电 138 1234 5678 或 139-8765-4321，证件 110105 19491231 002X，"
                 "手机１３８１２３４５６７８，办件 37010201202611260001，电话 0531-12345678")
    typed = ("138 1234 5678", "139-8765-4321", "110105 19491231 002X", "１３８１２３４５６７８")
    for full in typed:
        assert full not in text
    assert "138****5678" in text and "139****4321" in text and "110105********002X" in text
    assert "37010201202611260001" in text and "0531-12345678" in text
