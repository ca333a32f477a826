"""Resolving a scanned code (the electronic social-security card's QR) to a person.

The QR content is opaque and short-lived: it is never parsed here; the official
service resolves it. `QrResolver` is the port the application calls (on a worker
thread: it is network I/O); `FakeResolver` serves the demo and tests locally.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class QrResolveError(Exception):
    """The code could not be resolved; the message is Chinese."""


@dataclass(frozen=True)
class QrIdentity:
    name: str
    id_number: str
    card_number: str = ""  # 社会保障卡卡号, when the service returns it
    source: str = "电子社保卡"


class QrResolver(Protocol):
    def resolve(self, content: str) -> QrIdentity:
        """Raise QrResolveError for an unknown, expired or foreign code."""


class FakeResolver:
    """Knows the codes it was given; everything else is "invalid or expired"."""

    DEMO_CODE = "ESSC-DEMO-0001-7f3a9c2e5b"

    def __init__(self, codes: dict[str, QrIdentity] | None = None) -> None:
        self.codes = dict(codes) if codes is not None else {
            self.DEMO_CODE: QrIdentity("李晓梅", "370102198808150035", "A12345678"),
        }
        self.calls: list[str] = []

    def add(self, content: str, identity: QrIdentity) -> None:
        self.codes[content] = identity

    def resolve(self, content: str) -> QrIdentity:
        self.calls.append(content)
        try:
            return self.codes[content]
        except KeyError:
            raise QrResolveError("二维码无效或已过期, 请申请人刷新电子社保卡后重试") from None
