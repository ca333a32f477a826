"""Reading a card through the SAM serial protocol: find → select → read.

`SamReader` is synchronous and talks to any `BytePort` (a pyserial port, or a fake
in tests); the driver thread or a CLI command owns it. Every response checksum is
verified; a lost, garbled or bad-checksum answer is asked for again (`retries`), and
a failed read (41 and friends) starts over at find (`read_retries`).

The card-must-leave rule lives in the SAM: after a good read, find answers 80 until
the card has left the field. The driver adds the same rule for back-ends that do not
keep it (`IdCardDriver`).
"""

from __future__ import annotations

import time
from typing import Protocol

from devices.idcard.cardtext import decode_card_text
from devices.idcard.frames import (
    FIND_CARD,
    READ_BASE,
    READ_BASE_FP,
    SAM_ID,
    SAM_STATUS,
    SELECT_CARD,
    BadChecksum,
    FrameDecoder,
    SamResponse,
    encode_request,
    parse_response,
    split_read_data,
)
from devices.idcard.model import IdCardData
from devices.idcard.tables import (
    RETRYABLE_READ,
    SW3_BAD_CHECKSUM,
    SW3_BAD_LENGTH,
    SW3_FIND_OK,
    SW3_NO_CARD,
    SW3_OK,
    sw3_message,
)
from devices.transport import BytePort, DeviceUnavailable, close_quietly, open_serial, parse_port

#: What only find answers (card there / no card), and what only the others answer
#: (done). After a timeout the SAM may still answer the request given up on, and
#: GA 467 answers carry no command code: such a late answer is known by a status
#: its request could not have, and is passed over.
FIND_ANSWERS = frozenset({SW3_FIND_OK, SW3_NO_CARD})

NO_CARD_MESSAGE = "未检测到证件"
NO_ANSWER_MESSAGE = "读卡器无应答"


class IdCardError(Exception):
    """A read that failed; the message is Chinese. `sw3` is the SAM status if any;
    `link` is True when the reader itself did not answer properly."""

    def __init__(self, message: str, *, sw3: int | None = None, link: bool = False) -> None:
        super().__init__(message)
        self.sw3 = sw3
        self.link = link


class IdCardBackend(Protocol):
    """What the driver needs from a reader, serial SAM or vendor library alike."""

    def open(self) -> None:
        """Raise DeviceUnavailable with a Chinese reason when the reader is not there."""

    def close(self) -> None: ...

    def read_card(self) -> IdCardData | None:
        """One attempt: the card, or None when no (new) card is in the field.
        Raises IdCardError for a failed read."""


