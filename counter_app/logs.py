"""Logging: a rotating file in the platform log folder. Every record passes a filter
that masks ID numbers and mobile numbers, so no full certificate number reaches a log
(PIPL, domain.md §7), whatever a developer formats into a message. The folder is
created 0700 and the files 0600. Alembic's INFO lines (plugins, context) stay out of
the log: its logger is set to WARNING."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from counter_app.config import log_dir
from counter_app.domain.masking import mask_id, mask_phone
from counter_app.store.files import private_dir, private_file

QUIET_LOGGERS = ("alembic",)  # INFO on every command; their warnings still pass

# Matched on a copy with full-width digits made ASCII (same length, so the spans fit
# the original): people type numbers into free text with the IME's full-width digits
# and in groups ("138 1234 5678", "110105 19491231 002X").
_FULL_WIDTH = {ord("０") + i: ord("0") + i for i in range(10)} | {ord("Ｘ"): "X", ord("ｘ"): "x"}
_ID = re.compile(
    r"(?<![0-9A-Za-z])(\d(?:[ -]?\d){16}[ -]?[\dXx]|\d{15})(?![0-9A-Za-z])"
)
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d(?:[ -]?\d){8})(?!\d)")


def scrub(text: str) -> str:
    """Mask ID numbers (18 and 15 digits) and mobile numbers: in log records, and in
    free text (rating comments) before it goes onto papers or to the province."""
    ascii_text = text.translate(_FULL_WIDTH)
    spans: list[tuple[int, int, str]] = []
    for pattern, mask in ((_ID, mask_id), (_MOBILE, mask_phone)):
        for match in pattern.finditer(ascii_text):
            if any(a < match.end() and match.start() < b for a, b, _ in spans):
                continue
            digits = re.sub(r"[ -]", "", match.group(1))
            spans.append((match.start(), match.end(), mask(digits)))
    for start, end, masked in sorted(spans, reverse=True):
        text = text[:start] + masked + text[end:]
    return text


class MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every file it opens (after a rollover too) is created 0600."""

    def _open(self):  # type: ignore[no-untyped-def]
        private_file(Path(self.baseFilename))
        return open(  # noqa: SIM115 - the handler keeps the stream
            self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors
        )


def setup_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Log to counter.log (5 × 2 MB, rotating) and warnings to stderr."""
    folder = folder or log_dir()
    private_dir(folder)
    path = folder / "counter.log"
    root = logging.getLogger()
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    if any(getattr(h, "_counter", False) for h in root.handlers):
        return path
    handler = PrivateRotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler._counter = True  # type: ignore[attr-defined]
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    handler.addFilter(MaskingFilter())
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    console.addFilter(MaskingFilter())
    root.addHandler(handler)
    root.addHandler(console)
    root.setLevel(level)
    return path
