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
