"""Serial barcode/QR scanners: one code per line, ended by CR, LF or CR LF.

`LineDecoder` is pure: bytes in, code strings out. Empty lines and control noise are
dropped, a runaway line without an end is cut off at `max_line`, bytes that are not
UTF-8 are read as GB18030 (some scanners send Chinese that way). Never raises.
"""

from __future__ import annotations

MAX_LINE = 4096
_ENDS = b"\r\n"


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")
    return "".join(ch for ch in text if ch.isprintable()).strip()


class LineDecoder:
    def __init__(self, max_line: int = MAX_LINE) -> None:
        self.max_line = max_line
        self._buf = bytearray()
        self._overflow = False

    def reset(self) -> None:
        self._buf.clear()
        self._overflow = False

    def feed(self, data: bytes) -> list[str]:
        out: list[str] = []
        for byte in data:
            if byte in _ENDS:
                if self._buf and not self._overflow:
                    text = _decode(bytes(self._buf))
                    if text:
                        out.append(text)
                self._buf.clear()
                self._overflow = False
            elif byte == 0:
                continue
            elif len(self._buf) >= self.max_line:
                self._overflow = True  # drop the rest of this line
            else:
                self._buf.append(byte)
        return out


def encode_line(code: str, terminator: bytes = b"\r\n") -> bytes:
    return code.encode("utf-8") + terminator
