"""ESC/POS bytes for thermal slip printers, text encoded as GB18030 by us.

Why not python-escpos: its encoder switches a whole chunk to GB18030 only when the
chunk holds a common CJK character, so lone full-width punctuation or rare name
characters turn into `?` (escpos.md). Here every character is encoded on its own;
characters outside GB18030's one/two-byte range (which printer fonts lack) become
`fallback`.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Self

ESC = 0x1B
GS = 0x1D
FS = 0x1C
DLE = 0x10
EOT = 0x04
LF = 0x0A


class Align(IntEnum):
    LEFT = 0
    CENTER = 1
    RIGHT = 2


QR_ERROR_LEVELS = {"L": 0x30, "M": 0x31, "Q": 0x32, "H": 0x33}


def encode_gb18030(text: str, fallback: str = "?") -> bytes:
    """GB18030, one character at a time; 4-byte sequences and controls → fallback."""
    out = bytearray()
    for ch in text:
        if ch == "\n":
            out.append(LF)
            continue
        if ord(ch) < 0x20 or ord(ch) == 0x7F:
            continue  # a stray control byte would be read as a printer command
        try:
            encoded = ch.encode("gb18030")
        except UnicodeEncodeError:
            encoded = b""
        if not encoded or len(encoded) > 2:
            encoded = fallback.encode("gb18030")
        out += encoded
    return bytes(out)


def status_request(n: int) -> bytes:
    """DLE EOT n: real-time status (1 printer, 2 offline cause, 3 error, 4 paper)."""
    return bytes([DLE, EOT, n])


class EscPosBuilder:
    """Builds one print job. Methods return self, so calls chain:

    >>> data = EscPosBuilder().init().align(Align.CENTER).bold().size(2, 2)
    ...     .line("B012").size().bold(False).qr("https://…").cut().build()
    """

    def __init__(self, *, fallback: str = "?") -> None:
        self._buf = bytearray()
        self.fallback = fallback

    def raw(self, data: bytes) -> Self:
        self._buf += data
        return self

    def init(self, chinese: bool = True) -> Self:
        """ESC @, then Chinese mode (FS &) so bytes ≥ 0x80 read as GB18030 pairs."""
        self._buf += bytes([ESC, 0x40])
        return self.chinese_mode(chinese)

    def chinese_mode(self, on: bool = True) -> Self:
        self._buf += bytes([FS, 0x26 if on else 0x2E])
        return self

    def text(self, text: str) -> Self:
        self._buf += encode_gb18030(text, self.fallback)
        return self

    def line(self, text: str = "") -> Self:
        return self.text(text).raw(bytes([LF]))

    def bold(self, on: bool = True) -> Self:
        self._buf += bytes([ESC, 0x45, 1 if on else 0])
        return self

    def align(self, align: Align = Align.LEFT) -> Self:
        self._buf += bytes([ESC, 0x61, int(align)])
        return self

    def size(self, width: int = 1, height: int = 1) -> Self:
        """Character size 1–8 times: GS ! for all characters, FS ! for Chinese ones."""
        if not (1 <= width <= 8 and 1 <= height <= 8):
            raise ValueError("size must be 1–8")
        self._buf += bytes([GS, 0x21, ((width - 1) << 4) | (height - 1)])
        fs = (0x04 if width > 1 else 0) | (0x08 if height > 1 else 0)
        self._buf += bytes([FS, 0x21, fs])
        return self

    def feed(self, lines: int = 1) -> Self:
        self._buf += bytes([ESC, 0x64, max(0, min(255, lines))])
        return self

    def qr(self, data: str, module_size: int = 6, error_level: str = "M") -> Self:
        """Native QR (model 2) printed by the printer: GS ( k."""
        payload = data.encode("utf-8")
        if len(payload) > 7089:
            raise ValueError("QR data too long")
        if not 1 <= module_size <= 16:
            raise ValueError("module size must be 1–16")
        n = len(payload) + 3
        b = self._buf
        b += bytes([GS, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00])  # model 2
        b += bytes([GS, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, module_size])
        b += bytes([GS, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, QR_ERROR_LEVELS[error_level]])
        b += bytes([GS, 0x28, 0x6B, n & 0xFF, n >> 8, 0x31, 0x50, 0x30]) + payload
        b += bytes([GS, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30])
        return self

    def code128(self, data: str, height: int = 80, hri: bool = True) -> Self:
        """Code 128 (GS k 73) in code set B; printable ASCII only."""
        if not data or not all(0x20 <= ord(c) < 0x7F for c in data):
            raise ValueError("Code 128 data must be printable ASCII")
        body = b"{B" + data.encode("ascii")
        if len(body) > 255:
            raise ValueError("Code 128 data too long")
        self._buf += bytes([GS, 0x68, max(1, min(255, height))])  # height in dots
        self._buf += bytes([GS, 0x48, 2 if hri else 0])  # human-readable text below
        self._buf += bytes([GS, 0x6B, 73, len(body)]) + body
        return self

    def cut(self, partial: bool = False, feed: int = 3) -> Self:
        """Feed and cut (GS V 66 n); partial cut is GS V 1."""
        if partial:
            self.feed(feed)
            self._buf += bytes([GS, 0x56, 0x01])
        else:
            self._buf += bytes([GS, 0x56, 0x42, max(0, min(255, feed))])
        return self

    def build(self) -> bytes:
        return bytes(self._buf)
