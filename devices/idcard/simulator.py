"""A simulated ID-card reader (the SAM side) on a pseudo-terminal.

It answers the requests of idcard-sam.md with the same bytes a reader sends, keeps the
card-must-leave rule, and has fault knobs:

- `card` / `place_card()` / `remove_card()`: what lies on the reader (None: nothing);
- `replace_after_s`: after a good read the card counts as taken away and, that many
  seconds later, as put back (so repeated `device read-id` runs find it); None keeps
  it away until `place_card()`;
- `bad_checksum_once` / `bad_checksum_rate`: corrupt the checksum of read answers;
- `fail_next_read`: answer the next read with this SW3 (e.g. 0x41 read failed);
- `drop_rate`: ignore a request (the host must time out and ask again);
- `sam_status`: the answer to SAM status (0x60 self-test failed, …);
- line faults (garbage, split frames), line-rate timing and a pulled cable from
  `PtySimulator`.
"""

from __future__ import annotations

import time

from devices.idcard.cardtext import encode_card_text
from devices.idcard.frames import (
    FIND_CARD,
    READ_ADDRESS,
    READ_BASE,
    READ_BASE_FP,
    SAM_ID,
    SAM_RESET,
    SAM_STATUS,
    SELECT_CARD,
    BadChecksum,
    FrameDecoder,
    build_read_data,
    encode_response,
    parse_request,
)
from devices.idcard.model import IdCardData
from devices.idcard.tables import (
    SW3_BAD_CHECKSUM,
    SW3_BAD_LENGTH,
    SW3_FIND_OK,
    SW3_NO_CARD,
    SW3_NO_CONTENT,
    SW3_OK,
    SW3_SELECT_FAILED,
)
from devices.pty_sim import LineFaults, PtySimulator

SAM_ID_BYTES = bytes.fromhex("0501000000000000000000000000000000")


class IdCardSimulator(PtySimulator):
    name = "idcard"

    def __init__(
        self,
        card: IdCardData | None = None,
        *,
        baud: int = 115200,
        faults: LineFaults | None = None,
        replace_after_s: float | None = 1.0,
        bad_checksum_once: bool = False,
        bad_checksum_rate: float = 0.0,
        drop_rate: float = 0.0,
        sam_status: int = SW3_OK,
        path: str | None = None,
        paced: bool = True,
    ) -> None:
        super().__init__(baud=baud, faults=faults, path=path, paced=paced)
        self.card = card
        self.replace_after_s = replace_after_s
        self.bad_checksum_once = bad_checksum_once
        self.bad_checksum_rate = bad_checksum_rate
        self.drop_rate = drop_rate
        self.sam_status = sam_status
        self.fail_next_read: int | None = None
        self._decoder = FrameDecoder()
        self._found = False
        self._selected = False
        self._must_leave = False
        self._back_at: float | None = None
        #: Counters for tests: requests seen, good reads served, corrupted answers.
        self.requests: list[tuple[int, int]] = []
        self.reads_served = 0
        self.corrupted = 0

    # ---- knobs (any thread) ----------------------------------------------------

    def place_card(self, card: IdCardData | None = None) -> None:
        with self.lock:
            if card is not None:
                self.card = card
            self._must_leave = False
            self._found = self._selected = False
            self._back_at = None

    def remove_card(self) -> None:
        with self.lock:
            self.card = None
            self._found = self._selected = False
            self._must_leave = False
            self._back_at = None

    # ---- device side ---------------------------------------------------------------

    def on_cable_pulled(self) -> None:
        self._decoder.reset()

    def on_tick(self, now: float) -> None:
        if self._back_at is not None and now >= self._back_at:
            self._back_at = None
            self._must_leave = False

    def on_bytes(self, data: bytes) -> None:
        for frame in self._decoder.feed(data):
            if isinstance(frame, BadChecksum):
                self.send_frame(encode_response(SW3_BAD_CHECKSUM))
                continue
            request = parse_request(frame)
            if request is None:
                self.send_frame(encode_response(SW3_BAD_LENGTH))
                continue
            if self.drop_rate and self.rng.random() < self.drop_rate:
                continue
            self.requests.append((request.cmd, request.para))
            self.send_frame(self._answer((request.cmd, request.para)))

    def _answer(self, cmd: tuple[int, int]) -> bytes:
        if cmd in (SAM_RESET, SAM_STATUS):
            return encode_response(self.sam_status)
        if cmd == SAM_ID:
            return encode_response(SW3_OK, SAM_ID_BYTES)
        if self.sam_status != SW3_OK:
            return encode_response(self.sam_status)
        if cmd == FIND_CARD:
            self._selected = False
            self._found = self.card is not None and not self._must_leave
            if self._found:
                return encode_response(SW3_FIND_OK, b"\x00\x00\x00\x00")
            return encode_response(SW3_NO_CARD)
        if cmd == SELECT_CARD:
            if not self._found:
                return encode_response(SW3_SELECT_FAILED)
            self._selected = True
            return encode_response(SW3_OK, bytes(8))
        if cmd in (READ_BASE, READ_BASE_FP, READ_ADDRESS):
            return self._read(cmd)
        return encode_response(0x21)

    def _read(self, cmd: tuple[int, int]) -> bytes:
        if not self._selected or self.card is None:
            return encode_response(0x41)
        if self.fail_next_read is not None:
            sw3, self.fail_next_read = self.fail_next_read, None
            self._found = self._selected = False
            return encode_response(sw3)
        if cmd == READ_ADDRESS:
            return encode_response(SW3_NO_CONTENT)
        text = encode_card_text(self.card)
        fingerprint = b"" if cmd == READ_BASE_FP else None
        answer = encode_response(SW3_OK, build_read_data(text, self.card.photo_wlt, fingerprint))
        corrupt = self.bad_checksum_once or (
            self.bad_checksum_rate and self.rng.random() < self.bad_checksum_rate
        )
        if corrupt:
            self.bad_checksum_once = False
            self.corrupted += 1
            return answer[:-1] + bytes([answer[-1] ^ 0x5A])
        # A good read: the card must leave before the next find. Reads may be repeated
        # while the card stays selected (a host that lost the answer asks again).
        self.reads_served += 1
        self._must_leave = True
        if self.replace_after_s is not None:
            self._back_at = time.monotonic() + self.replace_after_s
        return answer