class SamReader:
    """The SAM protocol over a byte port (synchronous)."""

    def __init__(
        self,
        port: BytePort,
        baud: int = 115200,
        *,
        retries: int = 3,
        read_retries: int = 2,
        fingerprint: bool = False,
        answer_timeout: float = 0.5,
    ) -> None:
        self.port = port
        self.baud = baud
        self.retries = retries
        self.read_retries = read_retries
        self.fingerprint = fingerprint
        self.answer_timeout = answer_timeout
        self._decoder = FrameDecoder()
        #: Transactions that needed more than one try (for diagnostics and tests).
        self.resends = 0
        #: Late answers to an earlier request, passed over (diagnostics and tests).
        self.late_answers = 0

    # ---- transactions ---------------------------------------------------------

    def _timeout_for(self, expected_bytes: int) -> float:
        # Wire time of the expected answer, doubled, plus the SAM's own think time.
        return self.answer_timeout + 2 * expected_bytes * 10 / self.baud

    @staticmethod
    def _late(cmd: tuple[int, int], sw3: int) -> bool:
        """An answer `cmd` cannot have: the late answer to an earlier request."""
        if cmd == FIND_CARD:
            return sw3 == SW3_OK
        return sw3 in FIND_ANSWERS

    def _await(self, cmd: tuple[int, int], timeout: float) -> SamResponse | BadChecksum | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = self.port.in_waiting
            data = self.port.read(waiting if waiting > 0 else 1)
            if not data:
                continue
            for item in self._decoder.feed(data):
                if isinstance(item, BadChecksum):
                    return item
                response = parse_response(item)
                if response is not None and self._late(cmd, response.sw3):
                    self.late_answers += 1
                    continue
                if response is not None:
                    return response
        return None

    def transact(self, cmd: tuple[int, int], expected_bytes: int = 16) -> SamResponse:
        """Send one request and return its answer, asking again on trouble."""
        problem = NO_ANSWER_MESSAGE
        for attempt in range(self.retries + 1):
            if attempt:
                self.resends += 1
            self.port.reset_input_buffer()
            self._decoder.reset()
            self.port.write(encode_request(*cmd))
            answer = self._await(cmd, self._timeout_for(expected_bytes))
            if answer is None:
                problem = NO_ANSWER_MESSAGE
                continue
            if isinstance(answer, BadChecksum):
                problem = "读卡器应答校验和错误"
                continue
            if answer.sw3 in (SW3_BAD_CHECKSUM, SW3_BAD_LENGTH):
                problem = sw3_message(answer.sw3)  # the SAM got our request garbled
                continue
            return answer
        raise IdCardError(f"{problem} (已重试 {self.retries} 次)", link=True)

    # ---- SAM functions -------------------------------------------------------------

    def sam_status(self) -> SamResponse:
        return self.transact(SAM_STATUS)

    def sam_id(self) -> bytes:
        answer = self.transact(SAM_ID, 40)
        if answer.sw3 != SW3_OK:
            raise IdCardError(answer.message, sw3=answer.sw3)
        return answer.data

    def find(self) -> bool:
        answer = self.transact(FIND_CARD)
        if answer.sw3 == SW3_FIND_OK:
            return True
        if answer.sw3 == SW3_NO_CARD:
            return False
        raise IdCardError(answer.message, sw3=answer.sw3)

    def select(self) -> None:
        answer = self.transact(SELECT_CARD, 20)
        if answer.sw3 != SW3_OK:
            raise IdCardError(answer.message, sw3=answer.sw3)

    def read(self) -> IdCardData:
        cmd = READ_BASE_FP if self.fingerprint else READ_BASE
        answer = self.transact(cmd, 2400 if self.fingerprint else 1300)
        if answer.sw3 != SW3_OK:
            raise IdCardError(answer.message, sw3=answer.sw3)
        parts = split_read_data(answer.data, with_fingerprint=self.fingerprint)
        card = None
        if parts is not None:
            card = decode_card_text(parts.text, parts.photo, parts.fingerprint)
        if card is None:
            raise IdCardError("证件信息无法识别", sw3=answer.sw3)
        return card

    def read_card(self) -> IdCardData | None:
        """find → select → read; None when there is no (new) card."""
        last: IdCardError | None = None
        for _ in range(self.read_retries + 1):
            if not self.find():
                if last is not None:
                    raise last
                return None
            try:
                self.select()
                return self.read()
            except IdCardError as exc:
                if exc.link or exc.sw3 not in RETRYABLE_READ:
                    raise
                last = exc
        assert last is not None
        raise last


class SerialSamBackend:
    """`IdCardBackend` for a reader whose SAM is on a serial port."""

    def __init__(self, port: str, baud: int = 115200, **reader_options: object) -> None:
        spec = parse_port(port, baud)
        self.url = spec.url
        self.baud = spec.baud
        self._options = reader_options
        self._port = None
        self.reader: SamReader | None = None

    def open(self) -> None:
        self._port = open_serial(self.url, self.baud)
        self.reader = SamReader(self._port, self.baud, **self._options)  # type: ignore[arg-type]
        try:
            status = self.reader.sam_status()
        except IdCardError as exc:
            self.close()
            raise DeviceUnavailable(str(exc), detail=f"port {self.url}") from exc
        if status.sw3 != SW3_OK:
            self.close()
            raise DeviceUnavailable(f"安全模块状态异常: {status.message}", error=True)

    def close(self) -> None:
        port, self._port = self._port, None
        self.reader = None
        close_quietly(port)

    def read_card(self) -> IdCardData | None:
        if self.reader is None:
            raise IdCardError("读卡器未打开", link=True)
        return self.reader.read_card()


__all__ = [
    "NO_ANSWER_MESSAGE",
    "NO_CARD_MESSAGE",
    "IdCardBackend",
    "IdCardError",
    "SamReader",
    "SerialSamBackend",
    "sw3_message",
]
