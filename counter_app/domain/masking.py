"""De-identification for screens, slips, lists and logs (domain.md §7)."""

from __future__ import annotations


def mask_id(number: str | None, head: int = 6, tail: int = 4) -> str:
    """370102********123X: first 6 and last 4 kept."""
    if not number:
        return ""
    if len(number) <= head + tail:
        return number[:1] + "*" * (len(number) - 1)
    return number[:head] + "*" * (len(number) - head - tail) + number[-tail:]


def mask_phone(phone: str | None) -> str:
    """138****5678."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(name: str | None) -> str:
    """张* on public screens; compound names keep the first character only."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_card(card_no: str | None) -> str:
    """Card and bank numbers: last 4 only."""
    if not card_no:
        return ""
    return "*" * max(0, len(card_no) - 4) + card_no[-4:]
