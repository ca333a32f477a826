"""SAM frame codec (GA/T 467): bytes ⇄ frames ⇄ requests / responses.

```
request : AA AA AA 96 69 | LEN(2, BE) | CMD | PARA | DATA… | CHK
response: AA AA AA 96 69 | LEN(2, BE) | SW1 SW2 SW3 | DATA… | CHK
```
LEN counts every byte after itself, CHK included; CHK is the XOR of LEN…last DATA.
Pure code: the decoder never raises on garbage and never waits.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from itertools import accumulate
from operator import xor
from typing import Final

from devices.idcard.tables import SW3_OK, sw3_message

PREAMBLE: Final = b"\xaa\xaa\xaa\x96\x69"
HEADER_LEN: Final = len(PREAMBLE) + 2

# (CMD, PARA) of the functions we use.
SAM_RESET: Final = (0x10, 0xFF)
SAM_STATUS: Final = (0x11, 0xFF)
SAM_ID: Final = (0x12, 0xFF)
FIND_CARD: Final = (0x20, 0x01)
SELECT_CARD: Final = (0x20, 0x02)
READ_BASE: Final = (0x30, 0x01)
READ_ADDRESS: Final = (0x30, 0x03)
READ_BASE_FP: Final = (0x30, 0x10)

TEXT_LEN: Final = 256
PHOTO_LEN: Final = 1024


def xor_checksum(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def encode_frame(payload: bytes) -> bytes:
    """Wrap CMD/PARA/DATA (or SW/DATA) in preamble, length and checksum."""
    body = (len(payload) + 1).to_bytes(2, "big") + payload
    return PREAMBLE + body + bytes([xor_checksum(body)])


def encode_request(cmd: int, para: int, data: bytes = b"") -> bytes:
    return encode_frame(bytes([cmd, para]) + data)


def encode_response(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    return encode_frame(bytes([sw1, sw2, sw3]) + data)


@dataclass(frozen=True)
class SamFrame:
    """A frame with a good checksum; payload is everything between LEN and CHK."""

    payload: bytes


@dataclass(frozen=True)
class BadChecksum:
    """A complete frame whose checksum did not match (the caller asks again)."""

    payload: bytes


class FrameDecoder:
    """Stream decoder: feed bytes as they come, get whole frames out.

    Hunts for the preamble, so garbage before, between and inside frames is skipped.
    A frame with a bad checksum is reported (BadChecksum) and the hunt resumes after
    its first preamble byte, in case the "frame" was a false preamble in noise.

    Linear in the input, however hostile (noise full of preambles claiming long
    frames used to cost a checksum pass per false preamble):

    - a running XOR: `_px[i]` is the XOR of every byte before `_buf[i]`, extended as
      bytes arrive, so any candidate's checksum is two look-ups;
    - bounded look-ahead: a LEN above `max_frame` is a false preamble at once (the
      longest SAM answer, text + photo + fingerprint, is 2314), so no candidate holds
      the hunt for more than `max_frame` bytes;
    - every byte is searched once (`pos` only moves forward within a feed and the
      bytes before it are dropped).
    """

    #: Longest LEN accepted: the largest answer (2314) with room to spare.
    MAX_FRAME: Final = 4096

    def __init__(self, max_frame: int = MAX_FRAME) -> None:
        self._buf = bytearray()
        self._px = bytearray(1)  # running XOR; len(_px) == len(_buf) + 1
        self.max_frame = max_frame

    def reset(self) -> None:
        self._buf.clear()
        self._px = bytearray(1)

    @property
    def pending(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes) -> list[SamFrame | BadChecksum]:
        buf, px = self._buf, self._px
        if data:
            buf += data
            running = accumulate(data, xor, initial=px[-1])
            next(running)  # the initial value is already there
            px.extend(running)
        out: list[SamFrame | BadChecksum] = []
        pos = 0
        size = len(buf)
        while True:
            start = buf.find(PREAMBLE, pos)
            if start < 0:
                # Keep a tail that may be the beginning of a preamble.
                pos = max(pos, size - (len(PREAMBLE) - 1))
                break
            if size - start < HEADER_LEN:
                pos = start
                break
            length = (buf[start + 5] << 8) | buf[start + 6]
            if not 1 <= length <= self.max_frame:
                pos = start + 1  # no SAM frame is that long: noise
                continue
            end = start + HEADER_LEN + length  # one past CHK
            if size < end:
                pos = start  # wait for the rest (at most max_frame bytes)
                break
            payload = bytes(buf[start + HEADER_LEN : end - 1])
            if px[start + len(PREAMBLE)] ^ px[end - 1] == buf[end - 1]:
                out.append(SamFrame(payload))
                pos = end
            else:
                out.append(BadChecksum(payload))
                pos = start + 1
        if pos:
            del buf[:pos]
            del px[:pos]
        return out


@dataclass(frozen=True)
class SamRequest:
    cmd: int
    para: int
    data: bytes = b""


@dataclass(frozen=True)
class SamResponse:
    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    @property
    def ok(self) -> bool:
        return self.sw1 == 0 and self.sw2 == 0 and self.sw3 == SW3_OK

    @property
    def message(self) -> str:
        return sw3_message(self.sw3)


def parse_request(frame: SamFrame) -> SamRequest | None:
    if len(frame.payload) < 2:
        return None
    return SamRequest(frame.payload[0], frame.payload[1], frame.payload[2:])


def parse_response(frame: SamFrame) -> SamResponse | None:
    if len(frame.payload) < 3:
        return None
    p = frame.payload
    return SamResponse(p[0], p[1], p[2], p[3:])


@dataclass(frozen=True)
class ReadData:
    """The data of a read answer, split by the length fields."""

    text: bytes
    photo: bytes
    fingerprint: bytes = b""


def build_read_data(text: bytes, photo: bytes, fingerprint: bytes | None = None) -> bytes:
    head = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
    if fingerprint is not None:
        head += len(fingerprint).to_bytes(2, "big")
    return head + text + photo + (fingerprint or b"")


def split_read_data(data: bytes, with_fingerprint: bool = False) -> ReadData | None:
    """Split text, photo (and fingerprint); None when the lengths do not add up."""
    head = 6 if with_fingerprint else 4
    if len(data) < head:
        return None
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    fp_len = int.from_bytes(data[4:6], "big") if with_fingerprint else 0
    if len(data) != head + text_len + photo_len + fp_len:
        return None
    text = data[head : head + text_len]
    photo = data[head + text_len : head + text_len + photo_len]
    fingerprint = data[head + text_len + photo_len :]
    return ReadData(text, photo, fingerprint)
